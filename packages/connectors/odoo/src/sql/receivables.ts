import type { AgingBuckets } from '@switchboard/kit';
import { z } from 'zod';
import type { Sql } from '../db.js';
import { pgId, pgNumber, pgText } from '../db.js';
import type { AgingRow, CurrencyBalance, CustomerFinancials } from '../schemas.js';
import type { KeysetPage, Scope } from './common.js';
import { keysetPage, keysetParams, money, roundMoney, sourceRef, TODAY } from './common.js';

/**
 * Open posted customer invoices and credit notes of the configured company, with how many days
 * past due each is. $1 company id, $2 customer id or null for every customer.
 */
const OPEN_MOVES = `
  open_moves AS (
    SELECT m.commercial_partner_id AS customer_id, m.move_type, m.currency_id,
           COALESCE(m.amount_residual, 0) AS residual,
           COALESCE(${TODAY} - m.invoice_date_due, 0) AS days_late
      FROM account_move m
     WHERE m.state = 'posted'
       AND m.move_type IN ('out_invoice', 'out_refund')
       AND m.payment_state IN ('not_paid', 'partial')
       AND m.company_id = $1
       AND ($2::int IS NULL OR m.commercial_partner_id = $2::int)
  )`;

const INVOICE = `o.move_type = 'out_invoice'`;

/** Aging sums over the open_moves rows that satisfy `where` (constant SQL). */
function agingColumns(where: string): string {
  const sum = (condition: string) => `COALESCE(sum(o.residual) FILTER (WHERE ${where}${condition}), 0)`;
  return `
    ${sum(' AND o.days_late <= 0')} AS current,
    ${sum(' AND o.days_late BETWEEN 1 AND 30')} AS d1_30,
    ${sum(' AND o.days_late BETWEEN 31 AND 60')} AS d31_60,
    ${sum(' AND o.days_late BETWEEN 61 AND 90')} AS d61_90,
    ${sum(' AND o.days_late > 90')} AS d90_plus,
    ${sum('')} AS total,
    ${sum(' AND o.days_late > 0')} AS overdue`;
}

const AgingColumns = z.object({
  current: pgNumber,
  d1_30: pgNumber,
  d31_60: pgNumber,
  d61_90: pgNumber,
  d90_plus: pgNumber,
  total: pgNumber,
  overdue: pgNumber,
});
type AgingColumns = z.infer<typeof AgingColumns>;

function toBuckets(row: AgingColumns): AgingBuckets {
  return {
    current: roundMoney(row.current),
    d1_30: roundMoney(row.d1_30),
    d31_60: roundMoney(row.d31_60),
    d61_90: roundMoney(row.d61_90),
    d90_plus: roundMoney(row.d90_plus),
    total: roundMoney(row.total),
  };
}

export const EMPTY_BUCKETS: AgingBuckets = {
  current: 0,
  d1_30: 0,
  d31_60: 0,
  d61_90: 0,
  d90_plus: 0,
  total: 0,
};

/** Open receivable of one customer in one currency. */
export interface CurrencyAging {
  currencyId: number;
  currency: string;
  aging: AgingBuckets;
  overdue: number;
  /** Open credit notes. */
  credits: number;
}

/** Open receivable of one customer per currency (nothing is converted). */
export async function customerBalances(sql: Sql, scope: Scope, customerId: number): Promise<CurrencyAging[]> {
  const rows = await sql.rows(
    'receivables.balances',
    AgingColumns.extend({ currency_id: pgId, currency: z.string(), credits: pgNumber }),
    `WITH ${OPEN_MOVES}
     SELECT o.currency_id, cur.name AS currency, ${agingColumns(INVOICE)},
            COALESCE(sum(o.residual) FILTER (WHERE o.move_type = 'out_refund'), 0) AS credits
       FROM open_moves o
       JOIN res_currency cur ON cur.id = o.currency_id
      GROUP BY o.currency_id, cur.name
      ORDER BY cur.name`,
    [scope.client.companyId, customerId],
  );
  return rows.map((row) => ({
    currencyId: row.currency_id,
    currency: row.currency,
    aging: toBuckets(row),
    overdue: roundMoney(row.overdue),
    credits: roundMoney(row.credits),
  }));
}

/**
 * Receivable, overdue and aging of one customer in the company currency, with open credit notes and
 * other-currency invoices reported apart (Odoo's rate tables are not read, so nothing is converted).
 */
export async function customerFinancials(
  sql: Sql,
  scope: Scope,
  customerId: number,
): Promise<CustomerFinancials> {
  const balances = await customerBalances(sql, scope, customerId);
  const currency = scope.client.currency;
  const own = balances.find((balance) => balance.currencyId === scope.client.currencyId);
  const otherCurrencies: CurrencyBalance[] = balances
    .filter((balance) => balance.currencyId !== scope.client.currencyId && balance.aging.total > 0)
    .map((balance) => ({
      currency: balance.currency,
      receivable: balance.aging.total,
      overdue: balance.overdue,
    }));
  return {
    receivable: money(own?.aging.total ?? 0, currency),
    overdue: money(own?.overdue ?? 0, currency),
    aging: own === undefined ? { ...EMPTY_BUCKETS } : own.aging,
    unappliedCredits: money(own?.credits ?? 0, currency),
    otherCurrencies,
  };
}

export interface AgingReport {
  /** The UTC day days overdue are counted from. */
  asOf: string;
  totals: AgingBuckets;
  otherCurrencyInvoices: number;
}

/** Aging totals in the company currency for one customer or (customerId null) for all of them. */
export async function agingTotals(sql: Sql, scope: Scope, customerId: number | null): Promise<AgingReport> {
  const rows = await sql.rows(
    'receivables.totals',
    AgingColumns.extend({ other_currency: z.number().int(), as_of: z.string() }),
    `WITH ${OPEN_MOVES}
     SELECT ${agingColumns(`${INVOICE} AND o.currency_id = $3`)},
            to_char(${TODAY}, 'YYYY-MM-DD') AS as_of,
            (count(*) FILTER (WHERE ${INVOICE} AND o.currency_id <> $3))::int AS other_currency
       FROM open_moves o`,
    [scope.client.companyId, customerId, scope.client.currencyId],
  );
  const row = rows[0];
  if (row === undefined) throw new Error('An aggregate without GROUP BY always returns one row.');
  return {
    asOf: row.as_of,
    totals: toBuckets(row),
    otherCurrencyInvoices: row.other_currency,
  };
}

export const AgingKey = z.object({ overdue: z.string().regex(/^-?\d+(\.\d+)?$/), id: z.number().int() });
export type AgingKey = z.infer<typeof AgingKey>;

/** Per-customer aging in the company currency, most overdue first, after the keyset `after`. */
export async function agingByCustomer(
  sql: Sql,
  scope: Scope,
  page: { limit: number; after?: AgingKey | undefined },
): Promise<KeysetPage<AgingRow, AgingKey>> {
  const rows = await sql.rows(
    'receivables.by_customer',
    AgingColumns.extend({ customer_id: pgId, name: pgText, overdue_key: z.string() }),
    `WITH ${OPEN_MOVES},
     per_customer AS (
       SELECT o.customer_id, ${agingColumns('TRUE')}
         FROM open_moves o
        WHERE o.move_type = 'out_invoice' AND o.currency_id = $3
        GROUP BY o.customer_id
     )
     SELECT pc.*, pc.overdue::text AS overdue_key, p.name
       FROM per_customer pc
       JOIN res_partner p ON p.id = pc.customer_id
      WHERE pc.total <> 0
        AND ($4::numeric IS NULL OR pc.overdue < $4::numeric OR (pc.overdue = $4::numeric AND pc.customer_id > $5::int))
      ORDER BY pc.overdue DESC, pc.customer_id
      LIMIT $6`,
    [scope.client.companyId, null, scope.client.currencyId, ...keysetParams(page, (key) => key.overdue)],
  );
  return keysetPage(
    rows,
    page.limit,
    (row): AgingRow => ({
      customer: {
        id: String(row.customer_id),
        name: row.name ?? `Partner ${row.customer_id}`,
        source: sourceRef(scope, 'res.partner', row.customer_id),
      },
      overdue: roundMoney(row.overdue),
      buckets: toBuckets(row),
    }),
    (row): AgingKey => ({ overdue: row.overdue_key, id: row.customer_id }),
  );
}
