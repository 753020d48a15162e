import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, redisAvailable, requireRedis, testKeyPrefix } from '../../../test-support/redis.js';
import { startTcpProxy } from '../../../test-support/tcp-proxy.js';
import { limitFor } from '../src/plugins/rate-limit.js';
import { FIXTURE_CATALOGUE } from './fixture-connector.js';
import { configFor, type RunningGateway, startGateway } from './harness.js';
import { postRpc } from './rpc.js';

const fixture = { package: 'fixture', config: { token: 't' } };

async function post(gateway: RunningGateway, id: number): Promise<Response> {
  return postRpc(gateway.url, { id, method: 'tools/list' });
}

describe('per-principal rate limit', () => {
  it('answers 429 with Retry-After and a JSON-RPC error once the window is spent', async () => {
    const gateway = await startGateway(
      configFor({ rateLimit: { max: 3, windowMs: 60_000 }, connectors: [fixture] }, FIXTURE_CATALOGUE),
    );
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await post(gateway, i)).status);
      expect(statuses).toEqual([200, 200, 200]);
      const limited = await post(gateway, 4);
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(await limited.json()).toMatchObject({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: -32000,
          message: expect.stringContaining('Rate limit exceeded: 3 requests per 60 s for local'),
          data: { retryAfterMs: retryAfter * 1000, limit: 3 },
        },
      });
      // Health endpoints are not limited.
      expect((await fetch(`${gateway.origin}/healthz`)).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });

  it('picks the first matching class by principal or scope, else the default', () => {
    const settings = {
      enabled: true,
      windowMs: 60_000,
      max: 100,
      onStoreError: 'open' as const,
      classes: [
        { name: 'ci', principal: 'key:ci', max: 5 },
        { name: 'writers', scope: 'crm:write', max: 20 },
      ],
    };
    const principal = (id: string, scopes: string[]) => ({
      id,
      kind: 'api_key' as const,
      scopes: new Set(scopes),
    });
    expect(limitFor(settings, principal('key:ci', ['crm:write']))).toMatchObject({ name: 'ci', max: 5 });
    expect(limitFor(settings, principal('key:a', ['crm:write']))).toMatchObject({ name: 'writers', max: 20 });
    expect(limitFor(settings, principal('key:b', ['crm:read']))).toMatchObject({ name: 'default', max: 100 });
  });
});

const haveRedis = await redisAvailable();
requireRedis(haveRedis, 'rate limits shared through Redis');

describe.runIf(haveRedis)('rate limit shared through Redis', () => {
  const keys = testKeyPrefix();
  afterAll(async () => keys.cleanup());

  it('two gateway instances on one Redis count against one limit', async () => {
    const config = configFor(
      {
        redis: { url: REDIS_URL, keyPrefix: keys.prefix },
        rateLimit: { max: 4, windowMs: 60_000 },
        connectors: [fixture],
      },
      FIXTURE_CATALOGUE,
    );
    const a = await startGateway(config);
    const b = await startGateway(config);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await post(i % 2 === 0 ? a : b, i)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  for (const mode of ['open', 'closed'] as const) {
    it(`with Redis cut mid-run, no request hangs and the limiter fails ${mode}`, async () => {
      const redisUrl = new URL(REDIS_URL);
      const proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
      const commandTimeoutMs = 200;
      const gateway = await startGateway(
        configFor(
          {
            redis: { url: `redis://${proxy.host}:${proxy.port}`, keyPrefix: keys.prefix, commandTimeoutMs },
            rateLimit: { max: 100, windowMs: 60_000, onStoreError: mode },
            connectors: [fixture],
          },
          FIXTURE_CATALOGUE,
        ),
      );
      try {
        await expect.poll(async () => (await post(gateway, 1)).headers.get('x-ratelimit-limit')).toBe('100');
        proxy.cut();
        for (let i = 0; i < 5; i++) {
          const started = performance.now();
          const response = await post(gateway, i);
          const elapsed = performance.now() - started;
          // The bound is the command timeout; the margin is generous for a loaded machine.
          expect(elapsed).toBeLessThan(commandTimeoutMs + 2_000);
          expect(response.status).toBe(mode === 'open' ? 200 : 503);
          if (mode === 'closed') {
            expect(await response.json()).toMatchObject({
              error: { message: expect.stringContaining('rate limiter is unavailable') },
            });
          }
        }
        const ready = await fetch(`${gateway.origin}/readyz`);
        if (mode === 'open') {
          expect(ready.status).toBe(200);
          expect(await ready.json()).toMatchObject({
            status: 'degraded',
            dependencies: { redis: { status: 'error' } },
          });
        } else {
          expect(ready.status).toBe(503);
          expect(await ready.json()).toMatchObject({
            reason: expect.stringContaining('rate limiter fails closed'),
          });
        }
        proxy.restore();
        await expect
          .poll(async () => (await post(gateway, 9)).headers.get('x-ratelimit-limit'), { timeout: 10_000 })
          .toBe('100');
      } finally {
        await gateway.close();
        await proxy.close();
      }
    });
  }
});

describe('upstream quotas per connector instance', () => {
  async function callEcho(gateway: RunningGateway) {
    const client = await gateway.client();
    return client.callTool({ name: 'fixture__echo', arguments: { text: 'x' } });
  }

  async function fixtureCalls(gateway: RunningGateway): Promise<number> {
    const instance = gateway.runtime.registry.instances[0];
    if (!instance) throw new Error('no instance');
    const client = await gateway.runtime.clientFor(instance);
    return typeof client === 'object' && client !== null && 'calls' in client && Array.isArray(client.calls)
      ? client.calls.length
      : -1;
  }

  it('refuses a call over the quota with rate_limited and retryAfterMs, before the connector runs', async () => {
    const gateway = await startGateway(
      configFor({ connectors: [{ ...fixture, quota: { limit: 2, intervalMs: 60_000 } }] }, FIXTURE_CATALOGUE),
    );
    try {
      expect((await callEcho(gateway)).isError).toBeFalsy();
      expect((await callEcho(gateway)).isError).toBeFalsy();
      const before = await fixtureCalls(gateway);
      const refused = await callEcho(gateway);
      expect(refused.isError).toBe(true);
      expect(refused._meta).toMatchObject({ 'switchboard/error': { code: 'rate_limited', retryable: true } });
      const meta = refused._meta?.['switchboard/error'];
      const retryAfterMs =
        typeof meta === 'object' && meta !== null && 'retryAfterMs' in meta ? meta.retryAfterMs : 0;
      expect(retryAfterMs).toBeGreaterThan(20_000);
      expect(retryAfterMs).toBeLessThanOrEqual(30_000);
      expect(JSON.stringify(refused.content)).toContain(
        'Fixture (fixture) is at its request quota (2 per 60 s, configured)',
      );
      expect(await fixtureCalls(gateway)).toBe(before);
    } finally {
      await gateway.close();
    }
  });

  it.runIf(haveRedis)('is one bucket across gateway instances sharing Redis', async () => {
    const keys = testKeyPrefix();
    const config = configFor(
      {
        redis: { url: REDIS_URL, keyPrefix: keys.prefix },
        connectors: [{ ...fixture, quota: { limit: 3, intervalMs: 60_000 } }],
      },
      FIXTURE_CATALOGUE,
    );
    const a = await startGateway(config);
    const b = await startGateway(config);
    try {
      const outcomes: boolean[] = [];
      for (let i = 0; i < 5; i++) outcomes.push((await callEcho(i % 2 === 0 ? a : b)).isError === true);
      expect(outcomes).toEqual([false, false, false, true, true]);
    } finally {
      await a.close();
      await b.close();
      await keys.cleanup();
    }
  });
});
