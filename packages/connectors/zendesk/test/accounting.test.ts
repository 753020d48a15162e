import { createServer } from 'node:net';
import { classifyFailure, ToolError, type UpstreamHooks, upstreamProfileOf } from '@switchboard/kit';
import {
  callTool,
  closeAfterEach,
  countingHooks,
  must,
  sharedFixture,
  testContext,
  testUpstream,
  toolError,
} from '@switchboard/kit/testing';
import { demoDataset, HERO_EMAILS } from '@switchboard/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  addCommentTool,
  createTicketTool,
  findUserTool,
  getTicketTool,
  searchTicketsTool,
  ticketResource,
  ZendeskConfig,
  zendesk,
  zendeskConnector,
} from '../src/index.js';
import { connectTo, type Harness, instance, startHarness } from './helpers.js';

/**
 * Every Zendesk request goes through the call's upstream: one quota token and one recorded request
 * per request the emulator receives, and Zendesk's failures mean what the profile declares.
 */

const zd = demoDataset().zendesk;
const urgent = must(
  zd.tickets.find((ticket) => ticket.priority === 'urgent' && ticket.status === 'open'),
  'urgent ticket',
);

const track = closeAfterEach(afterEach);

/**
 * A context of `h` whose upstream waits without taking time: it records the waits asked for and runs
 * `onWait` (e.g. lifts a fault), counting through `hooks` when given.
 */
function fakeWaitContext(h: Harness, options: { hooks?: UpstreamHooks; onWait?: () => void } = {}) {
  const waits: number[] = [];
  const upstream = testUpstream(upstreamProfileOf(zendesk.spec, h.config), {
    ...(options.hooks ? { hooks: options.hooks } : {}),
    wait: async (ms) => {
      waits.push(ms);
      options.onWait?.();
    },
  });
  return { waits, context: testContext(h.client, h.config, { instance, upstream }) };
}

describe('request accounting', () => {
  const h = sharedFixture(beforeAll, afterAll, () => startHarness());

  it('get_ticket takes one quota token per request the emulator receives (2: the ticket and its comments)', async () => {
    const hooks = countingHooks();
    h().sandbox.server.clearLog();
    await callTool(getTicketTool, { id: urgent.id }, h().context({ hooks }));
    expect(hooks.acquired).toHaveLength(2);
    expect(hooks.requests).toHaveLength(2);
    expect(h().sandbox.server.requests).toHaveLength(2);
    expect([...hooks.acquired].sort()).toEqual(['tickets.comments', 'tickets.show']);
    expect(hooks.requests.every((request) => request.outcome === 'ok')).toBe(true);
    expect(
      h()
        .sandbox.server.requests.map((request) => request.path)
        .sort(),
    ).toEqual([`/api/v2/tickets/${urgent.id}.json`, `/api/v2/tickets/${urgent.id}/comments.json`]);
  });

  it('counts every tool and the resource the same way, names each request after what it does', async () => {
    const calls: Array<[string, (ctx: ReturnType<Harness['context']>) => Promise<unknown>]> = [
      ['search.tickets', (ctx) => callTool(searchTicketsTool, { status: 'unsolved', limit: 30 }, ctx)],
      [
        'organizations.show users.search',
        (ctx) => callTool(findUserTool, { email: HERO_EMAILS.everywhere }, ctx),
      ],
      [
        'tickets.create',
        (ctx) =>
          callTool(
            createTicketTool,
            { subject: 'Counted', body: 'One request.', requesterEmail: HERO_EMAILS.everywhere },
            ctx,
          ),
      ],
      [
        'tickets.update',
        (ctx) =>
          callTool(addCommentTool, { ticketId: urgent.id, body: 'Noted.', visibility: 'internal' }, ctx),
      ],
      [
        'tickets.comments tickets.show',
        (ctx) => ticketResource.read(ticketResource.params.parse({ id: String(urgent.id) }), ctx),
      ],
    ];
    for (const [names, run] of calls) {
      const hooks = countingHooks();
      h().sandbox.server.clearLog();
      await run(h().context({ hooks }));
      expect([...hooks.acquired].sort().join(' '), names).toBe(names);
      expect(hooks.requests, names).toHaveLength(hooks.acquired.length);
      expect(h().sandbox.server.requests, names).toHaveLength(hooks.acquired.length);
    }
  });

  it('sends nothing when the quota refuses', async () => {
    const hooks = countingHooks();
    hooks.refuse = new ToolError('rate_limited', 'Zendesk is at its request quota.', { retryAfterMs: 500 });
    h().sandbox.server.clearLog();
    const error = await toolError(callTool(getTicketTool, { id: urgent.id }, h().context({ hooks })));
    expect(error.message).toBe('Zendesk is at its request quota.');
    expect(h().sandbox.server.requests).toEqual([]);
    expect(hooks.requests).toEqual([]);
  });
});

describe('rate limits (429 with Retry-After)', () => {
  it('waits out a Retry-After within maxRetryWaitMs once, taking a token for the retry too', async () => {
    const h = track(await startHarness({ faultRetryAfterSeconds: 1 }));
    h.sandbox.server.inject({ pathPrefix: '/api/v2/search.json', rateLimit: true });
    const hooks = countingHooks();
    const { waits, context } = fakeWaitContext(h, { hooks, onWait: () => h.sandbox.server.clearFaults() });
    const out = await callTool(searchTicketsTool, { status: 'open', limit: 1 }, context);
    expect(out.tickets).toHaveLength(1);
    expect(waits).toEqual([1000]);
    expect(hooks.requests).toEqual([
      { name: 'search.tickets', outcome: 'rate_limited' },
      { name: 'search.tickets', outcome: 'ok' },
    ]);
    expect(hooks.acquired).toHaveLength(2);
    expect(h.sandbox.server.requestsTo('/api/v2/search.json').map((request) => request.status)).toEqual([
      429, 200,
    ]);
  });

  it('answers rate_limited with retryAfterMs at once when Retry-After is longer than maxRetryWaitMs', async () => {
    const h = track(await startHarness({ faultRetryAfterSeconds: 30 }));
    h.sandbox.server.inject({ pathPrefix: '/api/v2/users', rateLimit: true });
    const { waits, context } = fakeWaitContext(h);
    const error = await toolError(callTool(findUserTool, { email: HERO_EMAILS.everywhere }, context));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 30_000 });
    expect(error.message).toMatch(/^Zendesk is rate limiting this connector/);
    expect(waits).toEqual([]);
    expect(h.sandbox.server.requestsTo('/api/v2/users')).toHaveLength(1);
  });

  it('never waits with maxRetryWaitMs 0', async () => {
    const h = track(await startHarness({ faultRetryAfterSeconds: 1 }, { maxRetryWaitMs: 0 }));
    h.sandbox.server.inject({ pathPrefix: '/api/v2/search.json', rateLimit: true });
    const { waits, context } = fakeWaitContext(h);
    const error = await toolError(callTool(searchTicketsTool, { status: 'open' }, context));
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 1000 });
    expect(waits).toEqual([]);
    expect(h.sandbox.server.requestsTo('/api/v2/search.json')).toHaveLength(1);
  });

  it("answers the emulator's own per-minute counter the same way", async () => {
    const h = track(await startHarness({ rateLimitPerMinute: 1 }));
    await callTool(searchTicketsTool, { status: 'open', limit: 1 }, h.ctx);
    const error = await toolError(callTool(searchTicketsTool, { status: 'open', limit: 1 }, h.ctx));
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(2000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(h.sandbox.server.requestsTo('/api/v2/search.json').map((request) => request.status)).toEqual([
      200, 429,
    ]);
  });

  it('takes a 429 without Retry-After as a full minute', () => {
    const profile = upstreamProfileOf(
      zendesk.spec,
      ZendeskConfig.parse({ subdomain: 'acme', email: 'a@acme.com', apiToken: 't' }),
    );
    const { error, retryInMs } = classifyFailure({ status: 429, codes: [] }, profile);
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 60_000 });
    expect(retryInMs).toBe(60_000);
  });
});

describe('failures', () => {
  const h = sharedFixture(beforeAll, afterAll, () => startHarness({}, { timeoutMs: 300 }));

  it('maps a hung Zendesk to timeout at the configured per-request timeout', async () => {
    h().sandbox.server.inject({ pathPrefix: '/api/v2/search.json', hang: true });
    try {
      const hooks = countingHooks();
      const error = await toolError(callTool(searchTicketsTool, { status: 'open' }, h().context({ hooks })));
      expect(error).toMatchObject({ code: 'timeout', retryable: true });
      expect(error.message).toContain('Zendesk did not answer in time (limit 300 ms per request)');
      expect(hooks.requests).toEqual([{ name: 'search.tickets', outcome: 'timeout' }]);
    } finally {
      h().sandbox.server.clearFaults();
    }
  });

  it('maps an aborted call (the gateway deadline) to timeout without calling Zendesk', async () => {
    const controller = new AbortController();
    controller.abort();
    const hooks = countingHooks();
    h().sandbox.server.clearLog();
    const error = await toolError(
      callTool(getTicketTool, { id: 1 }, h().context({ hooks, signal: controller.signal })),
    );
    expect(error.code).toBe('timeout');
    expect(hooks.acquired).toEqual([]);
    expect(h().sandbox.server.requests).toEqual([]);
  });

  it('maps 5xx to upstream_unavailable without the vendor body', async () => {
    h().sandbox.server.inject({ pathPrefix: '/api/v2/tickets', errorRate: 1 });
    try {
      const error = await toolError(callTool(getTicketTool, { id: 1 }, h().ctx));
      expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
      expect(error.message).toContain('503');
      expect(error.message).not.toContain('temporarily');
    } finally {
      h().sandbox.server.clearFaults();
    }
  });

  it('maps refused credentials to a non-retryable upstream_unavailable naming no secret; check() fails too', async () => {
    const { config, client } = await connectTo(h().sandbox, { apiToken: 'wrong-token-123' });
    h().sandbox.server.clearLog();
    const error = await toolError(
      callTool(
        searchTicketsTool,
        { status: 'open' },
        testContext(client, config, { instance, connector: zendesk.spec }),
      ),
    );
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toContain('email or apiToken');
    expect(error.message).not.toContain('wrong-token-123');
    expect(
      h()
        .sandbox.server.requestsTo('/api/v2/search.json')
        .map((request) => request.status),
    ).toEqual([401]);
    await expect(
      zendeskConnector.check?.(client, { signal: new AbortController().signal }),
    ).rejects.toMatchObject({ code: 'upstream_unavailable', retryable: false });
    await expect(
      zendeskConnector.check?.(h().client, { signal: new AbortController().signal }),
    ).resolves.toBeUndefined();
  });

  it('maps an unreachable Zendesk to upstream_unavailable', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
      });
    });
    const { config, client } = await connectTo(h().sandbox, { baseUrl: `http://127.0.0.1:${port}` });
    const error = await toolError(
      callTool(getTicketTool, { id: 1 }, testContext(client, config, { instance, connector: zendesk.spec })),
    );
    expect(error.code).toBe('upstream_unavailable');
    expect(error.message).not.toContain(String(port));
  });
});
