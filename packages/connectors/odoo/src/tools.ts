import {
  AgingBuckets,
  ANNOTATIONS,
  atLeastOne,
  boundCursor,
  categoryScopes,
  domainInput,
  emailInput,
  exactlyOne,
  normalizeDomain,
  OrderState,
  pagedInput,
  pagedOutput,
  ToolError,
  textInput,
  totalOutput,
} from '@switchboard/kit';
import { z } from 'zod';
import { odoo } from './connector.js';
import type { Sql } from './db.js';
import type { OdooContext } from './operations.js';
import { customerFilter, loadCustomerDetail, loadOrderDetail, odooId, withSql } from './operations.js';
import {
  AgingRow,
  CustomerDetail,
  CustomerMatch,
  InvoiceSummary,
  OrderDetail,
  OrderSummary,
  ProductStock,
} from './schemas.js';
import type { OffsetPage, Scope } from './sql/common.js';
import type { CustomerCriteria } from './sql/customers.js';
import { findCustomers } from './sql/customers.js';
import { InvoiceKey, listInvoices } from './sql/invoices.js';
import { listOrders, OrderKey } from './sql/orders.js';
import { AgingKey, agingByCustomer, agingTotals } from './sql/receivables.js';
import { productStock } from './sql/stock.js';

const SCOPES = categoryScopes('erp');
/** Hard cap on every page. */
export const MAX_PAGE = 100;

/**
 * Cursors are bound to the filters they were issued for (the tool's name included), so a cursor
 * handed back with other filters is refused instead of paging through another result set.
 */
const offsetCursor = boundCursor(z.number().int().min(0).max(100_000), { what: 'filters' });
const orderCursor = boundCursor(OrderKey, { what: 'filters' });
const invoiceCursor = boundCursor(InvoiceKey, { what: 'filters' });
const agingCursor = boundCursor(AgingKey, { what: 'filters' });

const customerTag = (id: string | number | undefined) => (id === undefined ? [] : [`odoo:customer:${id}`]);
const invoiceTags = (customerId: number | undefined) => ['odoo:invoices', ...customerTag(customerId)];

/**
 * One page of a tool paged by offset (searches, whose matches have no stable key): the cursor
 * carries the offset of the next page, bound to the tool's filters.
 */
async function offsetPaged<T>(
  ctx: OdooContext,
  input: { limit: number; cursor?: string | undefined },
  filters: { tool: string },
  read: (sql: Sql, scope: Scope, page: { limit: number; offset: number }) => Promise<OffsetPage<T>>,
) {
  const offset = offsetCursor.decode(input.cursor, filters) ?? 0;
  const page = await withSql(ctx, (sql, scope) => read(sql, scope, { limit: input.limit, offset }));
  const next = page.hasMore ? offset + page.items.length : undefined;
  return { items: page.items, total: page.total, nextCursor: offsetCursor.encode(filters, next) };
}

// ---------------------------------------------------------------------------------------------

export const findCustomersTool = odoo.tool({
  name: 'find_customers',
  title: 'Find Odoo customers',
  description:
    'Find customers (companies and individual customers) in the Odoo ERP by part of their name, an exact ' +
    'email of the company or any of its contacts, an email/website domain, or their Odoo internal reference. ' +
    'Criteria are alternatives: a customer matching any of them is returned once, labelled with the strongest ' +
    'criterion it matched (ref, then email, then domain, then name), strongest first. Use this to get the id ' +
    'that {tool:get_customer}, {tool:list_orders}, {tool:list_invoices} and {tool:receivables_aging} take. Archived customers are not ' +
    'returned. For CRM data (deals, owners) use the CRM connectors instead.',
  input: pagedInput(20, MAX_PAGE, {
    query: textInput(2, 200)
      .optional()
      .describe('Part of the customer name, case-insensitive, e.g. "helix".'),
    email: emailInput
      .optional()
      .describe(
        'Exact email address of the customer or of one of its contacts; a contact resolves to its company.',
      ),
    domain: domainInput(3)
      .optional()
      .describe(
        'Email domain or website of the customer, e.g. "example.com" (a URL is accepted). Free-mail domains ' +
          'such as gmail.com only match websites.',
      ),
    ref: textInput(1, 100)
      .optional()
      .describe("Odoo's internal reference of the customer (res_partner.ref), exact."),
  }).refine(
    atLeastOne('query', 'email', 'domain', 'ref'),
    'Pass at least one of query (part of the name), email, domain or ref.',
  ),
  output: pagedOutput({
    customers: z.array(CustomerMatch).describe('Matching customers, strongest match first.'),
    total: totalOutput('customers'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 300,
    scope: 'shared',
    tags: (_input, output) => output.customers.map((customer) => `odoo:customer:${customer.source.id}`),
  },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const criteria: CustomerCriteria = {
      refs: input.ref === undefined ? undefined : [input.ref],
      email: input.email,
      domain: input.domain === undefined ? undefined : normalizeDomain(input.domain),
      name: input.query,
    };
    const page = await offsetPaged(ctx, input, { tool: 'find_customers', ...criteria }, (sql, scope, at) =>
      findCustomers(sql, scope, criteria, at),
    );
    return { customers: page.items, total: page.total, nextCursor: page.nextCursor };
  },
});

// ---------------------------------------------------------------------------------------------

export const getCustomerTool = odoo.tool({
  name: 'get_customer',
  title: 'Get an Odoo customer',
  description:
    'Get one Odoo customer by id: its details, contacts, open receivable, overdue amount and aging (company ' +
    'currency), open credit notes, and its last order. A contact or address id resolves to its company ' +
    '(resolvedFrom says so). Find the id with {tool:find_customers} first. For the invoices behind the figures use ' +
    '{tool:list_invoices}; for the order history use {tool:list_orders}.',
  input: z.object({
    id: odooId('Odoo id of the customer (the source.id returned by {tool:find_customers}).'),
  }),
  output: CustomerDetail,
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 120,
    scope: 'shared',
    tags: (input, output) => [...customerTag(input.id), ...customerTag(output.customer.source.id)],
    negativeTtlSeconds: 30,
  },
  timeoutMs: 10_000,
  handler: (input, ctx) => loadCustomerDetail(ctx, input.id),
});

// ---------------------------------------------------------------------------------------------

export const listOrdersTool = odoo.tool({
  name: 'list_orders',
  title: 'List Odoo sales orders',
  description:
    "List sales orders and quotations, newest first, optionally for one customer (its contacts' and " +
    "addresses' orders included), by state and by order date range. Use {tool:get_order} for an order's lines. " +
    'Quotations are draft or sent; confirmed orders are being delivered or invoiced.',
  input: pagedInput(20, MAX_PAGE, {
    customerId: odooId(
      'Odoo id of the customer, from {tool:find_customers}. Omit to list every customer.',
    ).optional(),
    states: z
      .array(OrderState)
      .min(1)
      .max(4)
      .optional()
      .describe('Only orders in these states (draft, sent, confirmed, cancelled). Omit for every state.'),
    from: z.iso.date().optional().describe('Only orders placed on or after this day (YYYY-MM-DD, UTC).'),
    to: z.iso.date().optional().describe('Only orders placed on or before this day (YYYY-MM-DD, UTC).'),
  }).refine(
    (input) => input.from === undefined || input.to === undefined || input.from <= input.to,
    'from must be on or before to.',
  ),
  output: pagedOutput({ orders: z.array(OrderSummary).describe('Orders, newest first.') }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 120,
    scope: 'shared',
    tags: (input) => ['odoo:orders', ...customerTag(input.customerId)],
  },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const states = input.states === undefined ? undefined : [...new Set(input.states)].sort();
    const dates = { from: input.from, to: input.to };
    const filters = { tool: 'list_orders', customerId: input.customerId, states, ...dates };
    const after = orderCursor.decode(input.cursor, filters);
    const page = await withSql(ctx, async (sql, scope) => {
      const customerId = await customerFilter(sql, ctx, input.customerId);
      return listOrders(sql, scope, { customerId, states, ...dates }, { limit: input.limit, after });
    });
    return { orders: page.items, nextCursor: orderCursor.encode(filters, page.next) };
  },
});

// ---------------------------------------------------------------------------------------------

export const getOrderTool = odoo.tool({
  name: 'get_order',
  title: 'Get an Odoo sales order',
  description:
    'Get one sales order or quotation with its lines (products with code, quantities, prices, delivered and ' +
    'invoiced quantities; section and note lines are returned typed), by Odoo id or by order number such as ' +
    '"S00042". Use {tool:list_orders} to find orders of a customer.',
  input: z
    .object({
      id: odooId('Odoo id of the order (source.id from {tool:list_orders}).').optional(),
      number: textInput(1, 64).optional().describe('Order number, e.g. "S00042".'),
    })
    .refine(exactlyOne('id', 'number'), 'Pass exactly one of id or number (e.g. number "S00042").'),
  output: OrderDetail,
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 300,
    scope: 'shared',
    tags: (_input, output) => [
      `odoo:order:${output.order.source.id}`,
      ...customerTag(output.order.accountId),
    ],
    negativeTtlSeconds: 30,
  },
  timeoutMs: 10_000,
  handler(input, ctx) {
    if (input.id !== undefined) return loadOrderDetail(ctx, { id: input.id });
    if (input.number !== undefined) return loadOrderDetail(ctx, { name: input.number });
    // The input schema's refinement makes this unreachable; kept for handlers called directly.
    throw new ToolError('invalid_input', 'Pass exactly one of id or number (e.g. number "S00042").');
  },
});

// ---------------------------------------------------------------------------------------------

export const listInvoicesTool = odoo.tool({
  name: 'list_invoices',
  title: 'List Odoo customer invoices',
  description:
    'List posted customer invoices (not credit notes), optionally for one customer, by status: open (not fully ' +
    'paid, the default), overdue (open and past due), paid, or all. Open and overdue come most overdue first, ' +
    'paid and all most recently due first; each has daysOverdue. For totals use {tool:get_customer} or ' +
    'receivables_aging instead of adding pages up.',
  input: pagedInput(20, MAX_PAGE, {
    customerId: odooId(
      'Odoo id of the customer, from {tool:find_customers}. Omit for every customer.',
    ).optional(),
    status: z
      .enum(['open', 'overdue', 'paid', 'all'])
      .default('open')
      .describe('open (not fully paid, default), overdue (open and past due), paid, or all.'),
  }),
  output: pagedOutput({
    invoices: z.array(InvoiceSummary).describe('Invoices in due-date order (see the tool description).'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: { ttlSeconds: 60, scope: 'shared', tags: (input) => invoiceTags(input.customerId) },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const filters = { tool: 'list_invoices', customerId: input.customerId, status: input.status };
    const after = invoiceCursor.decode(input.cursor, filters);
    const page = await withSql(ctx, async (sql, scope) => {
      const customerId = await customerFilter(sql, ctx, input.customerId);
      return listInvoices(sql, scope, { customerId, status: input.status }, { limit: input.limit, after });
    });
    return { invoices: page.items, nextCursor: invoiceCursor.encode(filters, page.next) };
  },
});

// ---------------------------------------------------------------------------------------------

export const receivablesAgingTool = odoo.tool({
  name: 'receivables_aging',
  title: 'Odoo receivables aging',
  description:
    'Open receivable by days overdue (current, 1-30, 31-60, 61-90, 90+) in the company currency, for one ' +
    'customer or for all customers; for all, also one row per customer, most overdue first (paged). Invoices ' +
    'in other currencies are not converted: they are left out and counted. For one customer with contacts ' +
    'and last order use {tool:get_customer}; for the invoices themselves use {tool:list_invoices}.',
  input: pagedInput(20, MAX_PAGE, {
    customerId: odooId(
      'Odoo id of the customer, from {tool:find_customers}. Omit for every customer.',
    ).optional(),
  }),
  output: pagedOutput({
    currency: z.string().length(3).describe('Company currency of every amount (ISO 4217).'),
    asOf: z.string().describe('The day (YYYY-MM-DD, UTC) days overdue are counted from.'),
    totals: AgingBuckets.describe('Totals of the customer, or of all customers.'),
    customers: z
      .array(AgingRow)
      .describe('Per-customer rows, most overdue first; empty when customerId is given.'),
    otherCurrencyInvoices: z
      .number()
      .int()
      .describe('Open invoices in other currencies, left out of every amount.'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  // Aging is computed from the open invoices: the same tags as list_invoices.
  cache: { ttlSeconds: 60, scope: 'shared', tags: (input) => invoiceTags(input.customerId) },
  timeoutMs: 15_000,
  async handler(input, ctx) {
    const filters = { tool: 'receivables_aging', customerId: input.customerId };
    const after = agingCursor.decode(input.cursor, filters);
    return withSql(ctx, async (sql, scope) => {
      const customerId = await customerFilter(sql, ctx, input.customerId);
      const report = await agingTotals(sql, scope, customerId ?? null);
      if (customerId !== undefined) return { currency: scope.client.currency, ...report, customers: [] };
      const page = await agingByCustomer(sql, scope, { limit: input.limit, after });
      return {
        currency: scope.client.currency,
        ...report,
        customers: page.items,
        nextCursor: agingCursor.encode(filters, page.next),
      };
    });
  },
});

// ---------------------------------------------------------------------------------------------

export const productStockTool = odoo.tool({
  name: 'product_stock',
  title: 'Odoo product stock',
  description:
    'Stock of products in the Odoo warehouses: quantity on hand, reserved for deliveries, and available, ' +
    'summed over internal locations. Look products up by exact internal code, or by part of the name or ' +
    'code. For what a customer ordered use {tool:get_order}.',
  input: pagedInput(20, MAX_PAGE, {
    code: textInput(1, 64).optional().describe('Exact internal product code (default_code).'),
    query: textInput(2, 200).optional().describe('Part of the product name or code, case-insensitive.'),
  }).refine(
    atLeastOne('code', 'query'),
    'Pass code (exact product code) or query (part of the product name).',
  ),
  output: pagedOutput({
    products: z.array(ProductStock).describe('Matching products, an exact code match first, then by name.'),
    total: totalOutput('products'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 60,
    scope: 'shared',
    tags: (_input, output) => output.products.map((product) => `odoo:product:${product.source.id}`),
  },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const criteria = { code: input.code, query: input.query };
    const page = await offsetPaged(ctx, input, { tool: 'product_stock', ...criteria }, (sql, scope, at) =>
      productStock(sql, scope, criteria, at),
    );
    return { products: page.items, total: page.total, nextCursor: page.nextCursor };
  },
});
