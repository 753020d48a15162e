import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { zendeskConnector } from '@switchboard/connector-zendesk';
import { sandboxConfig } from '@switchboard/connector-zendesk/testing';
import type { AnyConnector } from '@switchboard/kit';
import { HERO_EMAILS, startZendeskSandbox, type ZendeskSandbox } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, redisAvailable, requireRedis, testKeyPrefix } from '../../../test-support/redis.js';
import { startTcpProxy } from '../../../test-support/tcp-proxy.js';
import { createKey } from '../src/admin.js';
import { FIXTURE_CATALOGUE, fixtureConnector } from './fixture-connector.js';
import { configFor, type RunningGateway, startGateway } from './harness.js';
import { postRpc, toolCall } from './rpc.js';

const catalogue = new Map<string, AnyConnector>([
  [zendeskConnector.name, zendeskConnector],
  [fixtureConnector.name, fixtureConnector],
]);
const SEARCH = '/api/v2/search.json';

function cacheMeta(result: { _meta?: Record<string, unknown> }) {
  const meta = result._meta?.['switchboard/cache'];
  return typeof meta === 'object' && meta !== null ? meta : undefined;
}

describe('response cache (in-memory backend)', () => {
  let sandbox: ZendeskSandbox;
  let gateway: RunningGateway;
  let client: Client;

  beforeAll(async () => {
    sandbox = await startZendeskSandbox();
    gateway = await startGateway(
      configFor({ connectors: [{ package: 'zendesk', config: sandboxConfig(sandbox) }] }, catalogue),
    );
    client = await gateway.client();
  });
  afterAll(async () => {
    await gateway.close();
    await sandbox.close();
  });

  it('serves a repeat from the cache: status and age in _meta, no second upstream request', async () => {
    sandbox.server.clearLog();
    const args = { requesterEmail: HERO_EMAILS.everywhere, limit: 5 };
    const first = await client.callTool({ name: 'zendesk__search_tickets', arguments: args });
    expect(cacheMeta(first)).toMatchObject({ status: 'miss' });
    // Key order and explicit defaults do not change the key.
    const second = await client.callTool({
      name: 'zendesk__search_tickets',
      arguments: { limit: 5, requesterEmail: HERO_EMAILS.everywhere },
    });
    expect(cacheMeta(second)).toMatchObject({ status: 'hit', ageMs: expect.any(Number) });
    expect(second.structuredContent).toEqual(first.structuredContent);
    expect(sandbox.server.requestsTo(SEARCH)).toHaveLength(1);
  });

  it('a successful write invalidates the related reads: the next read reaches the vendor', async () => {
    const found = await client.callTool({
      name: 'zendesk__search_tickets',
      arguments: { requesterEmail: HERO_EMAILS.everywhere, limit: 1 },
    });
    const id = /"id":(\d+)/.exec(JSON.stringify(found.structuredContent))?.[1];
    expect(id).toBeDefined();
    const read = () => client.callTool({ name: 'zendesk__get_ticket', arguments: { id: Number(id) } });
    await read();
    expect(cacheMeta(await read())).toMatchObject({ status: 'hit' });
    const before = sandbox.server.requestsTo(`/api/v2/tickets/${id}`).length;
    const comment = await client.callTool({
      name: 'zendesk__add_comment',
      arguments: { ticketId: Number(id), body: 'Cache invalidation check', visibility: 'internal' },
    });
    expect(comment.isError, JSON.stringify(comment.content)).toBeFalsy();
    const after = await read();
    expect(cacheMeta(after)).toMatchObject({ status: 'miss' });
    expect(JSON.stringify(after.structuredContent)).toContain('Cache invalidation check');
    expect(sandbox.server.requestsTo(`/api/v2/tickets/${id}`).length).toBeGreaterThan(before);
  });

  it('never serves one principal the entry of another (principal-scoped policy)', async () => {
    const authed = await startGateway(
      configFor(
        {
          auth: { resource: 'http://127.0.0.1/mcp' },
          database: { dataDir: 'memory' },
          connectors: [{ package: 'fixture', config: { token: 't' } }],
        },
        FIXTURE_CATALOGUE,
      ),
    );
    try {
      const store = authed.runtime.store;
      if (!store) throw new Error('no store');
      const alice = (await createKey(store, { name: 'alice', scopes: ['fixture:read'] })).key;
      const bob = (await createKey(store, { name: 'bob', scopes: ['fixture:read'] })).key;
      const ask = async (key: string) => {
        const mcp = await authed.client({ authorization: `Bearer ${key}` });
        return mcp.callTool({ name: 'fixture__mine', arguments: { topic: 'same' } });
      };
      expect((await ask(alice)).structuredContent).toEqual({ principal: 'key:alice', topic: 'same' });
      expect((await ask(bob)).structuredContent).toEqual({ principal: 'key:bob', topic: 'same' });
      const again = await ask(alice);
      expect(again.structuredContent).toEqual({ principal: 'key:alice', topic: 'same' });
      expect(cacheMeta(again)).toMatchObject({ status: 'hit' });
    } finally {
      await authed.close();
    }
  });
});

const haveRedis = await redisAvailable();
requireRedis(haveRedis, 'the response cache shared through Redis');

describe.runIf(haveRedis)('response cache shared through Redis', () => {
  it('200 concurrent identical cold calls over two gateway instances make exactly one upstream request', async () => {
    const keys = testKeyPrefix();
    const sandbox = await startZendeskSandbox();
    const config = configFor(
      {
        redis: { url: REDIS_URL, keyPrefix: keys.prefix },
        rateLimit: { max: 10_000 },
        connectors: [{ package: 'zendesk', config: sandboxConfig(sandbox) }],
      },
      catalogue,
    );
    const a = await startGateway(config);
    const b = await startGateway(config);
    try {
      sandbox.server.clearLog();
      const search = toolCall(1, 'zendesk__search_tickets', { requesterEmail: HERO_EMAILS.healthy });
      const responses = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          postRpc((i % 2 === 0 ? a : b).url, search).then(async (response) => ({
            status: response.status,
            text: await response.text(),
          })),
        ),
      );
      expect(responses.every((r) => r.status === 200 && r.text.includes('"structuredContent"'))).toBe(true);
      expect(responses.filter((r) => r.text.includes('"isError":true'))).toHaveLength(0);
      expect(sandbox.server.requestsTo(SEARCH)).toHaveLength(1);

      // A hit on replica B after a miss on replica A.
      const clientA = await a.client();
      const clientB = await b.client();
      const args = { requesterEmail: HERO_EMAILS.crmConflict };
      expect(
        cacheMeta(await clientA.callTool({ name: 'zendesk__search_tickets', arguments: args })),
      ).toMatchObject({
        status: 'miss',
      });
      expect(
        cacheMeta(await clientB.callTool({ name: 'zendesk__search_tickets', arguments: args })),
      ).toMatchObject({
        status: 'hit',
      });
    } finally {
      await a.close();
      await b.close();
      await sandbox.close();
      await keys.cleanup();
    }
  });

  it('with Redis stopped, calls still succeed, uncached (bypass)', async () => {
    const keys = testKeyPrefix();
    const sandbox = await startZendeskSandbox();
    const redisUrl = new URL(REDIS_URL);
    const proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    const gateway = await startGateway(
      configFor(
        {
          redis: { url: `redis://${proxy.host}:${proxy.port}`, keyPrefix: keys.prefix },
          connectors: [{ package: 'zendesk', config: sandboxConfig(sandbox) }],
        },
        catalogue,
      ),
    );
    try {
      const client = await gateway.client();
      const args = { requesterEmail: HERO_EMAILS.everywhere };
      await client.callTool({ name: 'zendesk__search_tickets', arguments: args });
      proxy.cut();
      sandbox.server.clearLog();
      for (let i = 0; i < 3; i++) {
        const result = await client.callTool({ name: 'zendesk__search_tickets', arguments: args });
        expect(result.isError).toBeFalsy();
        expect(cacheMeta(result)).toMatchObject({ status: 'bypass' });
      }
      expect(sandbox.server.requestsTo(SEARCH)).toHaveLength(3);
    } finally {
      await gateway.close();
      await proxy.close();
      await sandbox.close();
      await keys.cleanup();
    }
  });
});
