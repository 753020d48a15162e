import { allPages, callTool, must, sharedFixture, toolError } from '@switchboard/kit/testing';
import { demoDataset, findCustomer, HERO, HERO_EMAILS } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addCommentTool,
  createTicketTool,
  findUserTool,
  getTicketTool,
  searchTicketsTool,
  ticketResource,
} from '../src/index.js';
import { startHarness } from './helpers.js';

/** Every tool through fetch against the sandbox; expected values come from the dataset. */

const dataset = demoDataset();
const zd = dataset.zendesk;
const helix = findCustomer(dataset, HERO.everywhere);
const helixOrgId = must(helix.presence.zendesk?.organizationId, 'helix organization');
const helixOrg = must(
  zd.organizations.find((org) => org.id === helixOrgId),
  'helix organization record',
);
const maya = must(
  zd.users.find((user) => user.email === HERO_EMAILS.everywhere),
  'maya',
);
const UNSOLVED = new Set(['new', 'open', 'pending', 'hold']);

describe('zendesk tools against the sandbox', () => {
  const h = sharedFixture(beforeAll, afterAll, () => startHarness());

  it('search_tickets by requester email returns exactly their tickets, with requester and link', async () => {
    const out = await callTool(
      searchTicketsTool,
      { requesterEmail: HERO_EMAILS.everywhere.toUpperCase() },
      h().ctx,
    );
    const expected = zd.tickets.filter((ticket) => ticket.requesterId === maya.id).map((ticket) => ticket.id);
    expect(out.tickets.map((ticket) => ticket.id).sort()).toEqual(expected.sort());
    expect(out).toMatchObject({ total: expected.length, truncated: false });
    const urgent = must(
      out.tickets.find((ticket) => ticket.priority === 'urgent'),
      'urgent ticket',
    );
    expect(urgent).toMatchObject({
      subject: expect.stringContaining('Production line down'),
      status: 'open',
      requesterEmail: HERO_EMAILS.everywhere,
      accountId: String(helixOrgId),
      organizationName: helixOrg.name,
      source: { system: 'zendesk', instance: 'zendesk', id: String(urgent.id) },
    });
    expect(urgent.source.url).toBe(`${h().sandbox.url}/agent/tickets/${urgent.id}`);
    const [request] = h().sandbox.server.requestsTo('/api/v2/search.json').slice(-1);
    expect(new URLSearchParams(request?.query).get('query')).toBe(
      `type:ticket requester:${HERO_EMAILS.everywhere}`,
    );
  });

  it('search_tickets pages with an opaque cursor: every match exactly once, in update order', async () => {
    const expected = zd.tickets.filter((ticket) => UNSOLVED.has(ticket.status)).map((ticket) => ticket.id);
    expect(expected.length).toBeGreaterThan(7);
    const pages = await allPages((cursor) =>
      callTool(searchTicketsTool, { status: 'unsolved', limit: 3, cursor }, h().ctx),
    );
    for (const page of pages) expect(page.total).toBe(expected.length);
    const tickets = pages.flatMap((page) => page.tickets);
    const seen = tickets.map((ticket) => ticket.id);
    const updated = tickets.map((ticket) => ticket.updatedAt ?? '');
    expect(seen.sort()).toEqual([...expected].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(updated).toEqual([...updated].sort().reverse());
    expect(pages).toHaveLength(Math.ceil(expected.length / 3));
  });

  it('search_tickets combines organization, status and priority, and refuses a cursor of other criteria', async () => {
    const out = await callTool(
      searchTicketsTool,
      { organization: helixOrg.name, status: 'unsolved', priority: 'urgent' },
      h().ctx,
    );
    const expected = zd.tickets.filter(
      (t) => t.organizationId === helixOrgId && UNSOLVED.has(t.status) && t.priority === 'urgent',
    );
    expect(out.tickets.map((ticket) => ticket.id)).toEqual(expected.map((ticket) => ticket.id));
    const first = await callTool(searchTicketsTool, { status: 'unsolved', limit: 1 }, h().ctx);
    const error = await toolError(
      callTool(
        searchTicketsTool,
        { status: 'solved', limit: 1, cursor: must(first.nextCursor, 'cursor') },
        h().ctx,
      ),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/different search criteria/);
  });

  it('search_tickets text is searched as words, never as query syntax', async () => {
    const out = await callTool(searchTicketsTool, { text: 'servo E17' }, h().ctx);
    const expected = zd.tickets.filter((t) =>
      ['servo', 'e17'].every((word) => `${t.subject}\n${t.description}`.toLowerCase().includes(word)),
    );
    expect(out.tickets.map((t) => t.id).sort()).toEqual(expected.map((t) => t.id).sort());
    expect(expected.length).toBeGreaterThan(0);

    const injected = await callTool(searchTicketsTool, { text: 'status:closed type:user' }, h().ctx);
    expect(injected.tickets).toEqual([]);
    const [request] = h().sandbox.server.requestsTo('/api/v2/search.json').slice(-1);
    expect(new URLSearchParams(request?.query).get('query')).toBe('type:ticket "status:closed" "type:user"');
  });

  it('get_ticket returns the ticket, requester, organization and comments, paged by commentsCursor', async () => {
    const ticket = must(
      zd.tickets.find((t) => t.requesterId === maya.id && t.priority === 'urgent'),
      'urgent ticket',
    );
    const out = await callTool(getTicketTool, { id: ticket.id }, h().ctx);
    expect(out.ticket).toMatchObject({ id: ticket.id, subject: ticket.subject, status: ticket.status });
    expect(out.description).toBe(ticket.description);
    expect(out.requester).toMatchObject({ id: maya.id, email: HERO_EMAILS.everywhere });
    expect(out.organization).toEqual({
      id: helixOrgId,
      name: helixOrg.name,
      domains: helixOrg.domainNames,
      externalId: helixOrg.externalId,
    });
    expect(out.comments.map((c) => [c.id, c.body, c.public])).toEqual(
      ticket.comments.map((c) => [c.id, c.body, c.public]),
    );
    expect(out.comments[0]?.author?.email).toBe(HERO_EMAILS.everywhere);
    expect(out.nextCommentsCursor).toBeUndefined();

    const seen: number[] = [];
    let commentsCursor: string | undefined;
    do {
      const page = await callTool(getTicketTool, { id: ticket.id, commentLimit: 1, commentsCursor }, h().ctx);
      expect(page.comments.length).toBeLessThanOrEqual(1);
      seen.push(...page.comments.map((comment) => comment.id));
      commentsCursor = page.nextCommentsCursor;
    } while (commentsCursor !== undefined);
    expect(seen).toEqual(ticket.comments.map((comment) => comment.id));

    const other = must(
      zd.tickets.find((t) => t.id !== ticket.id && t.comments.length > 1),
      'other ticket',
    );
    const page = await callTool(getTicketTool, { id: other.id, commentLimit: 1 }, h().ctx);
    const error = await toolError(
      callTool(
        getTicketTool,
        { id: ticket.id, commentsCursor: must(page.nextCommentsCursor, 'comments cursor') },
        h().ctx,
      ),
    );
    expect(error.code).toBe('invalid_input');
  });

  it('get_ticket and add_comment on an unknown id answer not_found naming the id and search_tickets', async () => {
    for (const promise of [
      callTool(getTicketTool, { id: 987654321 }, h().ctx),
      callTool(addCommentTool, { ticketId: 987654321, body: 'Hello', visibility: 'internal' }, h().ctx),
    ]) {
      const error = await toolError(promise);
      expect(error.code).toBe('not_found');
      expect(error.message).toContain('987654321');
      expect(error.message).toContain('zendesk__search_tickets');
    }
  });

  it('find_user finds a person by email with their organization; an unknown email is not_found', async () => {
    const out = await callTool(findUserTool, { email: HERO_EMAILS.everywhere }, h().ctx);
    expect(out.user).toMatchObject({
      id: maya.id,
      email: HERO_EMAILS.everywhere,
      role: 'end-user',
      organizationId: helixOrgId,
      organizationName: helixOrg.name,
    });
    const error = await toolError(callTool(findUserTool, { email: 'nobody@nowhere.example' }, h().ctx));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('nobody@nowhere.example');
    expect(error.message).toContain('zendesk__search_tickets');
  });

  it('create_ticket opens a ticket that the next search and get_ticket find', async () => {
    const created = await callTool(
      createTicketTool,
      {
        subject: 'Replacement drives for line 5',
        body: 'Please quote three SM-400 drives for line 5.',
        requesterEmail: 'ops.lead@helix-robotics.com',
        requesterName: 'Ops Lead',
        priority: 'high',
        tags: ['quote'],
      },
      h().ctx,
    );
    expect(created.ticket).toMatchObject({
      subject: 'Replacement drives for line 5',
      status: 'new',
      priority: 'high',
      requesterEmail: 'ops.lead@helix-robotics.com',
      // Zendesk maps the new requester to the organization owning their email domain.
      accountId: String(helixOrgId),
      tags: ['quote'],
    });
    const posted = h().sandbox.server.requestsTo('/api/v2/tickets.json', 'POST').at(-1);
    expect(posted).toMatchObject({ status: 201 });

    const found = await callTool(
      searchTicketsTool,
      { requesterEmail: 'ops.lead@helix-robotics.com' },
      h().ctx,
    );
    expect(found.tickets.map((ticket) => ticket.id)).toEqual([created.ticket.id]);
    const byOrg = await callTool(
      searchTicketsTool,
      { organization: String(helixOrgId), status: 'new' },
      h().ctx,
    );
    expect(byOrg.tickets.map((ticket) => ticket.id)).toContain(created.ticket.id);
    const detail = await callTool(getTicketTool, { id: created.ticket.id }, h().ctx);
    expect(detail.comments.map((c) => [c.body, c.public])).toEqual([
      ['Please quote three SM-400 drives for line 5.', true],
    ]);
  });

  it('add_comment adds an internal note and a public reply with a status change, listed on the next read', async () => {
    const ticket = must(
      zd.tickets.find((t) => t.requesterId === maya.id && t.priority === 'urgent'),
      'urgent ticket',
    );
    const note = await callTool(
      addCommentTool,
      { ticketId: ticket.id, body: 'Drives shipped by courier, ETA 08:00.', visibility: 'internal' },
      h().ctx,
    );
    expect(note.comment).toMatchObject({ body: 'Drives shipped by courier, ETA 08:00.', public: false });
    const reply = await callTool(
      addCommentTool,
      {
        ticketId: ticket.id,
        body: 'Our technician arrives tomorrow at 8:00.',
        visibility: 'public',
        status: 'pending',
      },
      h().ctx,
    );
    expect(reply.ticket.status).toBe('pending');
    expect(h().sandbox.server.requestsTo(`/api/v2/tickets/${ticket.id}.json`, 'PUT').at(-1)?.body).toEqual({
      ticket: {
        comment: { body: 'Our technician arrives tomorrow at 8:00.', public: true },
        status: 'pending',
      },
    });

    const detail = await callTool(getTicketTool, { id: ticket.id }, h().ctx);
    expect(detail.ticket.status).toBe('pending');
    expect(detail.comments.slice(-2).map((c) => [c.body, c.public])).toEqual([
      ['Drives shipped by courier, ETA 08:00.', false],
      ['Our technician arrives tomorrow at 8:00.', true],
    ]);
    const pending = await callTool(
      searchTicketsTool,
      { requesterEmail: HERO_EMAILS.everywhere, status: 'pending' },
      h().ctx,
    );
    expect(pending.tickets.map((t) => t.id)).toContain(ticket.id);
  });

  it('add_comment on a closed ticket is a conflict pointing to create_ticket', async () => {
    const closed = must(
      zd.tickets.find((t) => t.status === 'closed'),
      'closed ticket',
    );
    const error = await toolError(
      callTool(addCommentTool, { ticketId: closed.id, body: 'Any news?', visibility: 'public' }, h().ctx),
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('zendesk__create_ticket');
    expect(error.message).not.toMatch(/RecordInvalid|ClosedPreventsUpdate/);
  });

  it('serves the tickets/{id} resource with the same data as get_ticket', async () => {
    const ticket = must(zd.tickets[0], 'a ticket');
    const params = ticketResource.params.parse({ id: String(ticket.id) });
    const { json } = await ticketResource.read(params, h().ctx);
    const viaTool = await callTool(getTicketTool, { id: ticket.id }, h().ctx);
    expect(JSON.parse(JSON.stringify(json))).toEqual(JSON.parse(JSON.stringify(viaTool)));
  });

  it('answers not_found, without asking Zendesk, for a resource id past the largest exact integer', async () => {
    h().sandbox.server.clearLog();
    const params = ticketResource.params.parse({ id: '9999999999999999' });
    const error = await toolError(ticketResource.read(params, h().ctx));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('zendesk__search_tickets');
    expect(h().sandbox.server.requests).toEqual([]);
  });
});
