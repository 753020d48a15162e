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
    /** One capability method through `call`: the caller's options plus what the gateway supplies. */
    const via = <T>(
      method: string,
      args: unknown,
      schema: z.ZodType<T>,
      options: Omit<CallOptions, keyof Supplied>,
      run: (adapters: Adapters, options: CallOptions) => Promise<T>,
    ) =>
      call(
        instance,
        method,
        args,
        schema,
        (adapters, supplied) => run(adapters, { ...options, ...supplied }),
        options.signal,
      );
    if (factories.crm) {
      const crm = (a: Adapters) => required(a.crm, 'crm');
      source.crm = {
        findAccounts: (lookup, options) =>
          via('crm.findAccounts', lookup, AccountMatches, options, (a, o) => crm(a).findAccounts(lookup, o)),
        getAccountDetail: (id, options) =>
          via('crm.getAccountDetail', { id }, AccountDetail, options, (a, o) =>
            crm(a).getAccountDetail(id, o),
          ),
      };
    }
    if (factories.erp) {
      const erp = (a: Adapters) => required(a.erp, 'erp');
      source.erp = {
        findCustomers: (lookup, options) =>
          via('erp.findCustomers', lookup, AccountMatches, options, (a, o) =>
            erp(a).findCustomers(lookup, o),
          ),
        getFinancials: (id, options) =>
          via('erp.getFinancials', { id }, Financials, options, (a, o) => erp(a).getFinancials(id, o)),
      };
    }
    if (factories.support) {
      const support = (a: Adapters) => required(a.support, 'support');
      source.support = {
        findTickets: (lookup, options) =>
          via('support.findTickets', { lookup, limit: options.limit }, Tickets, options, (a, o) =>
            support(a).findTickets(lookup, { ...o, limit: options.limit }),
          ),
        recentConversations: (lookup, options) =>
          via(
            'support.recentConversations',
            { lookup, limit: options.limit },
            Conversations,
            options,
            (a, o) => support(a).recentConversations(lookup, { ...o, limit: options.limit }),
          ),
      };
    }
    sources.push(source);
  }
  return sources;
}
