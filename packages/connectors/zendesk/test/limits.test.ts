import { createServer } from 'node:net';
import { isSecretSchema } from '@switchboard/kit';
import { silentLogger } from '@switchboard/kit/testing';
import { BULK_ORGANIZATION, zendeskSandboxConfig } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findUserTool,
  getTicketTool,
  parseRetryAfter,
  searchTicketsTool,
  ZendeskConfig,
  zendeskConnector,
} from '../src/index.js';
import { call, type Harness, instance, must, startHarness, toolError } from './helpers.js';

/** Zendesk's limits (1,000-result search window, 429s) and failure paths, through the sandbox. */

describe('the 1,000-result search window', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ extraTickets: 1200 });
  });
  afterAll(async () => h.close());

  async function pageThrough(limit: number) {
    const seen: number[] = [];
    const pages: Array<{ truncated: boolean; note?: string; total: number }> = [];
    let cursor: string | undefined;
    do {
      const out = await call(searchTicketsTool, { tag: BULK_ORGANIZATION.tag, limit, cursor }, h.ctx);
      seen.push(...out.tickets.map((ticket) => ticket.id));
      pages.push(out);
      cursor = out.nextCursor;
    } while (cursor !== undefined && pages.length < 200);
    return { seen, pages };
  }

  it('pages up to the cap, each ticket once, then stops with truncated and a note instead of a 422', async () => {
    h.sandbox.server.clearLog();
    const { seen, pages } = await pageThrough(100);
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(pages).toHaveLength(10);
    for (const page of pages) {
      expect(page).toMatchObject({ total: 1200, truncated: true });
      expect(page.note).toMatch(/first 1000 results.*narrow the search/);
    }
    const statuses = h.sandbox.server.requestsTo('/api/v2/search.json').map((request) => request.status);
    expect(statuses).toEqual(Array(10).fill(200));
  });

  it('keeps exact coverage with a page size that does not divide 1,000, never asking past the window', async () => {
    h.sandbox.server.clearLog();
    const { seen, pages } = await pageThrough(30);
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(pages).toHaveLength(34);
    const requests = h.sandbox.server.requestsTo('/api/v2/search.json');
    expect(requests.every((request) => request.status === 200)).toBe(true);
    for (const request of requests) {
      const query = new URLSearchParams(request.query);
      expect(Number(query.get('page')) * Number(query.get('per_page'))).toBeLessThanOrEqual(1000);
    }
  });

  it('pages a narrowed search under the cap completely, without truncation', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let truncated = true;
    do {
      const out = await call(
        searchTicketsTool,
        { organization: BULK_ORGANIZATION.name, status: 'new', limit: 100, cursor },
        h.ctx,
      );
      seen.push(...out.tickets.map((ticket) => ticket.id));
      truncated = out.truncated;
      expect(out.note).toBeUndefined();
      cursor = out.nextCursor;
    } while (cursor !== undefined);
    expect(truncated).toBe(false);
    expect(seen).toHaveLength(300);
    expect(new Set(seen).size).toBe(300);
  });
});

describe('rate limits', () => {
  it('retries a 429 once after its short Retry-After (request log shows the wait)', async () => {
    const h = await startHarness({ rateLimitPerMinute: 1, rateLimitWindowMs: 1000 });
    try {
      await call(searchTicketsTool, { status: 'open', limit: 1 }, h.ctx);
      h.sandbox.server.clearLog();
      const out = await call(searchTicketsTool, { status: 'open', limit: 1 }, h.ctx);
      expect(out.tickets).toHaveLength(1);
      const [limited, retried] = h.sandbox.server.requestsTo('/api/v2/search.json');
      expect(limited?.status).toBe(429);
      expect(retried?.status).toBe(200);
      expect(must(retried, 'retry').at - must(limited, '429').at).toBeGreaterThanOrEqual(950);
    } finally {
      await h.close();
    }
  });

  it('answers rate_limited with retryAfterMs when Retry-After is longer than maxRetryWaitMs, without retrying', async () => {
    const h = await startHarness({ faultRetryAfterSeconds: 30 });
    try {
      h.sandbox.server.inject({ pathPrefix: '/api/v2/users', rateLimit: true });
      const error = await toolError(
        call(findUserTool, { email: 'maya.lindqvist@helix-robotics.com' }, h.ctx),
      );
      expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 30_000 });
      expect(error.message).toContain('30 s');
      expect(h.sandbox.server.requestsTo('/api/v2/users')).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('does not retry at all with maxRetryWaitMs 0', async () => {
    const h = await startHarness({ rateLimitPerMinute: 1, rateLimitWindowMs: 1000 }, { maxRetryWaitMs: 0 });
    try {
      await call(searchTicketsTool, { status: 'open', limit: 1 }, h.ctx);
      const error = await toolError(call(searchTicketsTool, { status: 'open', limit: 1 }, h.ctx));
      expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 1000 });
      expect(h.sandbox.server.requestsTo('/api/v2/search.json')).toHaveLength(2);
    } finally {
      await h.close();
    }
  });

  it('reads Retry-After in seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(
      parseRetryAfter('Thu, 01 Jan 2099 00:00:10 GMT', Date.parse('Thu, 01 Jan 2099 00:00:00 GMT')),
    ).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('failures', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({}, { timeoutMs: 300 });
  });
  afterAll(async () => h.close());

  it('maps a hung Zendesk to timeout', async () => {
    h.sandbox.server.inject({ pathPrefix: '/api/v2/search.json', hang: true });
    try {
      const started = performance.now();
      const error = await toolError(call(searchTicketsTool, { status: 'open' }, h.ctx));
      expect(error).toMatchObject({ code: 'timeout', retryable: true });
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      h.sandbox.server.clearFaults();
    }
  });

  it('maps an aborted call (the gateway deadline) to timeout at once', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await toolError(call(getTicketTool, { id: 1 }, { ...h.ctx, signal: controller.signal }));
    expect(error.code).toBe('timeout');
  });

  it('maps 5xx to upstream_unavailable without the vendor body', async () => {
    h.sandbox.server.inject({ pathPrefix: '/api/v2/tickets', errorRate: 1 });
    try {
      const error = await toolError(call(getTicketTool, { id: 1 }, h.ctx));
      expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
      expect(error.message).toContain('503');
      expect(error.message).not.toContain('temporarily');
    } finally {
      h.sandbox.server.clearFaults();
    }
  });

  it('maps refused credentials to a non-retryable upstream_unavailable naming no secret; check() fails too', async () => {
    const config = ZendeskConfig.parse({ ...zendeskSandboxConfig(h.sandbox), apiToken: 'wrong-token-123' });
    const client = await zendeskConnector.connect(config, { logger: silentLogger(), instance });
    const error = await toolError(call(searchTicketsTool, { status: 'open' }, { ...h.ctx, client, config }));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).not.toContain('wrong-token-123');
    await expect(
      zendeskConnector.check?.(client, { signal: new AbortController().signal }),
    ).rejects.toThrow();
    await expect(
      zendeskConnector.check?.(h.client, { signal: new AbortController().signal }),
    ).resolves.toBeUndefined();
  });

  it('maps an unreachable Zendesk to upstream_unavailable', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
      });
    });
    const config = ZendeskConfig.parse({
      ...zendeskSandboxConfig(h.sandbox),
      baseUrl: `http://127.0.0.1:${port}`,
    });
    const client = await zendeskConnector.connect(config, { logger: silentLogger(), instance });
    const error = await toolError(call(getTicketTool, { id: 1 }, { ...h.ctx, client, config }));
    expect(error.code).toBe('upstream_unavailable');
    expect(error.message).not.toContain(String(port));
  });
});

describe('configuration', () => {
  it('takes exactly one of subdomain or baseUrl, marks apiToken secret and applies defaults', () => {
    expect(isSecretSchema(ZendeskConfig.shape.apiToken)).toBe(true);
    expect(ZendeskConfig.parse({ subdomain: 'acme', email: 'a@acme.com', apiToken: 't' })).toEqual({
      subdomain: 'acme',
      email: 'a@acme.com',
      apiToken: 't',
      timeoutMs: 10_000,
      maxRetryWaitMs: 2000,
    });
    expect(ZendeskConfig.safeParse({ email: 'a@acme.com', apiToken: 't' }).success).toBe(false);
    expect(
      ZendeskConfig.safeParse({
        subdomain: 'acme',
        baseUrl: 'http://x.test',
        email: 'a@acme.com',
        apiToken: 't',
      }).success,
    ).toBe(false);
    expect(
      ZendeskConfig.safeParse({ subdomain: 'acme.evil.com/', email: 'a@acme.com', apiToken: 't' }).success,
    ).toBe(false);
  });

  it('builds https://{subdomain}.zendesk.com from a subdomain', async () => {
    const config = ZendeskConfig.parse({ subdomain: 'acme', email: 'a@acme.com', apiToken: 't' });
    const client = await zendeskConnector.connect(config, { logger: silentLogger(), instance });
    expect(client.origin).toBe('https://acme.zendesk.com');
    expect(client.authorization).toBe(`Basic ${Buffer.from('a@acme.com/token:t').toString('base64')}`);
  });
});
