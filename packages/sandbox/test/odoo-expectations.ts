import type pg from 'pg';
import { expect, it } from 'vitest';
import {
  AGING_BUCKETS,
  agingBucket,
  type Dataset,
  FULLY_RESERVED_CODE,
  findCustomer,
  findPerson,
  HERO,
  HERO_EMAILS,
  isoDate,
  ODOO_TABLES,
  type OdooInvoice,
  OUT_OF_STOCK_CODE,
  odooMoveName,
} from '../src/index.js';

const cents = (amount: number) => Math.round(amount * 100);

/** pg returns numeric and bigint as strings; narrow instead of casting. */
function rowsOf(result: pg.QueryResult): Record<string, unknown>[] {
  return result.rows.map((row: unknown) => {
    if (typeof row !== 'object' || row === null) throw new Error('Unexpected row shape');
    return Object.fromEntries(Object.entries(row));
  });
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new Error(`Expected a string, got ${typeof value}`);
  return value;
}

function integer(value: unknown): number {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number))
    throw new Error(`Expected an integer, got ${String(value)}`);
  return number;
}

function centsOf(value: unknown): number {
  return cents(Number(text(value)));
}

function isOverdue(invoice: OdooInvoice): boolean {
  return (
    invoice.moveType === 'out_invoice' &&
    invoice.state === 'posted' &&
    (invoice.paymentState === 'not_paid' || invoice.paymentState === 'partial') &&
    invoice.invoiceDateDue < 0
  );
}

/**
 * Registers tests proving that a loaded database holds exactly the dataset's Odoo part. Every
 * expected number is computed here from the dataset, independently of the loader.
 */
export function expectOdooDatabaseMatches(context: {
  pool: () => pg.Pool;
  dataset: Dataset;
  asOf: Date;
}): void {
  const { dataset, asOf } = context;
  const odoo = dataset.odoo;
  const today = isoDate(0, asOf);

  it('holds one row per dataset record in every table', async () => {
    const expected: Record<(typeof ODOO_TABLES)[number], number> = {
      res_country: odoo.countries.length,
      res_currency: odoo.currencies.length,
      res_partner: odoo.partners.length,
      res_users: odoo.users.length,
      res_company: 1,
      product_template: odoo.products.length,
      product_product: odoo.products.length,
      stock_location: odoo.locations.length,
      stock_quant: odoo.quants.length,
      sale_order: odoo.saleOrders.length,
      sale_order_line: odoo.saleOrders.reduce((sum, order) => sum + order.lines.length, 0),
      account_move: odoo.invoices.length,
    };
    const counts = ODOO_TABLES.map((table) => `(SELECT count(*) FROM ${table})::int AS ${table}`).join(', ');
    const [row] = rowsOf(await context.pool().query(`SELECT ${counts}`));
    expect(row).toEqual(expected);
  });

  it('sums the overdue receivable per customer like the TypeScript dataset does', async () => {
    const expected = new Map<string, number>();
    for (const invoice of odoo.invoices.filter(isOverdue)) {
      const key = `${invoice.commercialPartnerId}:${invoice.currencyId}`;
      expected.set(key, (expected.get(key) ?? 0) + cents(invoice.amountResidual));
    }
    const result = await context.pool().query(
      `SELECT commercial_partner_id, currency_id, sum(amount_residual)::text AS overdue
         FROM account_move
        WHERE move_type = 'out_invoice' AND state = 'posted'
          AND payment_state IN ('not_paid', 'partial') AND invoice_date_due < $1::date
        GROUP BY commercial_partner_id, currency_id`,
      [today],
    );
    const actual = new Map(
      rowsOf(result).map((row) => [
        `${integer(row.commercial_partner_id)}:${integer(row.currency_id)}`,
        centsOf(row.overdue),
      ]),
    );
    expect(actual).toEqual(expected);
    expect(actual.size).toBeGreaterThan(3);
  });

  it("shows the hero's invoice 45 days overdue under its Odoo number and dates", async () => {
    const hero = findCustomer(dataset, HERO.everywhere);
    const invoice = odoo.invoices.find(
      (candidate) => candidate.customerKey === HERO.everywhere && candidate.invoiceDateDue === -45,
    );
    if (invoice === undefined) throw new Error('Hero invoice missing from the dataset');
    const result = await context.pool().query(
      `SELECT m.name, m.invoice_date_due::text AS due, ($1::date - m.invoice_date_due) AS days_overdue,
              m.amount_residual::text AS residual, p.name AS customer
         FROM account_move m JOIN res_partner p ON p.id = m.commercial_partner_id
        WHERE m.id = $2`,
      [today, invoice.id],
    );
    expect(rowsOf(result)).toEqual([
      {
        name: odooMoveName(invoice, asOf),
        due: isoDate(-45, asOf),
        days_overdue: 45,
        residual: invoice.amountResidual.toFixed(2),
        customer: hero.name,
      },
    ]);
  });

  it('puts open invoices in every aging bucket, with the counts the dataset predicts', async () => {
    const expected = Object.fromEntries(AGING_BUCKETS.map((bucket) => [bucket, 0]));
    for (const invoice of odoo.invoices) {
      const open =
        invoice.moveType === 'out_invoice' &&
        invoice.state === 'posted' &&
        (invoice.paymentState === 'not_paid' || invoice.paymentState === 'partial');
      if (open) {
        const bucket = agingBucket(-invoice.invoiceDateDue);
        expected[bucket] = (expected[bucket] ?? 0) + 1;
      }
    }
    const result = await context.pool().query(
      `SELECT CASE
                WHEN $1::date - invoice_date_due <= 0 THEN 'current'
                WHEN $1::date - invoice_date_due <= 30 THEN '1-30'
                WHEN $1::date - invoice_date_due <= 60 THEN '31-60'
                WHEN $1::date - invoice_date_due <= 90 THEN '61-90'
                ELSE '90+'
              END AS bucket, count(*)::int AS invoices
         FROM account_move
        WHERE move_type = 'out_invoice' AND state = 'posted' AND payment_state IN ('not_paid', 'partial')
        GROUP BY 1`,
      [today],
    );
    const actual = Object.fromEntries(rowsOf(result).map((row) => [text(row.bucket), integer(row.invoices)]));
    expect(actual).toEqual(expected);
    for (const bucket of AGING_BUCKETS) expect(actual[bucket]).toBeGreaterThan(0);
  });

  it('resolves a free-mail contact to its company through commercial_partner_id', async () => {
    const result = await context.pool().query(
      `SELECT c.name AS company FROM res_partner p JOIN res_partner c ON c.id = p.commercial_partner_id
        WHERE p.email_normalized = lower($1)`,
      [HERO_EMAILS.freeMail.toUpperCase()],
    );
    expect(rowsOf(result)).toEqual([{ company: findCustomer(dataset, HERO.freeMail).name }]);
    expect(findPerson(dataset, HERO_EMAILS.freeMail).ids.odooPartnerId).toBeDefined();
  });

  it('reports available stock from internal locations only', async () => {
    const result = await context.pool().query(
      `SELECT pp.default_code, pt.name->>'en_US' AS name,
              COALESCE(sum(q.quantity) FILTER (WHERE l.usage = 'internal'), 0)::int AS on_hand,
              COALESCE(sum(q.quantity - q.reserved_quantity) FILTER (WHERE l.usage = 'internal'), 0)::int AS available
         FROM product_product pp
         JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN stock_quant q ON q.product_id = pp.id
         LEFT JOIN stock_location l ON l.id = q.location_id
        WHERE pt.detailed_type = 'product' AND pp.active
        GROUP BY pp.default_code, pt.name`,
    );
    const stock = new Map(rowsOf(result).map((row) => [text(row.default_code), row]));
    const internal = new Set(
      odoo.locations.filter((location) => location.usage === 'internal').map((l) => l.id),
    );
    for (const product of odoo.products.filter(
      (candidate) => candidate.detailedType === 'product' && candidate.active,
    )) {
      const quants = odoo.quants.filter(
        (quant) => quant.productId === product.productId && internal.has(quant.locationId),
      );
      expect(stock.get(product.defaultCode)).toEqual({
        default_code: product.defaultCode,
        name: product.name,
        on_hand: quants.reduce((sum, quant) => sum + quant.quantity, 0),
        available: quants.reduce((sum, quant) => sum + quant.quantity - quant.reservedQuantity, 0),
      });
    }
    expect(stock.get(OUT_OF_STOCK_CODE)).toMatchObject({ on_hand: 0, available: 0 });
    expect(stock.get(FULLY_RESERVED_CODE)).toMatchObject({ available: 0 });
  });

  it('keeps order totals equal to the sum of their lines', async () => {
    const result = await context.pool().query(
      `SELECT count(*)::int AS mismatches FROM sale_order o
        WHERE o.amount_untaxed <> (SELECT COALESCE(sum(price_subtotal), 0) FROM sale_order_line l WHERE l.order_id = o.id)
           OR o.amount_total <> o.amount_untaxed + o.amount_tax`,
    );
    expect(rowsOf(result)).toEqual([{ mismatches: 0 }]);
  });

  it('moves every id sequence past the loaded rows', async () => {
    const client = await context.pool().connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query(
        `INSERT INTO res_partner (name, active) VALUES ('New customer', true) RETURNING id`,
      );
      await client.query('ROLLBACK');
      const maxId = Math.max(...odoo.partners.map((partner) => partner.id));
      expect(rowsOf(inserted)).toEqual([{ id: maxId + 1 }]);
    } finally {
      client.release();
    }
  });
}
