import type { ToolContext } from '@switchboard/kit';
import { ToolError } from '@switchboard/kit';
import { z } from 'zod';
import type { OdooConfig } from './config.js';
import type { OdooClient, Sql } from './db.js';
import { readOnly } from './db.js';
import type { CustomerDetail, OrderDetail } from './schemas.js';
import type { Scope } from './sql/common.js';
import { getCustomerDetail, resolveCustomer } from './sql/customers.js';
import { getOrder } from './sql/orders.js';

/** What tools and resources share: running queries for a call, ids, and not-found errors. */

export type OdooContext = ToolContext<OdooClient, OdooConfig>;

/** Runs `fn` in a read-only transaction whose statements go through the call's upstream. */
export function withSql<T>(ctx: OdooContext, fn: (sql: Sql, scope: Scope) => Promise<T>): Promise<T> {
  const scope: Scope = { client: ctx.client, instance: ctx.instance, identity: ctx.identity };
  return readOnly(ctx.client, ctx.upstream, (sql) => fn(sql, scope));
}

const MAX_INT4 = 2_147_483_647;

/**
 * An Odoo record id: models pass the string ids of the common models or plain numbers; handlers
 * get the number.
 */
export function odooId(description: string) {
  return z
    .union([
      z.number().int().positive().max(MAX_INT4),
      z.string().regex(/^\d{1,10}$/, 'An Odoo id is a number, e.g. "42".'),
    ])
    .refine(
      (value) => Number(value) >= 1 && Number(value) <= MAX_INT4,
      'Odoo ids are between 1 and 2147483647.',
    )
    .transform(Number)
    .describe(description);
}

export function customerNotFound(ctx: Pick<OdooContext, 'instance'>, id: number | string): ToolError {
  return new ToolError(
    'not_found',
    `No Odoo partner with id ${id}. Search with ${ctx.instance.toolName('find_customers')} (by name, email, ` +
      'domain or reference) and pass one of the returned ids.',
  );
}

export function orderNotFound(
  ctx: Pick<OdooContext, 'instance'>,
  key: { id: number } | { name: string },
): ToolError {
  const what = 'id' in key ? `with id ${key.id}` : `numbered "${key.name}"`;
  return new ToolError(
    'not_found',
    `No Odoo sales order ${what}. List the customer's orders with ${ctx.instance.toolName('list_orders')} ` +
      'to find the right id or number.',
  );
}

/** The commercial partner an id designates (a contact id resolves to its company), or not_found. */
export async function requireCustomerId(
  sql: Sql,
  ctx: Pick<OdooContext, 'instance'>,
  id: number,
): Promise<number> {
  const resolved = await resolveCustomer(sql, id);
  if (resolved === null) throw customerNotFound(ctx, id);
  return resolved.customerId;
}

/** A tool's optional customer filter: undefined for every customer, else as `requireCustomerId`. */
export function customerFilter(
  sql: Sql,
  ctx: Pick<OdooContext, 'instance'>,
  id: number | undefined,
): Promise<number | undefined> {
  return id === undefined ? Promise.resolve(undefined) : requireCustomerId(sql, ctx, id);
}

export function loadCustomerDetail(ctx: OdooContext, id: number): Promise<CustomerDetail> {
  return withSql(ctx, async (sql, scope) => {
    const detail = await getCustomerDetail(sql, scope, id);
    if (detail === null) throw customerNotFound(ctx, id);
    return detail;
  });
}

export function loadOrderDetail(
  ctx: OdooContext,
  key: { id: number } | { name: string },
): Promise<OrderDetail> {
  return withSql(ctx, async (sql, scope) => {
    const detail = await getOrder(sql, scope, key);
    if (detail === null) throw orderNotFound(ctx, key);
    return detail;
  });
}
