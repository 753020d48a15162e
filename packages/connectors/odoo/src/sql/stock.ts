import { z } from 'zod';
import type { Sql } from '../db.js';
import { pgId, pgNumber, pgText } from '../db.js';
import type { ProductStock } from '../schemas.js';
import type { OffsetPage, Scope } from './common.js';
import { likeContains, offsetPage, optional, sourceRef } from './common.js';

/** Product variants by exact code or by name/code substring, with stock in internal locations. */
export async function productStock(
  sql: Sql,
  scope: Scope,
  criteria: { code?: string | undefined; query?: string | undefined },
  page: { limit: number; offset: number },
): Promise<OffsetPage<ProductStock>> {
  const rows = await sql.rows(
    'products.stock',
    z.object({
      id: pgId,
      code: pgText,
      name: pgText,
      detailed_type: pgText,
      on_hand: pgNumber,
      reserved: pgNumber,
      total: z.number().int(),
    }),
    String.raw`
    SELECT pp.id, pp.default_code AS code, pt.name->>'en_US' AS name, pt.detailed_type,
           COALESCE(sum(q.quantity) FILTER (WHERE sl.usage = 'internal'), 0) AS on_hand,
           COALESCE(sum(q.reserved_quantity) FILTER (WHERE sl.usage = 'internal'), 0) AS reserved,
           (count(*) OVER ())::int AS total
      FROM product_product pp
      JOIN product_template pt ON pt.id = pp.product_tmpl_id
      LEFT JOIN stock_quant q ON q.product_id = pp.id
      LEFT JOIN stock_location sl ON sl.id = q.location_id
     WHERE pp.active AND pt.active
       AND (($1::text IS NOT NULL AND pp.default_code = $1::text)
            OR ($2::text IS NOT NULL AND (pt.name->>'en_US' ILIKE $2::text ESCAPE '\'
                                          OR pp.default_code ILIKE $2::text ESCAPE '\')))
     GROUP BY pp.id, pp.default_code, pt.name, pt.detailed_type
     ORDER BY (pp.default_code = $1::text) IS TRUE DESC, lower(pt.name->>'en_US'), pp.id
     LIMIT $3 OFFSET $4`,
    [
      criteria.code ?? null,
      criteria.query === undefined ? null : likeContains(criteria.query),
      page.limit + 1,
      page.offset,
    ],
  );
  return offsetPage(rows, page.limit, (row): ProductStock => {
    const product: ProductStock = {
      source: sourceRef(scope, 'product.product', row.id),
      name: row.name ?? row.code ?? `Product ${row.id}`,
      tracksStock: row.detailed_type === 'product',
      onHand: row.on_hand,
      reserved: row.reserved,
      available: row.on_hand - row.reserved,
    };
    const code = optional(row.code);
    if (code !== undefined) product.code = code;
    return product;
  });
}
