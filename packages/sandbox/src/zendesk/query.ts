import type { OrganizationRecord, TicketRecord, UserRecord, ZendeskStore } from './store.js';
import { PRIORITY_ORDER, STATUS_ORDER } from './store.js';

/**
 * The subset of Zendesk's search query language the connector uses. Terms are separated by spaces
 * and all must match (AND):
 *
 *   type:ticket | type:user | type:organization
 *   requester:<email or user id>        organization:<name or id>     (tickets)
 *   status:<s>  status<s  status>s  status<=s  status>=s               (new < open < pending < hold < solved < closed)
 *   priority:<p> (and < > <= >=)                                        (low < normal < high < urgent)
 *   tags:<tag>  email:<email>  name:<name>  external_id:<id>
 *   "quoted phrase" or bare words: case-insensitive substring of subject/description (tickets),
 *   name/email (users), name/domain names/tags (organizations)
 *
 * Values may be quoted (`organization:"Helix Robotics"`). A field the emulator does not know is
 * refused loudly (`UnsupportedSearch`) rather than matched as text, so that a connector relying
 * on syntax the emulator has not checked fails its test.
 */

export type ResultType = 'ticket' | 'user' | 'organization';

type Operator = ':' | '<' | '>' | '<=' | '>=';

interface FieldTerm {
  kind: 'field';
  field: string;
  operator: Operator;
  value: string;
}

interface TextTerm {
  kind: 'text';
  value: string;
}

type Term = FieldTerm | TextTerm;

export class UnsupportedSearch extends Error {}

const TERM = /([a-z_]+)(<=|>=|:|<|>)(?:"([^"]*)"|(\S+))|"([^"]*)"|(\S+)/gi;
const FIELDS = new Set([
  'type',
  'status',
  'priority',
  'requester',
  'organization',
  'tags',
  'tag',
  'email',
  'name',
  'external_id',
]);

export function parseQuery(query: string): { type: ResultType | undefined; terms: Term[] } {
  const terms: Term[] = [];
  let type: ResultType | undefined;
  for (const match of query.matchAll(TERM)) {
    const [, field, operator, quoted, bare, phrase, word] = match;
    if (field !== undefined && operator !== undefined) {
      const name = field.toLowerCase();
      const value = (quoted ?? bare ?? '').trim();
      if (!FIELDS.has(name)) throw new UnsupportedSearch(`search field "${name}" is not emulated`);
      if (name === 'type') {
        const lowered = value.toLowerCase();
        if (lowered !== 'ticket' && lowered !== 'user' && lowered !== 'organization') {
          throw new UnsupportedSearch(`type:${value} is not emulated`);
        }
        type = lowered;
        continue;
      }
      terms.push({
        kind: 'field',
        field: name === 'tag' ? 'tags' : name,
        operator: toOperator(operator),
        value,
      });
      continue;
    }
    const text = (phrase ?? word ?? '').trim();
    if (text !== '') terms.push({ kind: 'text', value: text });
  }
  return { type, terms };
}

function toOperator(text: string): Operator {
  if (text === '<' || text === '>' || text === '<=' || text === '>=') return text;
  return ':';
}

function compareOrdinal(order: readonly string[], actual: string | null, term: FieldTerm): boolean {
  if (actual === null) return false;
  const left = order.indexOf(actual);
  const right = order.indexOf(term.value.toLowerCase());
  if (right < 0) throw new UnsupportedSearch(`unknown ${term.field} "${term.value}"`);
  switch (term.operator) {
    case ':':
      return left === right;
    case '<':
      return left < right;
    case '>':
      return left > right;
    case '<=':
      return left <= right;
    case '>=':
      return left >= right;
  }
}

const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());
const same = (left: string, right: string) => left.toLowerCase() === right.toLowerCase();

function requireColon(term: FieldTerm): void {
  if (term.operator !== ':') throw new UnsupportedSearch(`${term.field}${term.operator} is not emulated`);
}

function ticketMatches(store: ZendeskStore, ticket: TicketRecord, term: Term): boolean {
  if (term.kind === 'text') return contains(`${ticket.subject}\n${ticket.description}`, term.value);
  switch (term.field) {
    case 'status':
      return compareOrdinal(STATUS_ORDER, ticket.status, term);
    case 'priority':
      return compareOrdinal(PRIORITY_ORDER, ticket.priority, term);
    case 'requester': {
      requireColon(term);
      const requester = store.users.get(ticket.requesterId);
      return (
        requester !== undefined && (String(requester.id) === term.value || same(requester.email, term.value))
      );
    }
    case 'organization': {
      requireColon(term);
      if (ticket.organizationId === null) return false;
      const org = store.organizations.get(ticket.organizationId);
      return org !== undefined && (String(org.id) === term.value || same(org.name, term.value));
    }
    case 'tags':
      requireColon(term);
      return ticket.tags.some((tag) => same(tag, term.value));
    default:
      throw new UnsupportedSearch(`${term.field}: is not emulated for tickets`);
  }
}

function userMatches(user: UserRecord, term: Term): boolean {
  if (term.kind === 'text') return contains(`${user.name}\n${user.email}`, term.value);
  requireColon(term);
  switch (term.field) {
    case 'email':
      return same(user.email, term.value);
    case 'name':
      return same(user.name, term.value);
    default:
      throw new UnsupportedSearch(`${term.field}: is not emulated for users`);
  }
}

function organizationMatches(org: OrganizationRecord, term: Term): boolean {
  if (term.kind === 'text') {
    return contains([org.name, ...org.domainNames, ...org.tags].join('\n'), term.value);
  }
  requireColon(term);
  switch (term.field) {
    case 'name':
      return same(org.name, term.value);
    case 'external_id':
      return org.externalId !== null && same(org.externalId, term.value);
    case 'tags':
      return org.tags.some((tag) => same(tag, term.value));
    default:
      throw new UnsupportedSearch(`${term.field}: is not emulated for organizations`);
  }
}

export interface SearchHit {
  type: ResultType;
  ticket?: TicketRecord;
  user?: UserRecord;
  organization?: OrganizationRecord;
  /** For sorting. */
  id: number;
  createdAt: string;
  updatedAt: string;
  status: string | null;
  priority: string | null;
}

/** Every record matching the query, tickets then users then organizations, ids ascending. */
export function search(store: ZendeskStore, query: string): SearchHit[] {
  const { type, terms } = parseQuery(query);
  const hits: SearchHit[] = [];
  if (type === undefined || type === 'ticket') {
    for (const ticket of store.tickets.values()) {
      if (terms.every((term) => ticketMatches(store, ticket, term))) {
        hits.push({
          type: 'ticket',
          ticket,
          id: ticket.id,
          createdAt: ticket.createdAt,
          updatedAt: ticket.updatedAt,
          status: ticket.status,
          priority: ticket.priority,
        });
      }
    }
  }
  if (type === 'user') {
    for (const user of store.users.values()) {
      if (terms.every((term) => userMatches(user, term))) {
        hits.push({ type: 'user', user, ...common(user) });
      }
    }
  }
  if (type === 'organization') {
    for (const organization of store.organizations.values()) {
      if (terms.every((term) => organizationMatches(organization, term))) {
        hits.push({ type: 'organization', organization, ...common(organization) });
      }
    }
  }
  return hits;
}

function common(record: { id: number; createdAt: string; updatedAt: string }) {
  return {
    id: record.id,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    status: null,
    priority: null,
  };
}

const rank = (order: readonly string[], value: string | null) => (value === null ? -1 : order.indexOf(value));

const SORT_FIELDS = new Set(['updated_at', 'created_at', 'priority', 'status', 'ticket_type']);

/**
 * Zendesk sorts by relevance without `sort_by`; the emulator's stand-in for relevance is id order.
 * Ties are broken by id so that offset paging never repeats or skips a record.
 */
export function sortHits(hits: SearchHit[], sortBy: string | undefined, sortOrder: string | undefined): void {
  if (sortBy !== undefined && !SORT_FIELDS.has(sortBy)) {
    throw new UnsupportedSearch(`sort_by=${sortBy} is not emulated`);
  }
  const direction = sortOrder === 'desc' ? -1 : 1;
  const key = (hit: SearchHit): string | number => {
    switch (sortBy) {
      case 'updated_at':
        return hit.updatedAt;
      case 'created_at':
        return hit.createdAt;
      case 'status':
        return rank(STATUS_ORDER, hit.status);
      case 'priority':
        return rank(PRIORITY_ORDER, hit.priority);
      default:
        return hit.id;
    }
  };
  hits.sort((left, right) => {
    const a = key(left);
    const b = key(right);
    const primary = a < b ? -1 : a > b ? 1 : 0;
    return (primary || left.id - right.id) * direction;
  });
}
