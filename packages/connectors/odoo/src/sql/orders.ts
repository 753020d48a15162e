import { z } from 'zod';
import type { Sql } from '../db.js';
import { pgId, pgNumberOrZero, pgText } from '../db.js';
import type { OrderDetail, OrderLine, OrderSummary } from '../schemas.js';
import type { KeysetPage, Scope } from './common.js';
import {
  ISO_DATETIME,
  isOdooId,
  keysetPage,
  keysetParams,
  money,
  optional,
  roundMoney,
  sourceRef,
} from './common.js';

export type OrderStateName = OrderSummary['state'];

const ODOO_ORDER_STATES: Record<OrderStateName, readonly string[]> = {
  draft: ['draft'],
  sent: ['sent'],
  // 'done' is Odoo 16's locked state; Odoo 17 keeps such orders as 'sale'.
  confirmed: ['sale', 'done'],
  cancelled: ['cancel'],
};

function orderState(state: string): OrderStateName {
  switch (state) {
    case 'draft':
      return 'draft';
    case 'sent':
      return 'sent';
    case 'cancel':
      return 'cancelled';
    default:
      return 'confirmed';
  }
}

const INVOICE_STATUS: Record<string, NonNullable<OrderSummary['invoiceStatus']>> = {
  no: 'nothing_to_invoice',
  'to invoice': 'to_invoice',
  invoiced: 'invoiced',
  upselling: 'upselling',
};

const ORDER_COLUMNS = `
  so.id, so.name, so.state, to_char(so.date_order, ${ISO_DATETIME}) AS date_order,
  to_char(so.date_order, 'YYYY-MM-DD HH24:MI:SS.US') AS date_key,
  so.amount_untaxed, so.amount_tax, so.amount_total, so.invoice_status, so.client_order_ref,
  cur.name AS currency, sp.commercial_partner_id AS customer_id, cp.name AS customer_name`;
/** The orders of the company ($1), each with its currency and customer; callers add conditions. */
const COMPANY_ORDERS = `
  SELECT ${ORDER_COLUMNS}
    FROM sale_order so
    JOIN res_partner sp ON sp.id = so.partner_id
    LEFT JOIN res_partner cp ON cp.id = sp.commercial_partner_id
    LEFT JOIN res_currency cur ON cur.id = so.currency_id
   WHERE so.company_id = $1`;

const OrderRow = z.object({
  id: pgId,
  name: z.string(),
  state: z.string(),
  date_order: z.string(),
  date_key: z.string(),
  amount_untaxed: pgNumberOrZero,
  amount_tax: pgNumberOrZero,
  amount_total: pgNumberOrZero,
  invoice_status: pgText,
  client_order_ref: pgText,
  currency: pgText,
  customer_id: pgId.nullable(),
  customer_name: pgText,
});
type OrderRow = z.infer<typeof OrderRow>;

function toOrder(scope: Scope, row: OrderRow): OrderSummary {
  const currency = row.currency ?? scope.client.currency;
  const order: OrderSummary = {
    source: sourceRef(scope, 'sale.order', row.id),
    number: row.name,
    state: orderState(row.state),
    date: row.date_order,
    total: money(row.amount_total, currency),
    untaxed: money(row.amount_untaxed, currency),
    tax: money(row.amount_tax, currency),
  };
  if (row.customer_id !== null) order.accountId = String(row.customer_id);
  const customerName = optional(row.customer_name);
  if (customerName !== undefined) order.customerName = customerName;
  const reference = optional(row.client_order_ref);
  if (reference !== undefined) order.customerReference = reference;
  const invoiceStatus = INVOICE_STATUS[row.invoice_status ?? ''];
  if (invoiceStatus !== undefined) order.invoiceStatus = invoiceStatus;
  return order;
}

export const OrderKey = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/),
  id: z.number().int(),
});
export type OrderKey = z.infer<typeof OrderKey>;

const orderKey = (row: OrderRow): OrderKey => ({ date: row.date_key, id: row.id });

export interface OrderFilters {
  /** Commercial partner id: orders of its contacts and addresses are included. */
  customerId?: number | undefined;
  states?: readonly OrderStateName[] | undefined;
  excludeCancelled?: boolean;
  /** Inclusive UTC days, YYYY-MM-DD. */
  from?: string | undefined;
  to?: string | undefined;
}

/** Orders newest first (date_order, then id), after the keyset `after`. */
export async function listOrders(
  sql: Sql,
  scope: Scope,
  filters: OrderFilters,
  page: { limit: number; after?: OrderKey | undefined },
): Promise<KeysetPage<OrderSummary, OrderKey>> {
  const states = filters.states?.flatMap((state) => ODOO_ORDER_STATES[state]) ?? null;
  const rows = await sql.rows(
    'orders.list',
    OrderRow,
    `${COMPANY_ORDERS}
        AND ($2::int IS NULL OR sp.commercial_partner_id = $2::int)
        AND ($3::text[] IS NULL OR so.state = ANY($3::text[]))
        AND (NOT $4::boolean OR so.state <> 'cancel')
        AND ($5::date IS NULL OR so.date_order >= $5::date)
        AND ($6::date IS NULL OR so.date_order < $6::date + 1)
        AND ($7::timestamp IS NULL OR (so.date_order, so.id) < ($7::timestamp, $8::int))
      ORDER BY so.date_order DESC, so.id DESC
      LIMIT $9`,
    [
      scope.client.companyId,
      filters.customerId ?? null,
      states,
      filters.excludeCancelled ?? false,
      filters.from ?? null,
      filters.to ?? null,
      ...keysetParams(page, (key) => key.date),
    ],
  );
  return keysetPage(rows, page.limit, (row) => toOrder(scope, row), orderKey);
}

const LINE_LIMIT = 200;

const LineRow = z.object({
  id: pgId,
  display_type: pgText,
  name: pgText,
  product_id: pgId.nullable(),
  default_code: pgText,
  product_name: pgText,
  product_uom_qty: pgNumberOrZero,
  price_unit: pgNumberOrZero,
  discount: pgNumberOrZero,
  price_subtotal: pgNumberOrZero,
  price_total: pgNumberOrZero,
  qty_delivered: pgNumberOrZero,
  qty_invoiced: pgNumberOrZero,
});

function toLine(row: z.infer<typeof LineRow>): OrderLine {
  const description = row.name ?? '';
  if (row.display_type === 'line_section') return { id: String(row.id), lineType: 'section', description };
  if (row.display_type === 'line_note') return { id: String(row.id), lineType: 'note', description };
  const line: OrderLine = {
    id: String(row.id),
    lineType: 'product',
    description,
    quantity: row.product_uom_qty,
    unitPrice: row.price_unit,
    discountPercent: row.discount,
    subtotal: roundMoney(row.price_subtotal),
    total: roundMoney(row.price_total),
    quantityDelivered: row.qty_delivered,
    quantityInvoiced: row.qty_invoiced,
  };
  if (row.product_id !== null) {
    const product: NonNullable<OrderLine['product']> = {
      id: String(row.product_id),
      name: row.product_name ?? description,
    };
    const code = optional(row.default_code);
    if (code !== undefined) product.code = code;
    line.product = product;
  }
  return line;
}

/** One order with its lines, by id or by order number; null when it does not exist. */
export async function getOrder(
  sql: Sql,
  scope: Scope,
  key: { id: number } | { name: string },
): Promise<OrderDetail | null> {
  const byId = 'id' in key;
  if (byId && !isOdooId(key.id)) return null;
  const orders = await sql.rows(
    'orders.read',
    OrderRow,
    `${COMPANY_ORDERS}
        AND ${byId ? 'so.id = $2::int' : '(so.name = $2::text OR so.name = upper($2::text))'}
      ORDER BY so.id
      LIMIT 1`,
    [scope.client.companyId, byId ? key.id : key.name],
  );
  const row = orders[0];
  if (row === undefined) return null;
  const lines = await sql.rows(
    'order_lines.list',
    LineRow,
    `SELECT l.id, l.display_type, l.name, l.product_id, pp.default_code,
            pt.name->>'en_US' AS product_name, l.product_uom_qty, l.price_unit, l.discount,
            l.price_subtotal, l.price_total, l.qty_delivered, l.qty_invoiced
       FROM sale_order_line l
       LEFT JOIN product_product pp ON pp.id = l.product_id
       LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
      WHERE l.order_id = $1
      ORDER BY l.sequence, l.id
      LIMIT $2`,
    [row.id, LINE_LIMIT + 1],
  );
  return {
    order: toOrder(scope, row),
    lines: lines.slice(0, LINE_LIMIT).map(toLine),
    linesTruncated: lines.length > LINE_LIMIT,
  };
}
