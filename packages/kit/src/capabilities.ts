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
}

export type MatchMethod = 'id' | 'external_id' | 'email' | 'domain' | 'name';

export interface AccountMatch {
  account: Account;
  matchedBy: MatchMethod;
}

export interface CallOptions {
  signal: AbortSignal;
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
 * One mounted connector instance seen through its capabilities, for composite tools. The gateway
 * wraps every adapter so that calls through it are cached and count against the instance's
 * upstream quota exactly like calls through its tools.
 */
export interface CapabilitySource extends Capabilities {
  readonly instance: { readonly namespace: string; readonly connector: string };
  /** Display name of the system, e.g. "Salesforce". */
  readonly title: string;
}
