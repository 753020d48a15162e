import pg from 'pg';
import { isoDate, odooDateTime, resolveAsOf } from '../dataset/dates.js';
import { odooMoveName } from '../dataset/odoo.js';
import type { Dataset, DayOffset, Instant, OdooInvoice } from '../dataset/types.js';
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

/** One table's rows, ready to insert. */
interface TableRows {
  table: string;
  columns: readonly string[];
  rows: readonly Row[];
}

/**
 * A column of a table loaded from dataset records of type T: either a field of the record, stored
 * in the column named after it in snake_case (`completeName` → `complete_name`), or a column name
 * with the value computed from the record.
 */
type Column<T> = (keyof T & string) | Computed<T>;
type Computed<T> = readonly [column: string, value: (record: T) => unknown];

function snakeCase(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function tableRows<T>(
  table: string,
  records: readonly T[],
  columns: readonly NoInfer<Column<T>>[],
): TableRows {
  return {
    table,
    columns: columns.map((column) => (typeof column === 'string' ? snakeCase(column) : column[0])),
    rows: records.map((record) =>
      columns.map((column) => (typeof column === 'string' ? record[column] : column[1](record))),
    ),
  };
}

async function insertRows(db: Queryable, { table, columns, rows }: TableRows): Promise<void> {
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
  // In order: a table's rows only reference tables inserted before it.
  for (const table of odooTables(dataset, asOf)) await insertRows(db, table);
}

function odooTables(dataset: Dataset, asOf: Date): TableRows[] {
  const odoo = dataset.odoo;
  const when = (instant: Instant) => odooDateTime(instant, asOf);
  /** A date column from a day-offset field, named after it like a plain field. */
  const date = <K extends string>(field: K): Computed<Record<K, DayOffset | null>> => [
    snakeCase(field),
    (record) => (record[field] === null ? null : isoDate(record[field], asOf)),
  ];
  /** A datetime column from an instant field, named after it like a plain field. */
  const dateTime = <K extends string>(field: K): Computed<Record<K, Instant>> => [
    snakeCase(field),
    (record) => when(record[field]),
  ];
  /** `create_date` and `write_date`, both from one instant field (records the dataset never edits). */
  const stamps = <K extends string>(field: K): Computed<Record<K, Instant>>[] => [
    ['create_date', (record) => when(record[field])],
    ['write_date', (record) => when(record[field])],
  ];
  const company: Computed<unknown> = ['company_id', () => odoo.company.id];
  const invoicesById = new Map<number, OdooInvoice>(odoo.invoices.map((invoice) => [invoice.id, invoice]));
  const reversalRef = (invoice: OdooInvoice) => {
    const reversed = invoice.reversedEntryId === null ? undefined : invoicesById.get(invoice.reversedEntryId);
    return reversed === undefined ? null : `Reversal of: ${odooMoveName(reversed, asOf)}`;
  };

  return [
    tableRows('res_country', odoo.countries, ['id', 'code', ['name', (country) => translated(country.name)]]),
    tableRows('res_currency', odoo.currencies, ['id', 'name', 'symbol', 'rounding', 'active']),
    // Partners reference each other; the dataset lists parents first, so one ordered insert suffices.
    tableRows('res_partner', odoo.partners, [
      'id',
      'name',
      'completeName',
      'parentId',
      'commercialPartnerId',
      'isCompany',
      'type',
      'ref',
      'vat',
      'email',
      'emailNormalized',
      'phone',
      'mobile',
      'website',
      ['function', (partner) => partner.jobFunction],
      'street',
      'city',
      'zip',
      'countryId',
      'customerRank',
      'supplierRank',
      'active',
      dateTime('createDate'),
      dateTime('writeDate'),
    ]),
    tableRows('res_users', odoo.users, ['id', 'login', 'partnerId', 'active']),
    tableRows('res_company', [odoo.company], ['id', 'name', 'partnerId', 'currencyId']),
    tableRows('product_template', odoo.products, [
      ['id', (product) => product.templateId],
      ['name', (product) => translated(product.name)],
      'detailedType',
      // Odoo 17 derives the legacy `type` from `detailed_type`.
      ['type', (product) => product.detailedType],
      'listPrice',
      'saleOk',
      'active',
      ...stamps('createDate'),
    ]),
    tableRows('product_product', odoo.products, [
      ['id', (product) => product.productId],
      ['product_tmpl_id', (product) => product.templateId],
      'defaultCode',
      'barcode',
      'active',
    ]),
    tableRows('stock_location', odoo.locations, ['id', 'name', 'completeName', 'usage', 'active']),
    tableRows('stock_quant', odoo.quants, ['id', 'productId', 'locationId', 'quantity', 'reservedQuantity']),
    tableRows('sale_order', odoo.saleOrders, [
      'id',
      'name',
      'partnerId',
      'partnerInvoiceId',
      'partnerShippingId',
      'state',
      dateTime('dateOrder'),
      date('validityDate'),
      'amountUntaxed',
      'amountTax',
      'amountTotal',
      'invoiceStatus',
      'currencyId',
      'userId',
      'clientOrderRef',
      company,
      ...stamps('dateOrder'),
    ]),
    tableRows(
      'sale_order_line',
      // Lines carry their order's currency, as Odoo stores it on each line.
      odoo.saleOrders.flatMap((order) =>
        order.lines.map((line) => ({ ...line, currencyId: order.currencyId })),
      ),
      [
        'id',
        'orderId',
        'sequence',
        'productId',
        'name',
        ['product_uom_qty', (line) => line.quantity],
        'priceUnit',
        'discount',
        'priceSubtotal',
        'priceTax',
        'priceTotal',
        'qtyDelivered',
        'qtyInvoiced',
        'displayType',
        'currencyId',
      ],
    ),
    // Reversals point at their invoice, which always has a lower id: the ordered insert satisfies the FK.
    tableRows('account_move', odoo.invoices, [
      'id',
      ['name', (invoice) => odooMoveName(invoice, asOf)],
      ['ref', reversalRef],
      'moveType',
      'state',
      'partnerId',
      'commercialPartnerId',
      date('invoiceDate'),
      date('invoiceDateDue'),
      'amountUntaxed',
      'amountTax',
      'amountTotal',
      'amountResidual',
      'paymentState',
      'currencyId',
      'invoiceOrigin',
      'reversedEntryId',
      company,
      ...stamps('createDate'),
    ]),
  ];
}

/** After explicit ids, move every serial past the highest id so that later inserts do not collide. */
async function resetSequences(db: Queryable): Promise<void> {
  const calls = ODOO_TABLES.map(
    (table) =>
      `setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT max(id) FROM ${table}), 1), (SELECT count(*) > 0 FROM ${table}))`,
  );
  await db.query(`SELECT ${calls.join(', ')}`);
}
