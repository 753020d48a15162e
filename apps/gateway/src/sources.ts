import {
  Account,
  AgingBuckets,
  type CallOptions,
  type CapabilitySource,
  Contact,
  Conversation,
  type CrmCapability,
  Deal,
  type ErpCapability,
  type InstanceInfo,
  Invoice,
  Money,
  Order,
  type SupportCapability,
  Ticket,
} from '@switchboard/kit';
import { z } from 'zod';
import type { MountedInstance } from './registry.js';

/** Schemas of capability results, to check what comes back from the cache. */
const MatchMethod = z.enum(['id', 'external_id', 'email', 'domain', 'name']);
const AccountMatches = z.array(z.object({ account: Account, matchedBy: MatchMethod }));
const AccountDetail = z.object({ account: Account, contacts: z.array(Contact), openDeals: z.array(Deal) });
const Financials = z.object({
  account: Account,
  contacts: z.array(Contact),
  recentOrders: z.array(Order),
  openInvoices: z.array(Invoice),
  receivable: Money,
  overdue: Money,
  aging: AgingBuckets,
});
const Tickets = z.object({ tickets: z.array(Ticket), matchedBy: MatchMethod.nullable() });
const Conversations = z.object({ conversations: z.array(Conversation), matchedBy: MatchMethod.nullable() });

/** What the gateway supplies to an adapter per call, beside the caller's signal. */
export type Supplied = Omit<CallOptions, 'signal'>;

/**
 * Runs one capability call for an instance: connects the instance if needed, gives the adapter the
 * instance's upstream (its quota, the caller's deadline) and goes through the cache when there is one.
 * `method` names the call for keys and logs.
 */
export type CapabilityCall = <T>(
  instance: MountedInstance,
  method: string,
  args: unknown,
  schema: z.ZodType<T>,
  run: (adapters: Adapters, supplied: Supplied) => Promise<T>,
  signal: AbortSignal,
) => Promise<T>;

export interface Adapters {
  crm?: CrmCapability;
  erp?: ErpCapability;
  support?: SupportCapability;
}

/** Builds an instance's adapters from its client, once. */
export function buildAdapters(instance: MountedInstance, client: unknown, info: InstanceInfo): Adapters {
  const factories = instance.connector.capabilities;
  if (!factories) return {};
  return {
    ...(factories.crm ? { crm: factories.crm(client, info) } : {}),
    ...(factories.erp ? { erp: factories.erp(client, info) } : {}),
    ...(factories.support ? { support: factories.support(client, info) } : {}),
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not implemented`);
  return value;
}

/**
 * The capability sources a composite tool sees: every mounted instance whose connector declares a
 * capability, each method routed through `call` so caching, quotas and accounting apply as for tools.
 */
export function capabilitySources(
  instances: readonly MountedInstance[],
  call: CapabilityCall,
): CapabilitySource[] {
  const sources: CapabilitySource[] = [];
  for (const instance of instances) {
    const factories = instance.connector.capabilities;
    if (!factories) continue;
    const source: {
      instance: { namespace: string; connector: string };
      title: string;
      crm?: CapabilitySource['crm'];
      erp?: CapabilitySource['erp'];
      support?: CapabilitySource['support'];
    } = {
      instance: { namespace: instance.info.namespace, connector: instance.info.connector },
      title: instance.connector.title,
    };
    if (factories.crm) {
      source.crm = {
        findAccounts: (lookup, options) =>
          call(
            instance,
            'crm.findAccounts',
            lookup,
            AccountMatches,
            (a, s) => required(a.crm, 'crm').findAccounts(lookup, { ...options, ...s }),
            options.signal,
          ),
        getAccountDetail: (id, options) =>
          call(
            instance,
            'crm.getAccountDetail',
            { id },
            AccountDetail,
            (a, s) => required(a.crm, 'crm').getAccountDetail(id, { ...options, ...s }),
            options.signal,
          ),
      };
    }
    if (factories.erp) {
      source.erp = {
        findCustomers: (lookup, options) =>
          call(
            instance,
            'erp.findCustomers',
            lookup,
            AccountMatches,
            (a, s) => required(a.erp, 'erp').findCustomers(lookup, { ...options, ...s }),
            options.signal,
          ),
        getFinancials: (id, options) =>
          call(
            instance,
            'erp.getFinancials',
            { id },
            Financials,
            (a, s) => required(a.erp, 'erp').getFinancials(id, { ...options, ...s }),
            options.signal,
          ),
      };
    }
    if (factories.support) {
      source.support = {
        findTickets: (lookup, options) =>
          call(
            instance,
            'support.findTickets',
            { lookup, limit: options.limit },
            Tickets,
            (a, s) => required(a.support, 'support').findTickets(lookup, { ...options, ...s }),
            options.signal,
          ),
        recentConversations: (lookup, options) =>
          call(
            instance,
            'support.recentConversations',
            { lookup, limit: options.limit },
            Conversations,
            (a, s) => required(a.support, 'support').recentConversations(lookup, { ...options, ...s }),
            options.signal,
          ),
      };
    }
    sources.push(source);
  }
  return sources;
}
