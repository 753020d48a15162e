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

/** What a CRM knows of one account: its contacts and open deals. */
export interface CrmAccountDetail {
  account: Account;
  contacts: Contact[];
  openDeals: Deal[];
}

/** What an ERP knows of one customer: recent orders, open invoices and what is owed. */
export interface ErpFinancials {
  account: Account;
  contacts: Contact[];
  recentOrders: Order[];
  openInvoices: Invoice[];
  receivable: Money;
  overdue: Money;
  aging: AgingBuckets;
}

export interface CrmCapability {
  findAccounts(lookup: CustomerLookup, options: CallOptions): Promise<AccountMatch[]>;
  getAccountDetail(accountId: string, options: CallOptions): Promise<CrmAccountDetail>;
}

export interface ErpCapability {
  findCustomers(lookup: CustomerLookup, options: CallOptions): Promise<AccountMatch[]>;
  getFinancials(customerId: string, options: CallOptions): Promise<ErpFinancials>;
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
  // A method as composite tools call it: the caller passes its signal (and limits), the host the rest.
  const hosted =
    <A, R, X extends object>(method: (arg: A, options: CallOptions & X) => R) =>
    (arg: A, options: X & { signal: AbortSignal }): R =>
      method(arg, { ...options, signal: options.signal, ...supply(options.signal) });
  return {
    instance: source.instance,
    title: source.title,
    ...(crm && {
      crm: {
        findAccounts: hosted((lookup, options) => crm.findAccounts(lookup, options)),
        getAccountDetail: hosted((id, options) => crm.getAccountDetail(id, options)),
      },
    }),
    ...(erp && {
      erp: {
        findCustomers: hosted((lookup, options) => erp.findCustomers(lookup, options)),
        getFinancials: hosted((id, options) => erp.getFinancials(id, options)),
      },
    }),
    ...(support && {
      support: {
        findTickets: hosted((lookup, options) => support.findTickets(lookup, options)),
        recentConversations: hosted((lookup, options) => support.recentConversations(lookup, options)),
      },
    }),
  };
}
