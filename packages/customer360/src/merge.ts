import {
  type Account,
  type Contact,
  type Conversation,
  type CrmAccountDetail,
  type Deal,
  type ErpFinancials,
  type Invoice,
  type Money,
  normalizeDomain,
  type Order,
  type SourceRef,
  type Ticket,
} from '@switchboard/kit';
import type { Conflict, ConflictField, Receivable } from './schemas.js';

/** What one source contributed, in the kit's common models. */
export type SourceData =
  | ({ capability: 'crm' } & CrmAccountDetail)
  | ({ capability: 'erp' } & ErpFinancials)
  | {
      capability: 'support';
      tickets: Ticket[];
      conversations: Conversation[];
      /** Whether the source's ticket search found the customer (a chat-only source never does). */
      ticketsMatched: boolean;
    };

export interface MergeOptions {
  maxTickets: number;
  maxConversations: number;
  maxContacts: number;
}

export interface MergedProfile {
  accounts: Account[];
  contacts: Contact[];
  openDeals: Deal[];
  orders: Order[];
  invoices: Invoice[];
  receivables: Receivable[];
  openTickets: Ticket[];
  recentTickets: Ticket[];
  conversations: Conversation[];
  conflicts: Conflict[];
}

const OPEN_TICKET = new Set(['new', 'open', 'pending', 'hold']);
const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

const newestFirst = (a: string | undefined, b: string | undefined) => (b ?? '').localeCompare(a ?? '');
const ticketTime = (ticket: Ticket) => ticket.updatedAt ?? ticket.createdAt;

/**
 * Merges what every source returned into one profile. Nothing is deduplicated across systems and
 * nothing is dropped: every record keeps its source, and account fields that differ between systems
 * are listed in `conflicts` with every value. Pure.
 */
export function mergeProfile(data: readonly SourceData[], options: MergeOptions): MergedProfile {
  const accounts: Account[] = [];
  const contacts: Contact[] = [];
  const openDeals: Deal[] = [];
  const orders: Order[] = [];
  const invoices: Invoice[] = [];
  const receivables: Receivable[] = [];
  const tickets: Ticket[] = [];
  const conversations: Conversation[] = [];
  const seenTickets = new Set<string>();
  const seenConversations = new Set<string>();
  const key = (source: SourceRef) => `${source.instance}\u0000${source.id}`;

  for (const item of data) {
    switch (item.capability) {
      case 'crm':
        accounts.push(item.account);
        contacts.push(...item.contacts);
        openDeals.push(...item.openDeals.filter((deal) => !deal.isClosed));
        break;
      case 'erp':
        accounts.push(item.account);
        contacts.push(...item.contacts);
        orders.push(...item.recentOrders);
        invoices.push(...item.openInvoices);
        receivables.push({
          source: item.account.source,
          receivable: item.receivable,
          overdue: item.overdue,
          aging: item.aging,
        });
        break;
      case 'support':
        for (const ticket of item.tickets) {
          if (seenTickets.has(key(ticket.source))) continue;
          seenTickets.add(key(ticket.source));
          tickets.push(ticket);
        }
        for (const conversation of item.conversations) {
          if (seenConversations.has(key(conversation.source))) continue;
          seenConversations.add(key(conversation.source));
          conversations.push(conversation);
        }
        break;
    }
  }

  const open = tickets
    .filter((ticket) => OPEN_TICKET.has(ticket.status))
    .sort(
      (a, b) =>
        (PRIORITY_RANK[a.priority ?? 'normal'] ?? 2) - (PRIORITY_RANK[b.priority ?? 'normal'] ?? 2) ||
        newestFirst(ticketTime(a), ticketTime(b)),
    );
  const recent = tickets
    .filter((ticket) => !OPEN_TICKET.has(ticket.status))
    .sort((a, b) => newestFirst(ticketTime(a), ticketTime(b)));

  return {
    accounts,
    contacts: contacts.slice(0, options.maxContacts),
    openDeals: openDeals.sort((a, b) => (a.closeDate ?? '9999').localeCompare(b.closeDate ?? '9999')),
    orders: orders.sort((a, b) => newestFirst(a.date, b.date)),
    invoices: invoices.sort(
      (a, b) => b.daysOverdue - a.daysOverdue || (a.dueDate ?? '').localeCompare(b.dueDate ?? ''),
    ),
    receivables,
    openTickets: open.slice(0, options.maxTickets),
    recentTickets: recent.slice(0, options.maxTickets),
    conversations: conversations.sort((a, b) => newestFirst(a.at, b.at)).slice(0, options.maxConversations),
    conflicts: findConflicts(accounts),
  };
}

interface FieldRule {
  field: ConflictField;
  /** The value as shown, or undefined when the account has none. */
  read(account: Account): string | number | undefined;
  /** The comparison key: values with the same key agree (formatting differences are not conflicts). */
  compare(value: string | number): string;
}

const text = (value: string | number) => String(value).trim().replace(/\s+/g, ' ');
const lower = (value: string | number) => text(value).toLowerCase();

const FIELD_RULES: readonly FieldRule[] = [
  // Case matters in a name: "Brightwater" and "BrightWater" are two spellings.
  { field: 'name', read: (a) => a.name, compare: text },
  { field: 'domain', read: (a) => a.domain, compare: (v) => normalizeDomain(String(v)) ?? lower(v) },
  { field: 'email', read: (a) => a.email, compare: lower },
  // "+46 31 555 01 42" and "+4631555 0142" are the same number.
  {
    field: 'phone',
    read: (a) => a.phone,
    compare: (v) =>
      String(v)
        .replace(/[^\d+]/g, '')
        .replace(/^00/, '+'),
  },
  { field: 'industry', read: (a) => a.industry, compare: (v) => lower(v).replace(/[\s_&/-]+/g, ' ') },
  { field: 'employees', read: (a) => a.employees, compare: (v) => String(v) },
  {
    field: 'annualRevenue',
    read: (a) =>
      a.annualRevenue === undefined ? undefined : `${a.annualRevenue.amount} ${a.annualRevenue.currency}`,
    compare: lower,
  },
  { field: 'city', read: (a) => a.city, compare: lower },
  { field: 'country', read: (a) => a.country, compare: lower },
];

/**
 * Fields on which accounts of the same customer disagree: every distinct value (after ignoring
 * formatting) with every account holding it. Accounts without the field do not count. Pure.
 */
export function findConflicts(accounts: readonly Account[]): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const rule of FIELD_RULES) {
    const groups = new Map<string, { value: string | number; sources: SourceRef[] }>();
    for (const account of accounts) {
      const value = rule.read(account);
      if (value === undefined || (typeof value === 'string' && value.trim() === '')) continue;
      const compareKey = rule.compare(value);
      const group = groups.get(compareKey);
      if (group === undefined) groups.set(compareKey, { value, sources: [account.source] });
      else group.sources.push(account.source);
    }
    if (groups.size < 2) continue;
    const values = [...groups.values()];
    const systems = new Set(values.flatMap((value) => value.sources.map((source) => source.system)));
    conflicts.push({
      field: rule.field,
      values,
      ...(rule.field === 'industry' && systems.size > 1
        ? {
            note:
              'Systems name industries from different vocabularies (e.g. Salesforce picklist, HubSpot ' +
              'enumeration): the difference may be one of naming only.',
          }
        : {}),
    });
  }
  return conflicts;
}

/** Sums amounts per currency, in order of first appearance; never converts. */
export function sumByCurrency(amounts: readonly Money[]): Money[] {
  const totals = new Map<string, number>();
  for (const { amount, currency } of amounts) totals.set(currency, (totals.get(currency) ?? 0) + amount);
  return [...totals].map(([currency, amount]) => ({ amount: Math.round(amount * 100) / 100, currency }));
}
