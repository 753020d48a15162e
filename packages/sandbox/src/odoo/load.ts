import pg from 'pg';
import { isoDate, odooDateTime, resolveAsOf } from '../dataset/dates.js';
import { odooMoveName } from '../dataset/odoo.js';
import type { Dataset, OdooInvoice } from '../dataset/types.js';
import { ODOO_SCHEMA_SQL, ODOO_TABLES } from './schema.js';

/** Anything that runs one parameterized statement: a pg Client or Pool, or a PGlite instance. */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/** A connection pool (pg.Pool): BEGIN and COMMIT must run on one checked-out client. */
interface PoolLike extends Queryable {
  connect(): Promise<Queryable & { release(): void }>;
}

function isPool(client: Queryable): client is PoolLike {
  // Structural as well as instanceof, in case the caller's pg is another copy of the module.
  return (
    client instanceof pg.Pool ||
    ('connect' in client &&
      typeof client.connect === 'function' &&
      'totalCount' in client &&
      'idleCount' in client)
  );
}

export interface LoadOdooOptions {
  /** The day every dataset offset is relative to; default today (UTC). */
  asOf?: Date;
}

/** Stay well under PostgreSQL's 65,535 bind parameters per statement. */
const MAX_PARAMS_PER_STATEMENT = 30_000;

/**
 * Creates the Odoo 17 schema subset and loads the dataset's Odoo part in one transaction.
 * The target must not already contain the tables. A pg Pool is fine: one client is checked out for
 * the whole transaction, because BEGIN and COMMIT must run on the same connection.
 */
export async function loadOdooDataset(
  client: Queryable,
  dataset: Dataset,
  options: LoadOdooOptions = {},
): Promise<void> {
  if (isPool(client)) {
    const checkedOut = await client.connect();
    try {
      await loadInTransaction(checkedOut, dataset, resolveAsOf(options.asOf));
    } finally {
      checkedOut.release();
    }
    return;
  }
  await loadInTransaction(client, dataset, resolveAsOf(options.asOf));
}

async function loadInTransaction(db: Queryable, dataset: Dataset, asOf: Date): Promise<void> {
  await db.query('BEGIN');
  try {
    // One statement per call: PGlite's query() uses the extended protocol, which refuses several.
    for (const statement of splitStatements(ODOO_SCHEMA_SQL)) {
      await db.query(statement);
    }
    await insertOdooRows(db, dataset, asOf);
    await resetSequences(db);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

type Row = readonly unknown[];

async function insertRows(db: Queryable, table: string, columns: readonly string[], rows: readonly Row[]) {
  const rowsPerStatement = Math.max(1, Math.floor(MAX_PARAMS_PER_STATEMENT / columns.length));
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const chunk = rows.slice(start, start + rowsPerStatement);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      if (row.length !== columns.length) {
        throw new Error(`Row for ${table} has ${row.length} values, expected ${columns.length}`);
      }
      const placeholders = row.map((value) => {
        params.push(value);
        return `$${params.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

function translated(value: string): string {
  return JSON.stringify({ en_US: value });
}

async function insertOdooRows(db: Queryable, dataset: Dataset, asOf: Date): Promise<void> {
  const odoo = dataset.odoo;
  const when = (instant: Parameters<typeof odooDateTime>[0]) => odooDateTime(instant, asOf);
  const day = (offset: number | null) => (offset === null ? null : isoDate(offset, asOf));

  await insertRows(
    db,
    'res_country',
    ['id', 'code', 'name'],
    odoo.countries.map((country) => [country.id, country.code, translated(country.name)]),
  );
  await insertRows(
    db,
    'res_currency',
    ['id', 'name', 'symbol', 'rounding', 'active'],
    odoo.currencies.map((currency) => [
      currency.id,
      currency.name,
      currency.symbol,
      currency.rounding,
      currency.active,
    ]),
  );

  // Partners reference each other; the dataset lists parents first, so one ordered insert suffices.
  await insertRows(
    db,
    'res_partner',
    [
      'id',
      'name',
      'complete_name',
      'parent_id',
      'commercial_partner_id',
      'is_company',
      'type',
      'ref',
      'vat',
      'email',
      'email_normalized',
      'phone',
      'mobile',
      'website',
      'function',
      'street',
      'city',
      'zip',
      'country_id',
      'customer_rank',
      'supplier_rank',
      'active',
      'create_date',
      'write_date',
    ],
    odoo.partners.map((partner) => [
      partner.id,
      partner.name,
      partner.completeName,
      partner.parentId,
      partner.commercialPartnerId,
      partner.isCompany,
      partner.type,
      partner.ref,
      partner.vat,
      partner.email,
      partner.emailNormalized,
      partner.phone,
      partner.mobile,
      partner.website,
      partner.jobFunction,
      partner.street,
      partner.city,
      partner.zip,
      partner.countryId,
      partner.customerRank,
      partner.supplierRank,
      partner.active,
      when(partner.createDate),
      when(partner.writeDate),
    ]),
  );
  await insertRows(
    db,
    'res_users',
    ['id', 'login', 'partner_id', 'active'],
    odoo.users.map((user) => [user.id, user.login, user.partnerId, user.active]),
  );
  await insertRows(
    db,
    'res_company',
    ['id', 'name', 'partner_id', 'currency_id'],
    [[odoo.company.id, odoo.company.name, odoo.company.partnerId, odoo.company.currencyId]],
  );
  await insertRows(
    db,
    'product_template',
    ['id', 'name', 'detailed_type', 'type', 'list_price', 'sale_ok', 'active', 'create_date', 'write_date'],
    odoo.products.map((product) => [
      product.templateId,
      translated(product.name),
      product.detailedType,
      // Odoo 17 derives the legacy `type` from `detailed_type`.
      product.detailedType,
      product.listPrice,
      product.saleOk,
      product.active,
      when(product.createDate),
      when(product.createDate),
    ]),
  );
  await insertRows(
    db,
    'product_product',
    ['id', 'product_tmpl_id', 'default_code', 'barcode', 'active'],
    odoo.products.map((product) => [
      product.productId,
      product.templateId,
      product.defaultCode,
      product.barcode,
      product.active,
    ]),
  );
  await insertRows(
    db,
    'stock_location',
    ['id', 'name', 'complete_name', 'usage', 'active'],
    odoo.locations.map((location) => [
      location.id,
      location.name,
      location.completeName,
      location.usage,
      location.active,
    ]),
  );
  await insertRows(
    db,
    'stock_quant',
    ['id', 'product_id', 'location_id', 'quantity', 'reserved_quantity'],
    odoo.quants.map((quant) => [
      quant.id,
      quant.productId,
      quant.locationId,
      quant.quantity,
      quant.reservedQuantity,
    ]),
  );
  await insertRows(
    db,
    'sale_order',
    [
      'id',
      'name',
      'partner_id',
      'partner_invoice_id',
      'partner_shipping_id',
      'state',
      'date_order',
      'validity_date',
      'amount_untaxed',
      'amount_tax',
      'amount_total',
      'invoice_status',
      'currency_id',
      'user_id',
      'client_order_ref',
      'company_id',
      'create_date',
      'write_date',
    ],
    odoo.saleOrders.map((order) => [
      order.id,
      order.name,
      order.partnerId,
      order.partnerInvoiceId,
      order.partnerShippingId,
      order.state,
      when(order.dateOrder),
      day(order.validityDate),
      order.amountUntaxed,
      order.amountTax,
      order.amountTotal,
      order.invoiceStatus,
      order.currencyId,
      order.userId,
      order.clientOrderRef,
      odoo.company.id,
      when(order.dateOrder),
      when(order.dateOrder),
    ]),
  );
  await insertRows(
    db,
    'sale_order_line',
    [
      'id',
      'order_id',
      'sequence',
      'product_id',
      'name',
      'product_uom_qty',
      'price_unit',
      'discount',
      'price_subtotal',
      'price_tax',
      'price_total',
      'qty_delivered',
      'qty_invoiced',
      'display_type',
      'currency_id',
    ],
    odoo.saleOrders.flatMap((order) =>
      order.lines.map((line) => [
        line.id,
        line.orderId,
        line.sequence,
        line.productId,
        line.name,
        line.quantity,
        line.priceUnit,
        line.discount,
        line.priceSubtotal,
        line.priceTax,
        line.priceTotal,
        line.qtyDelivered,
        line.qtyInvoiced,
        line.displayType,
        order.currencyId,
      ]),
    ),
  );

  const invoicesById = new Map<number, OdooInvoice>(odoo.invoices.map((invoice) => [invoice.id, invoice]));
  // Reversals point at their invoice, which always has a lower id: the ordered insert satisfies the FK.
  await insertRows(
    db,
    'account_move',
    [
      'id',
      'name',
      'ref',
      'move_type',
      'state',
      'partner_id',
      'commercial_partner_id',
      'invoice_date',
      'invoice_date_due',
      'amount_untaxed',
      'amount_tax',
      'amount_total',
      'amount_residual',
      'payment_state',
      'currency_id',
      'invoice_origin',
      'reversed_entry_id',
      'company_id',
      'create_date',
      'write_date',
    ],
    odoo.invoices.map((invoice) => {
      const reversed =
        invoice.reversedEntryId === null ? undefined : invoicesById.get(invoice.reversedEntryId);
      return [
        invoice.id,
        odooMoveName(invoice, asOf),
        reversed === undefined ? null : `Reversal of: ${odooMoveName(reversed, asOf)}`,
        invoice.moveType,
        invoice.state,
        invoice.partnerId,
        invoice.commercialPartnerId,
        day(invoice.invoiceDate),
        day(invoice.invoiceDateDue),
        invoice.amountUntaxed,
        invoice.amountTax,
        invoice.amountTotal,
        invoice.amountResidual,
        invoice.paymentState,
        invoice.currencyId,
        invoice.invoiceOrigin,
        invoice.reversedEntryId,
        odoo.company.id,
        when(invoice.createDate),
        when(invoice.createDate),
      ];
    }),
  );
}

/** After explicit ids, move every serial past the highest id so that later inserts do not collide. */
async function resetSequences(db: Queryable): Promise<void> {
  const calls = ODOO_TABLES.map(
    (table) =>
      `setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT max(id) FROM ${table}), 1), (SELECT count(*) > 0 FROM ${table}))`,
  );
  await db.query(`SELECT ${calls.join(', ')}`);
}
