import { z } from 'zod';
import type { Sql } from '../db.js';
import { pgId } from '../db.js';

/** The company and its currency, resolved once at connect. */
export async function resolveCompany(
  sql: Sql,
  companyId: number | undefined,
): Promise<{ companyId: number; currencyId: number; currency: string } | null> {
  const rows = await sql.rows(
    'company.read',
    z.object({ id: pgId, currency_id: pgId, currency: z.string().length(3) }),
    `SELECT c.id, c.currency_id, cur.name AS currency
       FROM res_company c
       JOIN res_currency cur ON cur.id = c.currency_id
      WHERE $1::int IS NULL OR c.id = $1::int
      ORDER BY c.id
      LIMIT 1`,
    [companyId ?? null],
  );
  const row = rows[0];
  return row === undefined
    ? null
    : { companyId: row.id, currencyId: row.currency_id, currency: row.currency };
}
