import type { Identity, InstanceInfo, Money, SourceRef } from '@switchboard/kit';
import type { OdooClient } from '../db.js';

/**
 * The SQL side of the connector is split by subject (customers, receivables, orders, invoices,
 * stock). Tools, resources and the ERP capability adapter all call these functions inside
 * `readOnly`, so the three surfaces cannot drift apart. Inputs only ever reach PostgreSQL as bind
 * parameters; SQL text is constant or assembled from constants.
 */

export interface Scope {
  readonly client: OdooClient;
  readonly instance: InstanceInfo;
  /** The identity rules of the call (free-mail domains identify no customer). */
  readonly identity: Identity;
}

type OdooModel = 'res.partner' | 'sale.order' | 'account.move' | 'product.product';

export function sourceRef(scope: Scope, model: OdooModel, id: number): SourceRef {
  const { webUrl } = scope.client;
  const ref: SourceRef = { system: 'odoo', instance: scope.instance.namespace, id: String(id) };
  // Odoo 17's form URL; Odoo 18+ still redirects it to /odoo/<model>/<id>.
  if (webUrl !== undefined) ref.url = `${webUrl}/web#id=${id}&model=${model}&view_type=form`;
  return ref;
}

/** "Today" for due dates: the UTC day, like the dates Odoo stores. */
export const TODAY = `(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date`;
export const ISO_DATETIME = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`;

/** Escapes LIKE wildcards so user text matches literally (used with ESCAPE '\'). */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export function money(amount: number, currency: string): Money {
  return { amount: roundMoney(amount), currency };
}

/** Sums of numeric columns are exact in PostgreSQL; rounding only removes float noise. */
export function roundMoney(amount: number): number {
  return Math.round(amount * 100) / 100;
}

/** Ids are PostgreSQL int4: anything else cannot exist (and would fail the cast). */
export function isOdooId(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 2_147_483_647;
}

export function optional(value: string | null): string | undefined {
  return value === null || value === '' ? undefined : value;
}

/*
 * Pages. Every paged query asks for `limit + 1` rows: the extra row only tells that another page
 * follows. Offset pages come with the total the query counted (`count(*) OVER ()` as `total`);
 * keyset pages with the sort key of their last item.
 */

export interface OffsetPage<T> {
  items: T[];
  total: number;
  hasMore: boolean;
}

export function offsetPage<R extends { total: number }, T>(
  rows: readonly R[],
  limit: number,
  map: (row: R) => T,
): OffsetPage<T> {
  return { items: rows.slice(0, limit).map(map), total: rows[0]?.total ?? 0, hasMore: rows.length > limit };
}

/**
 * The parameters a keyset query ends with: the sort value and id of the previous page's last row
 * (nulls on the first page), then `limit + 1`.
 */
export function keysetParams<K extends { id: number }>(
  page: { limit: number; after?: K | undefined },
  value: (key: K) => string,
): [string | null, number | null, number] {
  return [page.after === undefined ? null : value(page.after), page.after?.id ?? null, page.limit + 1];
}

export interface KeysetPage<T, K> {
  items: T[];
  /** The sort key of the last item, when another page follows. */
  next?: K | undefined;
}

export function keysetPage<R, T, K>(
  rows: readonly R[],
  limit: number,
  map: (row: R) => T,
  keyOf: (row: R) => K,
): KeysetPage<T, K> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return { items: kept.map(map), next: rows.length > limit && last !== undefined ? keyOf(last) : undefined };
}
