import type {
  AccountMatch,
  CallOptions,
  CustomerLookup,
  ErpCapability,
  InstanceInfo,
  MatchMethod,
} from '@switchboard/kit';
import { Account, Invoice, normalizeEmail, Order, ToolError } from '@switchboard/kit';
import type { OdooClient } from './db.js';
import { readOnly } from './db.js';
import type { Scope } from './sql/common.js';
import type { CustomerCriteria } from './sql/customers.js';
import { findCustomers, getCustomer, loadContacts } from './sql/customers.js';
import { listInvoices } from './sql/invoices.js';
import { listOrders } from './sql/orders.js';
import type { CurrencyAging } from './sql/receivables.js';
import { customerBalances, EMPTY_BUCKETS } from './sql/receivables.js';

/** How many candidates a lookup returns at most: composite tools want a few, not a page. */
const MAX_MATCHES = 10;
const RECENT_ORDERS = 5;
const OPEN_INVOICES = 20;

const ID_TEXT = /^\d{1,10}$/;

/**
 * The ERP capability over the same query functions as the tools. Lookups try id, external ids,
 * email, domain and name in that order and stop at the first method that finds anyone, so a weak
 * name match never dilutes an exact one.
 *
 * External ids: Odoo's business tables have no per-system external id column, and the partner's
 * "Reference" (res_partner.ref) is where integrations conventionally keep another system's key.
 * So `externalIds.odoo` is read as an Odoo partner id, and any other `{system: id}` matches a
 * partner whose ref is exactly `id` or `system:id`.
 */
export function erpAdapter(client: OdooClient, instance: InstanceInfo): ErpCapability {
  return {
    async findCustomers(lookup: CustomerLookup, options: CallOptions): Promise<AccountMatch[]> {
      const scope: Scope = { client, instance, identity: options.identity.with(lookup.freeMailDomains) };
      return readOnly(client, options.upstream, async (sql) => {
        const byId: Array<[MatchMethod, string | undefined]> = [
          ['id', lookup.id],
          ['external_id', lookup.externalIds?.odoo],
        ];
        for (const [method, id] of byId) {
          const text = id?.trim();
          if (text === undefined || !ID_TEXT.test(text)) continue;
          const found = await getCustomer(sql, scope, Number(text));
          if (found !== null) return [{ account: Account.parse(found.customer), matchedBy: method }];
        }

        const refs = Object.entries(lookup.externalIds ?? {})
          .filter(([system]) => system !== 'odoo')
          .flatMap(([system, id]) => [id, `${system}:${id}`]);
        // A free-mail domain identifies no company, not even by website, for a composite lookup.
        const domain = lookup.domain === undefined ? undefined : scope.identity.companyDomain(lookup.domain);
        const email = lookup.email === undefined ? undefined : normalizeEmail(lookup.email);
        const name = lookup.name?.trim();
        const stages: Array<[MatchMethod, CustomerCriteria | undefined]> = [
          ['external_id', refs.length > 0 ? { refs } : undefined],
          ['email', email === undefined ? undefined : { email }],
          ['domain', domain === undefined ? undefined : { domain }],
          ['name', name !== undefined && name.length >= 2 ? { name } : undefined],
        ];
        for (const [method, criteria] of stages) {
          if (criteria === undefined) continue;
          const { items: matches } = await findCustomers(sql, scope, criteria, {
            limit: MAX_MATCHES,
            offset: 0,
          });
          if (matches.length > 0) {
            // Account.parse keeps the common model only: Odoo extras stay in the tools' outputs.
            return matches.map((match) => ({ account: Account.parse(match), matchedBy: method }));
          }
        }
        return [];
      });
    },

    async getFinancials(customerId: string, options: CallOptions) {
      const text = customerId.trim();
      const scope: Scope = { client, instance, identity: options.identity };
      return readOnly(client, options.upstream, async (sql) => {
        const found = ID_TEXT.test(text) ? await getCustomer(sql, scope, Number(text)) : null;
        if (found === null) {
          throw new ToolError(
            'not_found',
            `No Odoo partner with id ${customerId}. Search with ${instance.toolName('find_customers')} first.`,
          );
        }
        const id = found.resolved.customerId;
        const { contacts } = await loadContacts(sql, scope, id);
        const orders = await listOrders(
          sql,
          scope,
          { customerId: id, excludeCancelled: true },
          { limit: RECENT_ORDERS },
        );
        const invoices = await listInvoices(
          sql,
          scope,
          { customerId: id, status: 'open' },
          { limit: OPEN_INVOICES },
        );
        const balances = await customerBalances(sql, scope, id);
        const { currency, aging, overdue } = reportingBalance(scope, balances);
        return {
          account: Account.parse(found.customer),
          contacts,
          recentOrders: orders.items.map((order) => Order.parse(order)),
          openInvoices: invoices.items.map((invoice) => Invoice.parse(invoice)),
          receivable: { amount: aging.total, currency },
          overdue: { amount: overdue, currency },
          aging,
        };
      });
    },
  };
}

/**
 * The capability reports one currency. It is the company currency, unless every open invoice of the
 * customer is in one other currency (a foreign customer invoiced in its own currency): then that
 * one, rather than a misleading zero. Mixed currencies report the company-currency part only.
 */
function reportingBalance(
  scope: Scope,
  balances: readonly CurrencyAging[],
): Omit<CurrencyAging, 'currencyId' | 'credits'> {
  const own = balances.find(
    (balance) => balance.currencyId === scope.client.currencyId && balance.aging.total !== 0,
  );
  const others = balances.filter(
    (balance) => balance.currencyId !== scope.client.currencyId && balance.aging.total !== 0,
  );
  const only = others.length === 1 ? others[0] : undefined;
  const chosen = own ?? only;
  if (chosen !== undefined) return chosen;
  return { currency: scope.client.currency, aging: { ...EMPTY_BUCKETS }, overdue: 0 };
}
