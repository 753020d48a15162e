import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { demoDataset } from '../dataset/generate.js';
import type { Dataset, ZendeskTicketPriority, ZendeskTicketStatus } from '../dataset/types.js';
import { type SandboxServer, startSandboxServer } from '../http/server.js';
import { parseQuery, type SearchHit, search, sortHits, UnsupportedSearch } from './query.js';
import { PRIORITY_ORDER, STATUS_ORDER, type TicketRecord, ZendeskStore, zendeskTime } from './store.js';

/**
 * A Zendesk Support REST v2 emulator (`/api/v2`) seeded from the dataset's Zendesk records. It
 * speaks the wire protocol a fetch-based client sees: API-token Basic auth, the search endpoint with
 * offset paging and the 1,000-result limit (422 beyond it), cursor-paged comments, ticket create and
 * update with audits, Zendesk's error bodies, and a real per-minute rate-limit counter with
 * Zendesk's headers. See README.md ("Zendesk") for what is and is not emulated.
 */

export interface ZendeskSandboxOptions {
  /** Default: demoDataset(). */
  dataset?: Dataset;
  /** The day dataset offsets are relative to; default today (UTC). */
  asOf?: Date;
  /** Email of the agent the API token belongs to; default the dataset's Zendesk admin. */
  email?: string;
  /** Default `sandbox-zendesk-api-token`. */
  apiToken?: string;
  /** Test-only: this many extra tickets of one bulk organization, to exceed the search limit. */
  extraTickets?: number;
  /** Requests allowed per window before 429 (Zendesk's plan limit); default 700. */
  rateLimitPerMinute?: number;
  /** Length of the rate-limit window in milliseconds; default 60000 (Zendesk counts per minute). */
  rateLimitWindowMs?: number;
  /** Retry-After (seconds) of 429s forced by fault injection; default 10. */
  faultRetryAfterSeconds?: number;
  /** Random source for fault injection (jitter, error rate). */
  random?: () => number;
}

export interface ZendeskSandbox {
  /** Base URL without a trailing slash (the stand-in for `https://{subdomain}.zendesk.com`). */
  readonly url: string;
  /** The shared sandbox server: request log and fault injection. */
  readonly server: SandboxServer;
  /** The emulator's live state (records created through the API included). */
  readonly store: ZendeskStore;
  readonly email: string;
  readonly apiToken: string;
  readonly subdomain: string;
  close(): Promise<void>;
}

const MAX_SEARCH_RESULTS = 1000;
const MAX_PER_PAGE = 100;

function param(request: FastifyRequest, name: string): string | undefined {
  const query: unknown = request.query;
  const value: unknown = typeof query === 'object' && query !== null ? Reflect.get(query, name) : undefined;
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

function positiveInt(text: string | undefined, fallback: number): number | null {
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value >= 1 ? value : null;
}

function recordId(file: string | undefined): number | null {
  const match = /^(\d{1,19})(?:\.json)?$/.exec(file ?? '');
  return match?.[1] === undefined ? null : Number(match[1]);
}

const notFound = (reply: FastifyReply) =>
  reply.code(404).send({ error: 'RecordNotFound', description: 'Not found' });

const invalidRecord = (reply: FastifyReply, field: string, description: string, error = 'InvalidValue') =>
  reply.code(422).send({
    error: 'RecordInvalid',
    description: 'Record validation errors',
    details: { [field]: [{ description, error }] },
  });

const invalidParameter = (reply: FastifyReply, description: string) =>
  reply.code(400).send({ error: 'InvalidPaginationParameter', description });

function unsupported(reply: FastifyReply, request: FastifyRequest, error: UnsupportedSearch) {
  process.stderr.write(`[sandbox:Zendesk] unsupported search in ${request.url}: ${error.message}\n`);
  return reply.code(400).send({ sandbox: 'Zendesk', error: 'UnsupportedSearch', description: error.message });
}

/** An object with string keys, or undefined: JSON bodies are `unknown` until checked. */
function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const child: unknown = Reflect.get(value, key);
  return typeof child === 'object' && child !== null && !Array.isArray(child)
    ? Object.fromEntries(Object.entries(child))
    : undefined;
}

const stringAt = (value: Record<string, unknown> | undefined, key: string) => {
  const child = value?.[key];
  return typeof child === 'string' ? child : undefined;
};

function isStatus(value: string | undefined): value is ZendeskTicketStatus {
  return STATUS_ORDER.some((status) => status === value);
}

function isPriority(value: string | undefined): value is ZendeskTicketPriority {
  return PRIORITY_ORDER.some((priority) => priority === value);
}

export async function startZendeskSandbox(options: ZendeskSandboxOptions = {}): Promise<ZendeskSandbox> {
  const dataset = options.dataset ?? demoDataset();
  const store = new ZendeskStore(dataset, { asOf: options.asOf, extraTickets: options.extraTickets });
  const agent = store.users.get(store.agentId);
  const email = (options.email ?? agent?.email ?? 'admin@example.com').toLowerCase();
  const apiToken = options.apiToken ?? 'sandbox-zendesk-api-token';
  const expectedAuth = `Basic ${Buffer.from(`${email}/token:${apiToken}`, 'utf8').toString('base64')}`;
  const limit = options.rateLimitPerMinute ?? 700;
  const windowMs = options.rateLimitWindowMs ?? 60_000;
  const faultRetryAfter = options.faultRetryAfterSeconds ?? 10;
  let windowStart = Date.now();
  let used = 0;

  const baseOf = (request: FastifyRequest) => `${request.protocol}://${request.headers.host ?? '127.0.0.1'}`;

  function routes(app: FastifyInstance): void {
    app.addHook('preHandler', async (request, reply) => {
      if (request.is404 === true) return;
      if (request.headers.authorization !== expectedAuth) {
        return reply.code(401).header('www-authenticate', 'Basic realm="Web Password"').send({
          error: "Couldn't authenticate you",
        });
      }
      const now = Date.now();
      if (now - windowStart >= windowMs) {
        windowStart = now;
        used = 0;
      }
      used += 1;
      const resetSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
      const remaining = Math.max(0, limit - used);
      reply.header('x-rate-limit', String(limit));
      reply.header('x-rate-limit-remaining', String(remaining));
      reply.header('ratelimit-limit', String(limit));
      reply.header('ratelimit-remaining', String(remaining));
      reply.header('ratelimit-reset', String(resetSeconds));
      if (used > limit) {
        return reply.code(429).header('retry-after', String(resetSeconds)).send({
          error: 'APIRateLimitExceeded',
          description: 'Number of allowed API requests per minute exceeded',
        });
      }
    });

    app.get('/api/v2/users/me.json', async (request) => ({
      user: agent === undefined ? null : store.renderUser(baseOf(request), agent),
    }));

    app.get('/api/v2/search.json', async (request, reply) => {
      const query = param(request, 'query') ?? '';
      const page = positiveInt(param(request, 'page'), 1);
      const perPageRaw = positiveInt(param(request, 'per_page'), MAX_PER_PAGE);
      if (page === null || perPageRaw === null) {
        return invalidParameter(reply, 'page and per_page must be positive integers');
      }
      const perPage = Math.min(perPageRaw, MAX_PER_PAGE);
      if (page * perPage > MAX_SEARCH_RESULTS) {
        // Zendesk's answer (status and body) to a page past the 1,000-result window.
        return reply.code(422).send({
          error: 'invalid',
          description: 'Invalid search: Requested response size was greater than Search Response Limits',
        });
      }
      let hits: SearchHit[];
      try {
        hits = search(store, query);
        sortHits(hits, param(request, 'sort_by'), param(request, 'sort_order'));
      } catch (error) {
        if (error instanceof UnsupportedSearch) return unsupported(reply, request, error);
        throw error;
      }
      const base = baseOf(request);
      const slice = hits.slice((page - 1) * perPage, page * perPage);
      const link = (target: number) => {
        const next = new URLSearchParams({ page: String(target), per_page: String(perPage), query });
        for (const key of ['sort_by', 'sort_order', 'include']) {
          const value = param(request, key);
          if (value !== undefined) next.set(key, value);
        }
        return `${base}/api/v2/search.json?${next.toString()}`;
      };
      const results = slice.map((hit) => {
        if (hit.ticket) return { ...store.renderTicket(base, hit.ticket), result_type: 'ticket' };
        if (hit.user) return { ...store.renderUser(base, hit.user), result_type: 'user' };
        if (hit.organization) {
          return { ...store.renderOrganization(base, hit.organization), result_type: 'organization' };
        }
        return {};
      });
      const body: Record<string, unknown> = {
        results,
        facets: null,
        // Like Zendesk, next_page keeps pointing on past the 1,000-result window (where it 422s).
        next_page: page * perPage < hits.length ? link(page + 1) : null,
        previous_page: page > 1 ? link(page - 1) : null,
        count: hits.length,
      };
      const include = param(request, 'include') ?? '';
      const tickets = slice.flatMap((hit) => (hit.ticket ? [hit.ticket] : []));
      if (/tickets\([^)]*users/.test(include)) body.users = sideloadUsers(base, tickets);
      if (/tickets\([^)]*organizations/.test(include)) body.organizations = sideloadOrgs(base, tickets);
      return body;
    });

    const sideloadUsers = (base: string, tickets: TicketRecord[]) => {
      const ids = new Set(tickets.flatMap((t) => [t.requesterId, t.submitterId, t.assigneeId ?? 0]));
      return [...ids].flatMap((id) => {
        const user = store.users.get(id);
        return user ? [store.renderUser(base, user)] : [];
      });
    };
    const sideloadOrgs = (base: string, tickets: TicketRecord[]) => {
      const ids = new Set(tickets.flatMap((t) => (t.organizationId === null ? [] : [t.organizationId])));
      return [...ids].flatMap((id) => {
        const org = store.organizations.get(id);
        return org ? [store.renderOrganization(base, org)] : [];
      });
    };

    app.get('/api/v2/users/search.json', async (request, reply) => {
      const query = param(request, 'query') ?? '';
      const base = baseOf(request);
      let hits: SearchHit[];
      try {
        const parsed = parseQuery(query);
        if (parsed.type !== undefined) throw new UnsupportedSearch('type: in a user search');
        hits = search(store, `type:user ${query}`);
      } catch (error) {
        if (error instanceof UnsupportedSearch) return unsupported(reply, request, error);
        throw error;
      }
      const users = hits.flatMap((hit) => (hit.user ? [store.renderUser(base, hit.user)] : [])).slice(0, 100);
      return { users, next_page: null, previous_page: null, count: hits.length };
    });

    app.get('/api/v2/organizations/search.json', async (request, reply) => {
      const externalId = param(request, 'external_id');
      const name = param(request, 'name');
      if (externalId === undefined && name === undefined) {
        return reply
          .code(400)
          .send({ error: 'InvalidEndpoint', description: 'external_id or name is required' });
      }
      const base = baseOf(request);
      const organizations = [...store.organizations.values()]
        .filter((org) =>
          externalId !== undefined
            ? org.externalId === externalId
            : org.name.toLowerCase() === name?.toLowerCase(),
        )
        .map((org) => store.renderOrganization(base, org));
      return { organizations, next_page: null, previous_page: null, count: organizations.length };
    });

    app.get<{ Params: { file: string } }>('/api/v2/organizations/:file', async (request, reply) => {
      const id = recordId(request.params.file);
      const org = id === null ? undefined : store.organizations.get(id);
      if (org === undefined) return notFound(reply);
      return { organization: store.renderOrganization(baseOf(request), org) };
    });

    app.get<{ Params: { file: string } }>('/api/v2/tickets/:file', async (request, reply) => {
      const id = recordId(request.params.file);
      const ticket = id === null ? undefined : store.tickets.get(id);
      if (ticket === undefined) return notFound(reply);
      const base = baseOf(request);
      const include = (param(request, 'include') ?? '').split(',');
      const body: Record<string, unknown> = { ticket: store.renderTicket(base, ticket) };
      if (include.includes('users')) body.users = sideloadUsers(base, [ticket]);
      if (include.includes('organizations')) body.organizations = sideloadOrgs(base, [ticket]);
      return body;
    });

    app.get<{ Params: { id: string } }>('/api/v2/tickets/:id/comments.json', async (request, reply) => {
      const id = recordId(request.params.id);
      const ticket = id === null ? undefined : store.tickets.get(id);
      if (ticket === undefined) return notFound(reply);
      const base = baseOf(request);
      const descending = param(request, 'sort_order') === 'desc';
      const ordered = descending ? [...ticket.comments].reverse() : ticket.comments;
      const withUsers = (param(request, 'include') ?? '').split(',').includes('users');
      const users = (comments: typeof ticket.comments) =>
        [...new Set(comments.map((c) => c.authorId))].flatMap((authorId) => {
          const user = store.users.get(authorId);
          return user ? [store.renderUser(base, user)] : [];
        });
      const self = `${base}/api/v2/tickets/${ticket.id}/comments.json`;

      const sizeText = param(request, 'page[size]');
      if (sizeText !== undefined) {
        const size = positiveInt(sizeText, 100);
        if (size === null || size > 100) {
          return invalidParameter(reply, 'page[size] must be an integer from 1 to 100');
        }
        const after = param(request, 'page[after]');
        let start = 0;
        if (after !== undefined) {
          const afterId = Number(Buffer.from(after, 'base64url').toString('utf8').replace(/^c:/, ''));
          const index = ordered.findIndex((comment) => comment.id === afterId);
          if (!Number.isSafeInteger(afterId) || index < 0) {
            return invalidParameter(reply, 'page[after] is not a valid cursor');
          }
          start = index + 1;
        }
        const page = ordered.slice(start, start + size);
        const hasMore = start + size < ordered.length;
        const cursorOf = (commentId: number | undefined) =>
          commentId === undefined ? null : Buffer.from(`c:${commentId}`, 'utf8').toString('base64url');
        const afterCursor = cursorOf(page.at(-1)?.id);
        const beforeCursor = cursorOf(page[0]?.id);
        const link = (key: string, cursor: string | null) => {
          if (cursor === null) return null;
          const query = new URLSearchParams({ [key]: cursor, 'page[size]': String(size) });
          if (descending) query.set('sort_order', 'desc');
          return `${self}?${query.toString()}`;
        };
        const body: Record<string, unknown> = {
          comments: page.map((comment) => store.renderComment(comment)),
          meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: beforeCursor },
          links: {
            prev: link('page[before]', start > 0 ? beforeCursor : null),
            next: link('page[after]', hasMore ? afterCursor : null),
          },
        };
        if (withUsers) body.users = users(page);
        return body;
      }

      // Offset paging (the legacy default of list endpoints).
      const pageNumber = positiveInt(param(request, 'page'), 1);
      const perPage = positiveInt(param(request, 'per_page'), 100);
      if (pageNumber === null || perPage === null) return invalidParameter(reply, 'page must be an integer');
      const size = Math.min(perPage, 100);
      const page = ordered.slice((pageNumber - 1) * size, pageNumber * size);
      const body: Record<string, unknown> = {
        comments: page.map((comment) => store.renderComment(comment)),
        next_page:
          pageNumber * size < ordered.length ? `${self}?page=${pageNumber + 1}&per_page=${size}` : null,
        previous_page: pageNumber > 1 ? `${self}?page=${pageNumber - 1}&per_page=${size}` : null,
        count: ordered.length,
      };
      if (withUsers) body.users = users(page);
      return body;
    });

    app.post('/api/v2/tickets.json', async (request, reply) => {
      const input = objectAt(request.body, 'ticket');
      if (input === undefined) {
        return reply.code(400).send({ error: 'InvalidEndpoint', description: 'ticket is required' });
      }
      const comment = objectAt(input, 'comment');
      const body = stringAt(comment, 'body')?.trim();
      if (body === undefined || body === '') {
        return invalidRecord(reply, 'description', 'Description: cannot be blank', 'BlankValue');
      }
      const status = stringAt(input, 'status');
      const priority = stringAt(input, 'priority');
      if (status !== undefined && !isStatus(status))
        return invalidRecord(reply, 'status', `Status: is invalid`);
      if (priority !== undefined && !isPriority(priority)) {
        return invalidRecord(reply, 'priority', 'Priority: is invalid');
      }
      const requesterInput = objectAt(input, 'requester');
      const requesterEmail = stringAt(requesterInput, 'email');
      const requesterId = input.requester_id;
      let requester = typeof requesterId === 'number' ? store.users.get(requesterId) : undefined;
      if (requesterEmail !== undefined) {
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(requesterEmail)) {
          return invalidRecord(reply, 'requester', 'Requester: Email is not properly formatted');
        }
        requester =
          store.userByEmail(requesterEmail) ??
          store.createUser({
            name: stringAt(requesterInput, 'name') ?? requesterEmail.split('@')[0] ?? '',
            email: requesterEmail,
          });
      } else if (typeof requesterId === 'number' && requester === undefined) {
        return invalidRecord(reply, 'requester', 'Requester: is invalid');
      }
      requester ??= store.users.get(store.agentId);
      if (requester === undefined) return invalidRecord(reply, 'requester', 'Requester: is invalid');
      const tags = Array.isArray(input.tags) ? input.tags.filter((tag) => typeof tag === 'string') : [];
      const type = stringAt(input, 'type');
      const now = zendeskTime(new Date());
      const ticket: TicketRecord = {
        id: store.newTicketId(),
        subject: stringAt(input, 'subject')?.trim() || body.slice(0, 80),
        description: body,
        status: status ?? 'new',
        priority: priority ?? null,
        type:
          type === 'question' || type === 'incident' || type === 'problem' || type === 'task' ? type : null,
        requesterId: requester.id,
        submitterId: store.agentId,
        assigneeId: null,
        organizationId: requester.organizationId,
        tags: [...new Set(tags.map((tag) => tag.toLowerCase().replace(/\s+/g, '_')))],
        createdAt: now,
        updatedAt: now,
        comments: [],
      };
      const auditId = store.newAuditId();
      // The first comment of a ticket is always public in Zendesk.
      const created = store.agentComment(body, true, auditId, now);
      ticket.comments.push(created);
      store.tickets.set(ticket.id, ticket);
      const base = baseOf(request);
      return reply
        .code(201)
        .header('location', `${base}/api/v2/tickets/${ticket.id}.json`)
        .send({
          ticket: store.renderTicket(base, ticket),
          audit: store.renderAudit(auditId, ticket.id, now, [
            { id: store.newAuditId(), type: 'Comment', ...store.renderComment(created) },
            { id: store.newAuditId(), type: 'Create', field_name: 'status', value: ticket.status },
          ]),
        });
    });

    app.put<{ Params: { file: string } }>('/api/v2/tickets/:file', async (request, reply) => {
      const id = recordId(request.params.file);
      const ticket = id === null ? undefined : store.tickets.get(id);
      if (ticket === undefined) return notFound(reply);
      const input = objectAt(request.body, 'ticket');
      if (input === undefined) {
        return reply.code(400).send({ error: 'InvalidEndpoint', description: 'ticket is required' });
      }
      if (ticket.status === 'closed') {
        return invalidRecord(
          reply,
          'status',
          'Status: closed prevents ticket update',
          'ClosedPreventsUpdate',
        );
      }
      const status = stringAt(input, 'status');
      if (status !== undefined && (!isStatus(status) || status === 'new')) {
        return invalidRecord(reply, 'status', 'Status: is invalid');
      }
      const comment = objectAt(input, 'comment');
      const body = stringAt(comment, 'body')?.trim();
      if (comment !== undefined && (body === undefined || body === '')) {
        return invalidRecord(reply, 'comment', 'Comment: cannot be blank', 'BlankValue');
      }
      const now = zendeskTime(new Date());
      const auditId = store.newAuditId();
      const events: Record<string, unknown>[] = [];
      if (body !== undefined) {
        const added = store.agentComment(body, comment?.public !== false, auditId, now);
        ticket.comments.push(added);
        events.push({ id: store.newAuditId(), type: 'Comment', ...store.renderComment(added) });
      }
      if (status !== undefined && status !== ticket.status) {
        events.push({
          id: store.newAuditId(),
          type: 'Change',
          field_name: 'status',
          value: status,
          previous_value: ticket.status,
        });
        ticket.status = status;
      }
      if (ticket.status === 'new' && body !== undefined) ticket.status = 'open';
      ticket.updatedAt = now;
      const base = baseOf(request);
      return {
        ticket: store.renderTicket(base, ticket),
        audit: store.renderAudit(auditId, ticket.id, now, events),
      };
    });
  }

  const server = await startSandboxServer({
    name: 'Zendesk',
    routes,
    random: options.random,
    serverError: (reply) =>
      reply
        .code(503)
        .send({ error: 'ServiceUnavailable', description: 'Zendesk is temporarily unavailable' }),
    rateLimited: (reply) =>
      reply.code(429).header('retry-after', String(faultRetryAfter)).send({
        error: 'APIRateLimitExceeded',
        description: 'Number of allowed API requests per minute exceeded',
      }),
  });

  return {
    url: server.url,
    server,
    store,
    email,
    apiToken,
    subdomain: dataset.zendesk.subdomain,
    close: () => server.close(),
  };
}
