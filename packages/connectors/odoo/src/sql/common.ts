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
