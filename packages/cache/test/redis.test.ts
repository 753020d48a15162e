import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { REDIS_URL, redisAvailable, requireRedis, testKeyPrefix } from '../../../test-support/redis.js';
import { startTcpProxy, type TcpProxy } from '../../../test-support/tcp-proxy.js';
import { type Cache, createRedisCache, type RedisCacheOptions, type WrapOptions } from '../src/index.js';
import { cacheContract } from './suite.js';
import { countingLoader, deferred, freshKey, type Item, parseItem, sleep, timed } from './support.js';

const available = await redisAvailable();
requireRedis(available, '@switchboard/cache Redis backend tests');

const { prefix, cleanup } = testKeyPrefix();
// Quick reconnects keep the outage tests short; the cache adds its own fail-fast settings.
const clientOptions: RedisOptions = { lazyConnect: true, retryStrategy: () => 50 };
const clients: Redis[] = [];
function client(url = REDIS_URL): Redis {
  const redis = new Redis(url, clientOptions);
  redis.on('error', () => undefined);
  clients.push(redis);
  return redis;
}
function redisCache(options: Partial<RedisCacheOptions> = {}): Cache {
  return createRedisCache({ redis: client(), prefix, ...options });
}

afterAll(async () => {
  for (const redis of clients) redis.disconnect();
  if (available) await cleanup();
});

cacheContract({ name: 'redis', enabled: available, create: (options) => redisCache(options) });

describe.skipIf(!available)('redis cache across instances and outages', () => {
  const long: WrapOptions<Item> = { parse: parseItem, ttlMs: 60_000 };
  const open: Cache[] = [];
  const track = (cache: Cache) => {
    open.push(cache);
    return cache;
  };
  let proxy: TcpProxy;
  let admin: Redis;
  beforeAll(async () => {
    const target = new URL(REDIS_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    admin = client();
  });
  afterEach(async () => {
    proxy.restore();
    await Promise.all(open.splice(0).map((cache) => cache.close()));
  });
  afterAll(async () => {
    await proxy?.close();
  });
  const proxiedUrl = () => {
    const url = new URL(REDIS_URL);
    url.hostname = proxy.host;
    url.port = String(proxy.port);
    return url.toString();
  };

  it('makes one load for 200 concurrent calls split over two instances on separate connections', async () => {
    const gatewayA = track(redisCache());
    const gatewayB = track(redisCache());
    const key = freshKey();
    const loader = countingLoader(100);
    const calls = Array.from({ length: 200 }, (_, i) =>
      (i % 2 === 0 ? gatewayA : gatewayB).wrap(key, long, loader.load),
    );
    const results = await Promise.all(calls);
    expect(loader.calls).toBe(1);
    expect(results.every((r) => r.value.n === 1)).toBe(true);
    // One instance loaded (miss); the other waited on the lock and was served the fresh entry (hit).
    expect(new Set(results.map((r) => r.status))).toEqual(new Set(['miss', 'hit']));
    expect(gatewayA.stats().loads + gatewayB.stats().loads).toBe(1);
  });

  it('lets a waiter on another instance load once a dead holder’s lock expires', async () => {
    const dying = track(redisCache({ lockTtlMs: 300 }));
    // Longer than the test's own timeout: the survivor can only answer by seeing the lock expire.
    const survivor = track(redisCache({ lockWaitMs: 120_000 }));
    const key = freshKey();
    const never = deferred<Item>();
    void dying.wrap(key, long, () => never.promise).catch(() => undefined); // Holds the lock, never finishes.
    await sleep(50);
    const result = await timed(() => survivor.wrap(key, long, async () => ({ n: 2 })));
    expect(result.value).toMatchObject({ status: 'miss', value: { n: 2 } });
    expect(result.ms).toBeGreaterThanOrEqual(200);
    never.resolve({ n: 1 });
  });

  it('treats a corrupt entry as a miss, counts it, and replaces it', async () => {
    const cache = track(redisCache());
    const key = freshKey();
    await admin.set(`${prefix}e:${key}`, '{"v":', 'PX', 60_000);
    expect(await cache.wrap(key, long, async () => ({ n: 1 }))).toMatchObject({
      status: 'miss',
      value: { n: 1 },
    });
    expect(cache.stats().errors).toBe(1);
    await admin.set(
      `${prefix}e:${key}`,
      JSON.stringify({
        v: { wrong: true },
        storedAt: 1,
        freshUntil: Date.now() + 60_000,
        staleUntil: Date.now() + 60_000,
      }),
    );
    expect((await cache.wrap(key, long, async () => ({ n: 2 }))).status).toBe('miss');
    expect((await cache.wrap(key, long, async () => ({ n: 3 }))).status).toBe('hit');
  });

  it('keeps answering with Redis cut: bypass within bounds, counted, then hits again after restore', async () => {
    const warnings: object[] = [];
    const logger = { warn: (details: object) => warnings.push(details) };
    const cache = track(
      createRedisCache({
        redis: client(proxiedUrl()),
        prefix,
        commandTimeoutMs: 200,
        logger,
        logIntervalMs: 60_000,
      }),
    );
    const key = freshKey();
    const loader = countingLoader();
    expect((await cache.wrap(key, long, loader.load)).status).toBe('miss');
    expect((await cache.wrap(key, long, loader.load)).status).toBe('hit');

    proxy.cut();
    const slowest = { ms: 0 };
    const timed = async () => {
      const started = performance.now();
      const result = await cache.wrap(key, long, loader.load);
      slowest.ms = Math.max(slowest.ms, performance.now() - started);
      return result;
    };
    const sequential = [];
    for (let i = 0; i < 5; i += 1) sequential.push(await timed());
    const concurrent = await Promise.all(Array.from({ length: 20 }, timed));
    expect([...sequential, ...concurrent].every((r) => r.status === 'bypass')).toBe(true);
    expect(slowest.ms).toBeLessThan(250); // commandTimeoutMs + scheduling slack
    await expect(cache.invalidateTags(['anything'])).resolves.toBeUndefined();
    const during = cache.stats();
    expect(during.bypasses).toBe(25);
    expect(during.loads).toBe(1 + 5 + 1); // concurrent bypasses still share one load
    expect(during.errors).toBeGreaterThan(0);
    expect(warnings.length).toBe(1); // throttled to one line per logIntervalMs

    proxy.restore();
    await vi.waitFor(
      async () => {
        expect((await cache.wrap(key, long, loader.load)).status).toBe('hit');
      },
      { timeout: 5_000, interval: 100 },
    );
  });

  it('stops a lock waiter at once when Redis is cut while it waits', async () => {
    const holder = track(redisCache()); // Direct connection: unaffected by the cut.
    const waiter = track(
      createRedisCache({ redis: client(proxiedUrl()), prefix, lockWaitMs: 10_000, commandTimeoutMs: 200 }),
    );
    const key = freshKey();
    const never = deferred<Item>();
    void holder.wrap(key, long, () => never.promise).catch(() => undefined);
    await sleep(50);
    const started = performance.now();
    const pending = waiter.wrap(key, long, async () => ({ n: 2 }));
    await sleep(100);
    proxy.cut();
    const result = await pending;
    expect(result).toMatchObject({ status: 'bypass', value: { n: 2 } });
    expect(performance.now() - started).toBeLessThan(600);
    never.resolve({ n: 1 });
  });

  it('bypasses from the first call when Redis is unreachable at start-up', async () => {
    proxy.cut();
    // A command timeout past the test's own: the calls can only answer by not waiting for Redis.
    const cache = track(createRedisCache({ redis: client(proxiedUrl()), prefix, commandTimeoutMs: 120_000 }));
    const first = await cache.wrap(freshKey(), long, async () => ({ n: 1 }));
    expect(first).toMatchObject({ status: 'bypass', value: { n: 1 } });
    expect(await cache.wrap(freshKey(), long, async () => ({ n: 2 }))).toMatchObject({ status: 'bypass' });
  });
});
