import type { Identity } from './identity.js';
import type {
  Account,
  AgingBuckets,
  Contact,
  Conversation,
  Deal,
  Invoice,
  Money,
  Order,
  Ticket,
} from './models.js';
import type { Upstream } from './upstream.js';

/**
 * Capability contracts: what a composite tool may ask of any connector of a category, in the
 * common models. A connector implements a capability with an adapter over its own client.
 */

/** How to look a customer up. Adapters try what they can and report how they matched. */
export interface CustomerLookup {
  /** An id in this system. */
  id?: string;
  /** Ids in other systems, keyed by system name (e.g. `{ salesforce: '001...' }`). */
  externalIds?: Record<string, string>;
  email?: string;
  domain?: string;
  name?: string;
  /** Domains the caller treats as free mail on top of the identity rules (never matched as a company). */
  freeMailDomains?: string[];
}

export type MatchMethod = 'id' | 'external_id' | 'email' | 'domain' | 'name';

export interface AccountMatch {
  account: Account;
  matchedBy: MatchMethod;
}

export interface CallOptions {
  signal: AbortSignal;
  /** The instance's vendor requests go through here (its quota, the caller's deadline). */
  upstream: Upstream;
  /** Identity rules in force; apply `identity.with(lookup.freeMailDomains)` for a lookup. */
  identity: Identity;
}

export interface CrmCapability {
  findAccounts(lookup: CustomerLookup, options: CallOptions): Promise<AccountMatch[]>;
  getAccountDetail(
    accountId: string,
    options: CallOptions,
  ): Promise<{ account: Account; contacts: Contact[]; openDeals: Deal[] }>;
}

export interface ErpCapability {
  findCustomers(lookup: CustomerLookup, options: CallOptions): Promise<AccountMatch[]>;
  getFinancials(
    customerId: string,
    options: CallOptions,
  ): Promise<{
    account: Account;
    contacts: Contact[];
    recentOrders: Order[];
    openInvoices: Invoice[];
    receivable: Money;
    overdue: Money;
    aging: AgingBuckets;
  }>;
}

export interface SupportCapability {
  findTickets(
    lookup: CustomerLookup,
    options: CallOptions & { limit: number },
  ): Promise<{ tickets: Ticket[]; matchedBy: MatchMethod | null }>;
  recentConversations(
    lookup: CustomerLookup,
    options: CallOptions & { limit: number },
  ): Promise<{ conversations: Conversation[]; matchedBy: MatchMethod | null }>;
}

export interface Capabilities {
  crm?: CrmCapability;
  erp?: ErpCapability;
  support?: SupportCapability;
}

export type CapabilityName = keyof Capabilities;

/** The scope a principal needs to read through each capability, as through the tools behind it. */
export const CAPABILITY_READ_SCOPES: Readonly<Record<CapabilityName, string>> = {
  crm: 'crm:read',
  erp: 'erp:read',
  support: 'support:read',
};

/**
 * A capability as a composite tool calls it: the gateway supplies the instance's upstream and the
 * identity rules, so the caller passes only its signal (and limits).
 */
export type SourceOf<C> = {
  [K in keyof C]: C[K] extends (arg: infer A, options: infer O) => infer R
    ? (arg: A, options: Omit<O, 'upstream' | 'identity'>) => R
    : never;
};

/**
 * One mounted connector instance seen through its capabilities, for composite tools. The gateway
 * wraps every adapter so that calls through it are cached and count against the instance's
 * upstream quota exactly like calls through its tools.
 */
export interface CapabilitySource {
  readonly instance: { readonly namespace: string; readonly connector: string };
  /** Display name of the system, e.g. "Salesforce". */
  readonly title: string;
  readonly crm?: SourceOf<CrmCapability>;
  readonly erp?: SourceOf<ErpCapability>;
  readonly support?: SourceOf<SupportCapability>;
}

/** Binds an instance's adapters to the options the host supplies per call (upstream, identity). */
export function bindSource(
  source: {
    instance: CapabilitySource['instance'];
    title: string;
    crm?: CrmCapability | undefined;
    erp?: ErpCapability | undefined;
    support?: SupportCapability | undefined;
  },
  supply: (signal: AbortSignal) => Omit<CallOptions, 'signal'>,
): CapabilitySource {
  const { crm, erp, support } = source;
  const full = (signal: AbortSignal): CallOptions => ({ signal, ...supply(signal) });
  return {
    instance: source.instance,
    title: source.title,
    ...(crm
      ? {
          crm: {
            findAccounts: (lookup, options) =>
              crm.findAccounts(lookup, { ...options, ...full(options.signal) }),
            getAccountDetail: (id, options) =>
              crm.getAccountDetail(id, { ...options, ...full(options.signal) }),
          },
        }
      : {}),
    ...(erp
      ? {
          erp: {
            findCustomers: (lookup, options) =>
              erp.findCustomers(lookup, { ...options, ...full(options.signal) }),
            getFinancials: (id, options) => erp.getFinancials(id, { ...options, ...full(options.signal) }),
          },
        }
      : {}),
    ...(support
      ? {
          support: {
            findTickets: (lookup, options) =>
              support.findTickets(lookup, { ...options, ...full(options.signal) }),
            recentConversations: (lookup, options) =>
              support.recentConversations(lookup, { ...options, ...full(options.signal) }),
          },
        }
      : {}),
  };
}
