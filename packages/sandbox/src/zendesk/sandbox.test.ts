import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoDataset, findCustomer } from '../dataset/generate.js';
import { HERO, HERO_EMAILS } from '../dataset/heroes.js';
import { startZendeskSandbox, type ZendeskSandbox } from './sandbox.js';
import { BULK_ORGANIZATION } from './store.js';

/** Emulator-only behaviour; the connector's tests drive the same routes through its fetch client. */

const dataset = demoDataset();

function client(sandbox: ZendeskSandbox) {
  const auth = `Basic ${Buffer.from(`${sandbox.email}/token:${sandbox.apiToken}`).toString('base64')}`;
  return async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${sandbox.url}${path}`, {
      ...init,
      headers: { authorization: auth, 'content-type': 'application/json', ...init.headers },
    });
    const body: unknown = await response.json();
    return { status: response.status, headers: response.headers, body };
  };
}

interface Json {
  [key: string]: unknown;
}

const json = (value: unknown): Json => {
  if (typeof value !== 'object' || value === null) throw new Error('not an object');
  return Object.fromEntries(Object.entries(value));
};
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.map(json) : []);

describe('zendesk sandbox', () => {
  let sandbox: ZendeskSandbox;
  let call: ReturnType<typeof client>;

  beforeAll(async () => {
    sandbox = await startZendeskSandbox({ extraTickets: 1200 });
    call = client(sandbox);
  });
  afterAll(async () => sandbox.close());

  it('refuses anything but email/token:api_token Basic auth with 401 "Couldn\'t authenticate you"', async () => {
    const none = await fetch(`${sandbox.url}/api/v2/tickets/1.json`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: "Couldn't authenticate you" });
    const wrong = await fetch(`${sandbox.url}/api/v2/users/me.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${sandbox.email}/token:nope`).toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    expect((await call('/api/v2/users/me.json')).status).toBe(200);
  });

  it('searches tickets by requester, status range and organization, with sideloaded users', async () => {
    const helix = findCustomer(dataset, HERO.everywhere);
    const orgId = helix.presence.zendesk?.organizationId;
    const query = `type:ticket requester:${HERO_EMAILS.everywhere} status<solved`;
    const { status, body } = await call(
      `/api/v2/search.json?query=${encodeURIComponent(query)}&include=tickets(users)`,
    );
    expect(status).toBe(200);
    const results = list(json(body).results);
    expect(results.length).toBeGreaterThan(0);
    for (const ticket of results) {
      expect(ticket.result_type).toBe('ticket');
      expect(['new', 'open', 'pending', 'hold']).toContain(ticket.status);
      expect(ticket.organization_id).toBe(orgId);
    }
    expect(list(json(body).users).map((user) => user.email)).toContain(HERO_EMAILS.everywhere);
    const byOrg = await call(
      `/api/v2/search.json?query=${encodeURIComponent(`type:ticket organization:"${helix.name}"`)}`,
    );
    const expected = dataset.zendesk.tickets.filter((ticket) => ticket.organizationId === orgId).length;
    expect(json(byOrg.body).count).toBe(expected);
  });

  it('answers 422 for a page past the 1,000-result window, while count and next_page go on', async () => {
    const query = encodeURIComponent(`type:ticket tags:${BULK_ORGANIZATION.tag}`);
    const last = await call(`/api/v2/search.json?query=${query}&page=10&per_page=100`);
    expect(last.status).toBe(200);
    expect(json(last.body).count).toBe(1200);
    expect(String(json(last.body).next_page)).toContain('page=11');
    const beyond = await call(`/api/v2/search.json?query=${query}&page=11&per_page=100`);
    expect(beyond.status).toBe(422);
    expect(beyond.body).toEqual({
      error: 'invalid',
      description: 'Invalid search: Requested response size was greater than Search Response Limits',
    });
    expect((await call(`/api/v2/search.json?query=${query}&page=34&per_page=30`)).status).toBe(422);
  });

  it('pages comments with page[size] cursors, every comment exactly once', async () => {
    const ticket = dataset.zendesk.tickets.find((candidate) => candidate.comments.length >= 2);
    if (ticket === undefined) throw new Error('no ticket with two comments');
    const seen: unknown[] = [];
    let path: string | null = `/api/v2/tickets/${ticket.id}/comments.json?page[size]=1`;
    while (path !== null) {
      const page = json((await call(path)).body);
      seen.push(...list(page.comments).map((comment) => comment.id));
      const next = json(page.links).next;
      expect(json(page.meta).has_more).toBe(next !== null);
      path = typeof next === 'string' ? next.replace(sandbox.url, '') : null;
    }
    expect(seen).toEqual(ticket.comments.map((comment) => comment.id));
  });

  it('creates a ticket (201, Location, audit) and adds private notes with PUT; 404 RecordNotFound', async () => {
    const created = await call('/api/v2/tickets.json', {
      method: 'POST',
      body: JSON.stringify({
        ticket: {
          subject: 'Sandbox smoke',
          comment: { body: 'Hello' },
          requester: { name: 'New Person', email: 'new.person@helix-robotics.com' },
          priority: 'high',
        },
      }),
    });
    expect(created.status).toBe(201);
    const ticket = json(json(created.body).ticket);
    expect(created.headers.get('location')).toBe(`${sandbox.url}/api/v2/tickets/${ticket.id}.json`);
    expect(ticket.organization_id).toBe(
      findCustomer(dataset, HERO.everywhere).presence.zendesk?.organizationId,
    );
    expect(json(json(created.body).audit).ticket_id).toBe(ticket.id);

    const updated = await call(`/api/v2/tickets/${ticket.id}.json`, {
      method: 'PUT',
      body: JSON.stringify({ ticket: { comment: { body: 'Internal', public: false }, status: 'closed' } }),
    });
    expect(updated.status).toBe(200);
    const comments = list(json((await call(`/api/v2/tickets/${ticket.id}/comments.json`)).body).comments);
    expect(comments.map((comment) => [comment.body, comment.public])).toEqual([
      ['Hello', true],
      ['Internal', false],
    ]);
    const closed = await call(`/api/v2/tickets/${ticket.id}.json`, {
      method: 'PUT',
      body: JSON.stringify({ ticket: { comment: { body: 'Again' } } }),
    });
    expect(closed.status).toBe(422);
    expect(json(closed.body).error).toBe('RecordInvalid');

    const missing = await call('/api/v2/tickets/999999999.json');
    expect(missing).toMatchObject({
      status: 404,
      body: { error: 'RecordNotFound', description: 'Not found' },
    });
  });

  it('refuses search syntax it does not emulate, loudly', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const response = await call(`/api/v2/search.json?query=${encodeURIComponent('type:ticket via:email')}`);
      expect(response.status).toBe(400);
      expect(write).toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });

  it('injects Zendesk-shaped faults: 503 server error, 429 with Retry-After', async () => {
    sandbox.server.inject({ pathPrefix: '/api/v2/tickets', errorRate: 1 });
    expect((await call('/api/v2/tickets/1.json')).status).toBe(503);
    sandbox.server.clearFaults();
    sandbox.server.inject({ rateLimit: true });
    const limited = await call('/api/v2/users/me.json');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('10');
    sandbox.server.clearFaults();
  });
});

describe('zendesk sandbox rate limit', () => {
  it('counts requests per window: X-Rate-Limit headers, then 429 with Retry-After until it resets', async () => {
    const sandbox = await startZendeskSandbox({ rateLimitPerMinute: 3, rateLimitWindowMs: 1000 });
    try {
      const call = client(sandbox);
      const first = await call('/api/v2/users/me.json');
      expect(first.headers.get('x-rate-limit')).toBe('3');
      expect(first.headers.get('x-rate-limit-remaining')).toBe('2');
      await call('/api/v2/users/me.json');
      await call('/api/v2/users/me.json');
      const limited = await call('/api/v2/users/me.json');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('1');
      expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
      await new Promise((resolve) => setTimeout(resolve, 1050));
      expect((await call('/api/v2/users/me.json')).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });
});
