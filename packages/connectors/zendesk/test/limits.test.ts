import { isSecretSchema, type Upstream, upstreamProfileOf } from '@switchboard/kit';
import {
  allPages,
  callTool,
  countingHooks,
  sharedFixture,
  silentLogger,
  testContext,
  testUpstream,
} from '@switchboard/kit/testing';
import { BULK_ORGANIZATION } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchTicketsTool, ZendeskConfig, zendesk, zendeskConnector } from '../src/index.js';
import { instance, startHarness } from './helpers.js';

/**
 * Zendesk's 1,000-result search window, through the sandbox, and the configuration. Rate limits and
 * failure paths are in accounting.test.ts.
 */

describe('the 1,000-result search window', () => {
  const h = sharedFixture(beforeAll, afterAll, () => startHarness({ extraTickets: 1200 }));

  /**
   * Pages the bulk organization's 1,200 tickets `limit` at a time, checking that the pages hold the
   * window's 1,000 tickets, each once; the pages, and the search requests Zendesk received for them.
   */
  async function pageThroughWindow(limit: number) {
    h().sandbox.server.clearLog();
    const pages = await allPages(
      (cursor) => callTool(searchTicketsTool, { tag: BULK_ORGANIZATION.tag, limit, cursor }, h().ctx),
      200,
    );
    const seen = pages.flatMap((page) => page.tickets.map((ticket) => ticket.id));
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
    return { pages, requests: h().sandbox.server.requestsTo('/api/v2/search.json') };
  }

  it('pages up to the cap, each ticket once, then stops with truncated and a note instead of a 422', async () => {
    const { pages, requests } = await pageThroughWindow(100);
    expect(pages).toHaveLength(10);
    for (const page of pages) {
      expect(page).toMatchObject({ total: 1200, truncated: true });
      expect(page.note).toMatch(/first 1000 results.*narrow the search/);
    }
    expect(requests.map((request) => request.status)).toEqual(Array(10).fill(200));
  });

  it('keeps exact coverage with a page size that does not divide 1,000, never asking past the window', async () => {
    const { pages, requests } = await pageThroughWindow(30);
    expect(pages).toHaveLength(34);
    expect(requests.every((request) => request.status === 200)).toBe(true);
    for (const request of requests) {
      const query = new URLSearchParams(request.query);
      expect(Number(query.get('page')) * Number(query.get('per_page'))).toBeLessThanOrEqual(1000);
    }
  });

  it('ends the page as truncated when Zendesk refuses a page as past its window anyway (422)', async () => {
    const hooks = countingHooks();
    const real = testUpstream(upstreamProfileOf(zendesk.spec, h().config), { hooks });
    // Stands in for a result set that grew between pages: the page asked for lies past result 1,000.
    const upstream: Upstream = {
      signal: real.signal,
      run: real.run,
      fetch: (request) => real.fetch({ ...request, query: { ...request.query, page: 11 } }),
    };
    h().sandbox.server.clearLog();
    const out = await callTool(
      searchTicketsTool,
      { tag: BULK_ORGANIZATION.tag, limit: 100 },
      testContext(h().client, h().config, { instance, upstream }),
    );
    expect(out).toMatchObject({ tickets: [], truncated: true });
    expect(out.nextCursor).toBeUndefined();
    expect(
      h()
        .sandbox.server.requestsTo('/api/v2/search.json')
        .map((request) => request.status),
    ).toEqual([422]);
    expect(hooks.requests).toEqual([{ name: 'search.tickets', outcome: 'invalid_input' }]);
  });

  it('pages a narrowed search under the cap completely, without truncation', async () => {
    const pages = await allPages((cursor) =>
      callTool(
        searchTicketsTool,
        { organization: BULK_ORGANIZATION.name, status: 'new', limit: 100, cursor },
        h().ctx,
      ),
    );
    for (const page of pages) expect(page.note).toBeUndefined();
    expect(pages.at(-1)?.truncated).toBe(false);
    const seen = pages.flatMap((page) => page.tickets.map((ticket) => ticket.id));
    expect(seen).toHaveLength(300);
    expect(new Set(seen).size).toBe(300);
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
