import type { InstanceInfo, UpstreamRule } from '@switchboard/kit';
import {
  ANNOTATIONS,
  categoryScopes,
  emailInput,
  pagedInput,
  pagedOutput,
  TicketPriority,
  ToolError,
  textInput,
} from '@switchboard/kit';
import { z } from 'zod';
import { zendeskFetch } from './client.js';
import { zendesk } from './connector.js';
import {
  loadTicket,
  person,
  SEARCH_WINDOW,
  searchTickets,
  ticketNotFound,
  toComment,
  toTicketSummary,
  truncationNote,
} from './operations.js';
import { decodeCommentsCursor, encodeCommentsCursor, searchCursor } from './paging.js';
import {
  Comment,
  TicketDetail,
  TicketSummary,
  UserMatch,
  ZComment,
  ZOrganizationShow,
  ZTicketWrite,
  type ZUser,
  ZUserList,
} from './schemas.js';

const SCOPES = categoryScopes('support');
/** Hard cap on every page (Zendesk's own maximum). */
export const MAX_PAGE = 100;

const ticketId = (description: string) =>
  z.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe(description);
const ticketTag = (id: number | string) => `zendesk:ticket:${id}`;

// ---------------------------------------------------------------------------------------------

export const searchTicketsTool = zendesk.tool({
  name: 'search_tickets',
  title: 'Search Zendesk tickets',
  description:
    'Search Zendesk support tickets by requester email, organization (name or id), status, priority, tag ' +
    'and words in the subject or description; criteria combine with AND. Most recently updated first, ' +
    'paged with cursor. Zendesk only pages through the first 1,000 matches of a search: when more match, ' +
    'truncated is true and note says how to narrow it. Use {tool:get_ticket} for the conversation of one ' +
    'ticket and {tool:find_user} to look a person up; to open a ticket use {tool:create_ticket}.',
  input: pagedInput(20, MAX_PAGE, {
    requesterEmail: emailInput.optional().describe('Only tickets requested by this exact email address.'),
    organization: textInput(1, 200)
      .optional()
      .describe('Only tickets of this organization: its exact Zendesk name or its numeric id.'),
    status: z
      .enum(['new', 'open', 'pending', 'hold', 'solved', 'closed', 'unsolved'])
      .optional()
      .describe(
        'Only tickets in this status; "unsolved" means new, open, pending or on hold. Omit for every status.',
      ),
    priority: TicketPriority.optional().describe(
      'Only tickets of this priority (low, normal, high, urgent).',
    ),
    tag: textInput(1, 80).optional().describe('Only tickets carrying this tag, e.g. "billing".'),
    text: textInput(2, 200)
      .optional()
      .describe('Words that must all appear in the subject or description, e.g. "servo drive".'),
  }),
  output: pagedOutput({
    tickets: z.array(TicketSummary).describe('Matching tickets, most recently updated first.'),
    total: z.number().int().describe('How many tickets match in all, as Zendesk counts them.'),
    truncated: z
      .boolean()
      .describe(
        `True when more than ${SEARCH_WINDOW} tickets match: only the first ${SEARCH_WINDOW} can be paged.`,
      ),
    note: z.string().optional().describe('Present when truncated: how to narrow the search.'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 60,
    scope: 'shared',
    tags: (_input, output) => ['zendesk:tickets', ...output.tickets.map((ticket) => ticketTag(ticket.id))],
  },
  timeoutMs: 20_000,
  async handler(input, ctx) {
    const criteria = {
      requesterEmail: input.requesterEmail,
      organization: input.organization,
      status: input.status,
      priority: input.priority,
      tag: input.tag,
      text: input.text,
    };
    const offset = searchCursor.decode(input.cursor, criteria) ?? 0;
    const page = await searchTickets(ctx, criteria, offset, input.limit);
    return {
      tickets: page.tickets,
      total: page.total,
      truncated: page.truncated,
      note: page.truncated ? truncationNote(page.total) : undefined,
      nextCursor: searchCursor.encode(criteria, page.nextOffset),
    };
  },
});

// ---------------------------------------------------------------------------------------------

export const getTicketTool = zendesk.tool({
  name: 'get_ticket',
  title: 'Get a Zendesk ticket',
  description:
    'One Zendesk ticket by id with its requester, organization and comments (public replies and internal ' +
    'notes, oldest first, paged with commentsCursor). Find the id with {tool:search_tickets} first. To reply ' +
    'or add an internal note use {tool:add_comment}.',
  input: z.object({
    id: ticketId('Zendesk ticket id (the id returned by {tool:search_tickets}).'),
    commentLimit: z
      .number()
      .int()
      .min(1)
      .max(MAX_PAGE)
      .default(20)
      .describe(`How many comments to return (1-${MAX_PAGE}, default 20).`),
    commentsCursor: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .describe('The nextCommentsCursor of the previous call for this ticket; omit for the first comments.'),
  }),
  output: TicketDetail,
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: { ttlSeconds: 60, scope: 'shared', tags: (input) => [ticketTag(input.id)], negativeTtlSeconds: 30 },
  timeoutMs: 15_000,
  async handler(input, ctx) {
    const after = decodeCommentsCursor(input.commentsCursor, input.id);
    const { detail, afterCursor } = await loadTicket(ctx, input.id, {
      limit: input.commentLimit,
      after,
    });
    return {
      ...detail,
      nextCommentsCursor: afterCursor === undefined ? undefined : encodeCommentsCursor(input.id, afterCursor),
    };
  },
});

// ---------------------------------------------------------------------------------------------

export const findUserTool = zendesk.tool({
  name: 'find_user',
  title: 'Find a Zendesk user',
  description:
    'Look a person up in Zendesk by exact email: their user id, role (end-user, agent, admin) and ' +
    'organization. Use {tool:search_tickets} with requesterEmail for their tickets.',
  input: z.object({
    email: emailInput.describe('Exact email address of the person.'),
  }),
  output: z.object({ user: UserMatch.describe('The Zendesk user with this email.') }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 300,
    scope: 'shared',
    tags: (input) => [`zendesk:user:${input.email}`],
    negativeTtlSeconds: 30,
  },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const { users } = await zendeskFetch(ctx.upstream, ctx.client, {
      name: 'users.search',
      path: '/users/search.json',
      query: { query: `email:${input.email}` },
      schema: ZUserList,
    });
    const user = users.find((candidate) => candidate.email?.toLowerCase() === input.email);
    if (user === undefined) {
      throw new ToolError(
        'not_found',
        `No Zendesk user with email ${input.email}. Check the address, or use ` +
          `${ctx.instance.toolName('search_tickets')} with text or organization to find their tickets.`,
      );
    }
    let organizationName: string | undefined;
    if (user.organization_id != null) {
      // The organization may have been deleted since: the user is still worth returning.
      const found = await zendeskFetch(ctx.upstream, ctx.client, {
        name: 'organizations.show',
        path: `/organizations/${user.organization_id}.json`,
        schema: ZOrganizationShow,
      }).catch((error: unknown) => {
        if (error instanceof ToolError && error.code === 'not_found') return undefined;
        throw error;
      });
      organizationName = found?.organization.name;
    }
    return {
      user: {
        ...person(user),
        id: user.id,
        organizationId: user.organization_id ?? undefined,
        organizationName,
        phone: user.phone ?? undefined,
        createdAt: user.created_at ?? undefined,
      },
    };
  },
});

// ---------------------------------------------------------------------------------------------

/** The comment an audit recorded, if it recorded one. */
function auditComment(events: ReadonlyArray<Record<string, unknown>>) {
  for (const event of events) {
    if (event.type !== 'Comment') continue;
    const parsed = ZComment.safeParse(event);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

/** How Zendesk refuses a ticket write: 422, with `ClosedPreventsUpdate` among the details for a closed ticket. */
function refusedWrite(instance: InstanceInfo, what: string): UpstreamRule[] {
  return [
    {
      status: 422,
      code: 'ClosedPreventsUpdate',
      means: 'conflict',
      message:
        `${what} is closed, and Zendesk does not change closed tickets. Open a follow-up with ` +
        `${instance.toolName('create_ticket')} instead.`,
    },
    {
      status: 422,
      means: 'invalid_input',
      message: `Zendesk refused ${what.toLowerCase()} as invalid. Check the email, subject, body and status, then retry.`,
    },
  ];
}

export const createTicketTool = zendesk.tool({
  name: 'create_ticket',
  title: 'Create a Zendesk ticket',
  description:
    'Open a new Zendesk ticket on behalf of a requester (created if Zendesk does not know the email; Zendesk ' +
    'puts them in the organization mapped to their email domain). The body becomes the first, public comment. ' +
    'Not idempotent: calling twice opens two tickets, so check with {tool:search_tickets} first. To add to an ' +
    'existing ticket use {tool:add_comment}.',
  input: z.object({
    subject: textInput(1, 150).describe('Ticket subject, one line.'),
    body: textInput(1, 10_000).describe('The request, as the first public comment (plain text).'),
    requesterEmail: emailInput.describe('Email of the person the ticket is for.'),
    requesterName: textInput(1, 120)
      .optional()
      .describe('Their name, used only if Zendesk does not know the email yet.'),
    priority: TicketPriority.optional().describe('low, normal, high or urgent; omit to leave it unset.'),
    type: z
      .enum(['question', 'incident', 'problem', 'task'])
      .optional()
      .describe('Ticket type; omit to leave it unset.'),
    tags: z
      .array(
        z
          .string()
          .trim()
          .regex(/^[\p{L}\p{N}_\-:/.]{1,80}$/u, 'Tags are single words: letters, digits, _ - : / .')
          .describe('A tag.'),
      )
      .max(10)
      .optional()
      .describe('Up to 10 tags, e.g. ["billing"].'),
  }),
  output: z.object({ ticket: TicketSummary.describe('The ticket created.') }),
  scopes: SCOPES.write,
  annotations: ANNOTATIONS.create,
  invalidates: (input, output) => [
    'zendesk:tickets',
    ticketTag(output.ticket.id),
    `zendesk:user:${input.requesterEmail}`,
  ],
  timeoutMs: 15_000,
  async handler(input, ctx) {
    const created = await zendeskFetch(ctx.upstream, ctx.client, {
      name: 'tickets.create',
      method: 'POST',
      path: '/tickets.json',
      json: {
        ticket: {
          subject: input.subject,
          comment: { body: input.body, public: true },
          requester:
            input.requesterName === undefined
              ? { email: input.requesterEmail }
              : { email: input.requesterEmail, name: input.requesterName },
          priority: input.priority,
          type: input.type,
          tags: input.tags,
        },
      },
      schema: ZTicketWrite,
      rules: refusedWrite(ctx.instance, 'The new ticket'),
    });
    // The answer names the requester by id only; we know their email, since we sent it.
    const requesterId = created.ticket.requester_id;
    const users = new Map<number, ZUser>();
    if (requesterId != null) users.set(requesterId, { id: requesterId, email: input.requesterEmail });
    return { ticket: toTicketSummary(ctx, created.ticket, users) };
  },
});

// ---------------------------------------------------------------------------------------------

export const addCommentTool = zendesk.tool({
  name: 'add_comment',
  title: 'Comment on a Zendesk ticket',
  description:
    'Add a comment to an existing Zendesk ticket: a public reply the requester receives by email, or an ' +
    'internal note only agents see (visibility is required; choose internal unless the customer should ' +
    'read it). Optionally set the status at the same time (e.g. pending when waiting for the customer). ' +
    'Not idempotent: calling twice adds two comments. Find the ticket with {tool:search_tickets}; read the ' +
    'conversation first with {tool:get_ticket}; closed tickets cannot change, open a follow-up with ' +
    '{tool:create_ticket}.',
  input: z.object({
    ticketId: ticketId('Zendesk ticket id (from {tool:search_tickets}).'),
    body: textInput(1, 10_000).describe('The comment text (plain text).'),
    visibility: z
      .enum(['public', 'internal'])
      .describe('public: a reply the requester sees and is emailed; internal: a note only agents see.'),
    status: z
      .enum(['open', 'pending', 'hold', 'solved'])
      .optional()
      .describe('New status to set with the comment; omit to keep the current one.'),
  }),
  output: z.object({
    ticket: TicketSummary.describe('The ticket after the update.'),
    comment: Comment.optional().describe('The comment added, as Zendesk recorded it.'),
  }),
  scopes: SCOPES.write,
  annotations: ANNOTATIONS.create,
  invalidates: (input) => ['zendesk:tickets', ticketTag(input.ticketId)],
  timeoutMs: 15_000,
  async handler(input, ctx) {
    const updated = await zendeskFetch(ctx.upstream, ctx.client, {
      name: 'tickets.update',
      method: 'PUT',
      path: `/tickets/${input.ticketId}.json`,
      json: {
        ticket: {
          comment: { body: input.body, public: input.visibility === 'public' },
          status: input.status,
        },
      },
      schema: ZTicketWrite,
      notFound: ticketNotFound(ctx, input.ticketId),
      rules: refusedWrite(ctx.instance, `Ticket ${input.ticketId}`),
    });
    const recorded = auditComment(updated.audit.events);
    return {
      ticket: toTicketSummary(ctx, updated.ticket, new Map()),
      comment: recorded === undefined ? undefined : toComment(recorded, new Map()),
    };
  },
});
