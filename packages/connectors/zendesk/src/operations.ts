import type { InstanceInfo, TicketPriority, TicketStatus, Upstream } from '@switchboard/kit';
import { errorCodes, ToolError, UpstreamHttpError } from '@switchboard/kit';
import type { z } from 'zod';
import type { ZendeskClient } from './client.js';
import { ticketUrl, zendeskFetch } from './client.js';
import type {
  Comment,
  Person,
  TicketDetail,
  TicketSummary,
  ZOrganization,
  ZTicket,
  ZUser,
} from './schemas.js';
import { ZComments, ZTicketSearch, ZTicketShow } from './schemas.js';

/** What every operation needs: the client, the instance (for names in messages) and the call's upstream. */
export interface Scope {
  client: ZendeskClient;
  instance: InstanceInfo;
  upstream: Upstream;
}

/** Zendesk's search returns at most this many results per query, whatever the paging. */
export const SEARCH_WINDOW = 1000;
/** Zendesk's largest search page. */
export const MAX_SEARCH_PAGE = 100;
/** Page sizes that divide the 1,000-result window, so no page request ever reaches past it. */
const WINDOW_DIVISORS = [1, 2, 4, 5, 8, 10, 20, 25, 40, 50, 100] as const;

// ---------------------------------------------------------------------------------------------
// Query building

export interface TicketCriteria {
  requesterEmail?: string;
  /** Organization name or numeric id. */
  organization?: string;
  status?: z.output<typeof TicketStatus> | 'unsolved';
  priority?: z.output<typeof TicketPriority>;
  tag?: string;
  text?: string;
}

/**
 * A search value as Zendesk's query language reads it: simple values bare, anything else quoted
 * with the quotes removed from inside, so input can never add terms of its own (`status:solved`
 * inside text is searched as text, not as a filter).
 */
export function queryValue(value: string): string {
  const clean = value.replace(/["\p{Cc}]/gu, ' ').trim();
  return /^[\p{L}\p{N}][\p{L}\p{N}._@+-]*$/u.test(clean) ? clean : `"${clean.replace(/\s+/g, ' ')}"`;
}

export function ticketQuery(criteria: TicketCriteria): string {
  const terms = ['type:ticket'];
  if (criteria.requesterEmail !== undefined) terms.push(`requester:${queryValue(criteria.requesterEmail)}`);
  if (criteria.organization !== undefined) terms.push(`organization:${queryValue(criteria.organization)}`);
  if (criteria.status === 'unsolved') terms.push('status<solved');
  else if (criteria.status !== undefined) terms.push(`status:${criteria.status}`);
  if (criteria.priority !== undefined) terms.push(`priority:${criteria.priority}`);
  if (criteria.tag !== undefined) terms.push(`tags:${queryValue(criteria.tag)}`);
  for (const word of (criteria.text ?? '').split(/\s+/)) {
    const value = word.replace(/["\p{Cc}]/gu, '');
    if (value !== '') terms.push(queryValue(value));
  }
  return terms.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Mapping to the output models

export function person(user: ZUser | undefined): Person | undefined {
  if (user === undefined) return undefined;
  return {
    id: user.id,
    name: user.name ?? undefined,
    email: user.email ?? undefined,
    role: user.role ?? undefined,
  };
}

export function toTicketSummary(
  scope: Pick<Scope, 'client' | 'instance'>,
  ticket: ZTicket,
  users: ReadonlyMap<number, ZUser>,
  organizations: ReadonlyMap<number, ZOrganization> = new Map(),
): TicketSummary {
  const requester = ticket.requester_id == null ? undefined : users.get(ticket.requester_id);
  const organization = ticket.organization_id == null ? undefined : organizations.get(ticket.organization_id);
  return {
    source: {
      system: 'zendesk',
      instance: scope.instance.namespace,
      id: String(ticket.id),
      url: ticketUrl(scope.client, ticket.id),
    },
    id: ticket.id,
    subject: ticket.subject ?? '',
    status: ticket.status,
    priority: ticket.priority ?? undefined,
    type: ticket.type ?? undefined,
    requesterEmail: requester?.email ?? undefined,
    requesterId: ticket.requester_id ?? undefined,
    accountId: ticket.organization_id == null ? undefined : String(ticket.organization_id),
    organizationName: organization?.name,
    assigned: ticket.assignee_id != null,
    createdAt: ticket.created_at,
    updatedAt: ticket.updated_at ?? undefined,
    tags: ticket.tags ?? [],
  };
}

const byId = <T extends { id: number }>(records: readonly T[] | undefined) =>
  new Map((records ?? []).map((record) => [record.id, record]));

// ---------------------------------------------------------------------------------------------
// Ticket search within the 1,000-result window

export interface TicketPage {
  tickets: TicketSummary[];
  /** Zendesk's count of every match, beyond the window included. */
  total: number;
  /** Offset of the next page, when there is one inside the window. */
  nextOffset?: number;
  /** More tickets match than Zendesk lets anyone page through. */
  truncated: boolean;
}

type SearchBody = z.output<typeof ZTicketSearch>;

/** Zendesk's answer to a page reaching past its result window: 422 with error `invalid`. */
function beyondWindow(error: unknown): boolean {
  return (
    error instanceof ToolError &&
    error.cause instanceof UpstreamHttpError &&
    error.cause.status === 422 &&
    errorCodes(error.cause.body).includes('invalid')
  );
}

/**
 * One Zendesk search page, or null when Zendesk refuses it as past its result window: that answer
 * is never shown to the agent, the caller stops there instead.
 */
async function searchPage(
  scope: Scope,
  query: string,
  page: number,
  perPage: number,
): Promise<SearchBody | null> {
  return zendeskFetch(scope.upstream, scope.client, {
    name: 'search.tickets',
    path: '/search.json',
    query: {
      query,
      page,
      per_page: perPage,
      sort_by: 'updated_at',
      sort_order: 'desc',
      include: 'tickets(users,organizations)',
    },
    schema: ZTicketSearch,
  }).catch((error: unknown) => {
    if (beyondWindow(error)) return null;
    throw error;
  });
}

/**
 * Tickets `[offset, offset + limit)` of a search, newest update first. Zendesk pages by page number
 * and refuses any page reaching past result 1,000, so the page size asked of Zendesk divides 1,000
 * and a window costs one request, or two when it straddles a page boundary.
 */
export async function searchTickets(
  scope: Scope,
  criteria: TicketCriteria,
  offset: number,
  limit: number,
): Promise<TicketPage> {
  const query = ticketQuery(criteria);
  const wanted = Math.min(limit, SEARCH_WINDOW - offset);
  if (wanted <= 0) return { tickets: [], total: 0, truncated: true };
  const perPage = WINDOW_DIVISORS.find((size) => size >= limit) ?? MAX_SEARCH_PAGE;
  const firstPage = Math.floor(offset / perPage) + 1;
  const lastPage = Math.floor((offset + wanted - 1) / perPage) + 1;

  const bodies: SearchBody[] = [];
  let windowEnded = false;
  for (let page = firstPage; page <= lastPage; page += 1) {
    const body = await searchPage(scope, query, page, perPage);
    if (body === null) {
      windowEnded = true;
      break;
    }
    bodies.push(body);
    if (body.results.length < perPage) break;
  }
  const total = bodies[0]?.count ?? 0;
  const users = byId(bodies.flatMap((body) => body.users ?? []));
  const organizations = byId(bodies.flatMap((body) => body.organizations ?? []));
  const start = offset - (firstPage - 1) * perPage;
  const tickets = bodies
    .flatMap((body) => body.results)
    .slice(start, start + wanted)
    .map((ticket) => toTicketSummary(scope, ticket, users, organizations));
  const reached = offset + tickets.length;
  const more = !windowEnded && tickets.length === wanted && reached < Math.min(total, SEARCH_WINDOW);
  return {
    tickets,
    total: Math.max(total, reached),
    nextOffset: more ? reached : undefined,
    truncated: windowEnded || total > SEARCH_WINDOW,
  };
}

export function truncationNote(total: number): string {
  return (
    `Zendesk lets a search page through only its first ${SEARCH_WINDOW} results, and ${total} tickets match. ` +
    'These are the most recently updated ones. To see the others, narrow the search: add status, priority, ' +
    'organization, requesterEmail, tag or text.'
  );
}

// ---------------------------------------------------------------------------------------------
// One ticket with its comments

/** What a 404 on a ticket id tells the agent. */
export function ticketNotFound(scope: Pick<Scope, 'instance'>, id: number): string {
  return (
    `No Zendesk ticket with id ${id}. Find the ticket with ${scope.instance.toolName('search_tickets')} ` +
    '(by requester email, organization, status or text) and use the id it returns.'
  );
}

export function toComment(
  comment: z.output<typeof ZComments>['comments'][number],
  users: ReadonlyMap<number, ZUser>,
): Comment {
  return {
    id: comment.id,
    author: person(comment.author_id == null ? undefined : users.get(comment.author_id)),
    body: comment.plain_body ?? comment.body ?? '',
    public: comment.public,
    createdAt: comment.created_at,
  };
}

export async function loadTicket(
  scope: Scope,
  id: number,
  comments: { limit: number; after?: string },
): Promise<{ detail: TicketDetail; afterCursor?: string }> {
  const notFound = ticketNotFound(scope, id);
  const [shown, page] = await Promise.all([
    zendeskFetch(scope.upstream, scope.client, {
      name: 'tickets.show',
      path: `/tickets/${id}.json`,
      query: { include: 'users,organizations' },
      schema: ZTicketShow,
      notFound,
    }),
    zendeskFetch(scope.upstream, scope.client, {
      name: 'tickets.comments',
      path: `/tickets/${id}/comments.json`,
      query: { 'page[size]': comments.limit, 'page[after]': comments.after, include: 'users' },
      schema: ZComments,
      notFound,
      rules:
        comments.after === undefined
          ? []
          : [
              {
                status: 400,
                means: 'invalid_input',
                message:
                  'The comments cursor is no longer valid. Call again without commentsCursor to start over.',
              },
            ],
    }),
  ]);
  const users = byId([...(shown.users ?? []), ...(page.users ?? [])]);
  const organizations = byId(shown.organizations);
  const ticket = toTicketSummary(scope, shown.ticket, users, organizations);
  const org =
    shown.ticket.organization_id == null ? undefined : organizations.get(shown.ticket.organization_id);
  const requester = shown.ticket.requester_id == null ? undefined : users.get(shown.ticket.requester_id);
  return {
    detail: {
      ticket,
      description: shown.ticket.description ?? '',
      requester: person(requester),
      organization:
        org === undefined
          ? undefined
          : {
              id: org.id,
              name: org.name,
              domains: org.domain_names ?? [],
              externalId: org.external_id ?? undefined,
            },
      comments: page.comments.map((comment) => toComment(comment, users)),
    },
    afterCursor: page.meta.has_more ? (page.meta.after_cursor ?? undefined) : undefined,
  };
}
