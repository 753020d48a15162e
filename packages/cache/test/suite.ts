import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Cache, WrapOptions } from '../src/index.js';
import {
  countingLoader,
  deferred,
  freshKey,
  type Item,
  keySpace,
  parseItem,
  sleep,
  timed,
} from './support.js';

export interface SuiteCacheOptions {
  lockTtlMs?: number;
  lockWaitMs?: number;
}

export interface SuiteBackend {
  name: string;
  /** False skips the suite (the caller has already said why, loudly). */
  enabled: boolean;
  create(options?: SuiteCacheOptions): Cache;
}

const long: WrapOptions<Item> = { parse: parseItem, ttlMs: 60_000 };

/** The behaviour every backend must have; run once per backend. */
export function cacheContract(backend: SuiteBackend): void {
  describe.skipIf(!backend.enabled)(`cache contract: ${backend.name}`, () => {
    const open: Cache[] = [];
    const create = (options?: SuiteCacheOptions) => {
      const cache = backend.create(options);
      open.push(cache);
      return cache;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((cache) => cache.close()));
    });

    it('loads a cold key once, then serves hits that report the entry age', async () => {
      const cache = create();
      const key = freshKey();
      const loader = countingLoader();
      const first = await cache.wrap(key, long, loader.load);
      expect(first).toEqual({ value: { n: 1 }, status: 'miss', ageMs: 0 });
      await sleep(40);
      const second = await cache.wrap(key, long, loader.load);
      expect(second.status).toBe('hit');
      expect(second.value).toEqual({ n: 1 });
      expect(second.ageMs).toBeGreaterThanOrEqual(30);
      expect(loader.calls).toBe(1);
      expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, loads: 1, bypasses: 0, errors: 0 });
    });

    it('treats inputs differing only in key order, undefined members or applied defaults as one entry', async () => {
      const cache = create();
      const key = keySpace();
      // What zod's .default() does before the cache sees the input.
      const withDefaults = (raw: { query: string; limit?: number }) => ({ limit: 10, ...raw });
      const loader = countingLoader();
      await cache.wrap(
        key({ a: 1, nested: { y: [1, 2], x: 'z' }, ...withDefaults({ query: 'acme' }) }),
        long,
        loader.load,
      );
      const same = await cache.wrap(
        key({ query: 'acme', limit: 10, nested: { x: 'z', y: [1, 2] }, a: 1, gone: undefined }),
        long,
        loader.load,
      );
      expect(same.status).toBe('hit');
      const other = await cache.wrap(
        key({ query: 'acme', limit: 11, nested: { x: 'z', y: [1, 2] }, a: 1 }),
        long,
        loader.load,
      );
      expect(other.status).toBe('miss');
      expect(loader.calls).toBe(2);
    });

    it('never serves one principal the entry of another or of the shared scope', async () => {
      const cache = create();
      const key = keySpace();
      const input = { q: 'my open deals' };
      const as = (who: string) => async (): Promise<Item> => ({ n: 1, who });
      expect(key(input, 'alice')).not.toBe(key(input, 'bob'));
      expect(key(input, 'alice')).not.toBe(key(input));
      expect((await cache.wrap(key(input, 'alice'), long, as('alice'))).value.who).toBe('alice');
      const bob = await cache.wrap(key(input, 'bob'), long, as('bob'));
      expect(bob).toMatchObject({ status: 'miss', value: { who: 'bob' } });
      const shared = await cache.wrap(key(input), long, as('shared'));
      expect(shared).toMatchObject({ status: 'miss', value: { who: 'shared' } });
      const alice = await cache.wrap(key(input, 'alice'), long, as('intruder'));
      expect(alice).toMatchObject({ status: 'hit', value: { who: 'alice' } });
    });

    it('gives each value its own TTL (a short negative TTL expires, the positive entry stays)', async () => {
      const cache = create();
      const options: WrapOptions<Item> = { parse: parseItem, ttlMs: (item) => (item.found ? 60_000 : 60) };
      const found = freshKey();
      const missing = freshKey();
      await cache.wrap(found, options, async () => ({ n: 1, found: true }));
      await cache.wrap(missing, options, async () => ({ n: 1, found: false }));
      await sleep(120);
      expect((await cache.wrap(found, options, async () => ({ n: 2, found: true }))).status).toBe('hit');
      const again = await cache.wrap(missing, options, async () => ({ n: 2, found: false }));
      expect(again).toMatchObject({ status: 'miss', value: { n: 2 } });
    });

    it('returns but does not store values marked uncacheable or given a zero TTL', async () => {
      const cache = create();
      const loader = countingLoader();
      const uncacheable: WrapOptions<Item> = { ...long, cacheable: () => false };
      const zeroTtl: WrapOptions<Item> = { ...long, ttlMs: () => 0 };
      for (const options of [uncacheable, zeroTtl]) {
        const key = freshKey();
        await cache.wrap(key, options, loader.load);
        expect((await cache.wrap(key, options, loader.load)).status).toBe('miss');
      }
      expect(loader.calls).toBe(4);
    });

    it('hands a load error to every concurrent caller from one load, and never caches it', async () => {
      const cache = create();
      const key = freshKey();
      let calls = 0;
      const failing = async (): Promise<Item> => {
        calls += 1;
        await sleep(20);
        throw new Error('upstream said no');
      };
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => cache.wrap(key, long, failing)),
      );
      expect(
        results.every((r) => r.status === 'rejected' && String(r.reason).includes('upstream said no')),
      ).toBe(true);
      expect(calls).toBe(1);
      const retry = await cache.wrap(key, long, async () => ({ n: 7 }));
      expect(retry).toMatchObject({ status: 'miss', value: { n: 7 } });
    });

    it('serves an expired entry within staleMs at once while exactly one refresh runs', async () => {
      const cache = create();
      const key = freshKey();
      const options: WrapOptions<Item> = { parse: parseItem, ttlMs: 50, staleMs: 60_000 };
      const loader = countingLoader(300);
      await cache.wrap(key, options, async () => ({ n: 0 }));
      await sleep(80);
      const started = performance.now();
      const stale = await Promise.all(
        Array.from({ length: 20 }, () => cache.wrap(key, options, loader.load)),
      );
      expect(performance.now() - started).toBeLessThan(150);
      expect(stale.every((r) => r.status === 'stale' && r.value.n === 0 && r.ageMs >= 50)).toBe(true);
      // Callers arriving while the refresh runs are served stale too, without another load.
      expect((await cache.wrap(key, options, loader.load)).status).toBe('stale');
      await vi.waitFor(
        async () => {
          const fresh = await cache.wrap(key, options, loader.load);
          expect(fresh).toMatchObject({ status: 'hit', value: { n: 1 } });
        },
        { timeout: 3_000, interval: 50 },
      );
      expect(loader.calls).toBe(1);
    });

    it('treats an entry past its stale window as a plain miss', async () => {
      const cache = create();
      const key = freshKey();
      const options: WrapOptions<Item> = { parse: parseItem, ttlMs: 30, staleMs: 30 };
      await cache.wrap(key, options, async () => ({ n: 0 }));
      await sleep(100);
      expect(await cache.wrap(key, options, async () => ({ n: 1 }))).toMatchObject({
        status: 'miss',
        value: { n: 1 },
      });
    });

    it('drops every entry under an invalidated tag and nothing else', async () => {
      const cache = create();
      const tagged = (tag: string): WrapOptions<Item> => ({
        ...long,
        tags: (item) => [tag, `item:${item.n}`],
      });
      const [a1, a2, b] = [freshKey(), freshKey(), freshKey()];
      await cache.wrap(a1, tagged('account:1'), async () => ({ n: 1 }));
      await cache.wrap(a2, tagged('account:1'), async () => ({ n: 2 }));
      await cache.wrap(b, tagged('account:2'), async () => ({ n: 3 }));
      await cache.invalidateTags(['account:1', 'never-used']);
      expect((await cache.wrap(a1, tagged('account:1'), async () => ({ n: 11 }))).status).toBe('miss');
      expect((await cache.wrap(a2, tagged('account:1'), async () => ({ n: 12 }))).status).toBe('miss');
      expect((await cache.wrap(b, tagged('account:2'), async () => ({ n: 13 }))).status).toBe('hit');
      // Entries stored after an invalidation are cached normally.
      expect((await cache.wrap(a1, tagged('account:1'), async () => ({ n: 21 }))).value.n).toBe(11);
    });

    it('does not store a value whose load overlapped an invalidation of its tags', async () => {
      const cache = create();
      const key = freshKey();
      const options: WrapOptions<Item> = { ...long, tags: () => ['account:9'] };
      const gate = deferred<Item>();
      const pending = cache.wrap(key, options, () => gate.promise);
      await sleep(30);
      await cache.invalidateTags(['account:9']); // A write lands while the read is in flight.
      gate.resolve({ n: 1 });
      expect(await pending).toMatchObject({ status: 'miss', value: { n: 1 } });
      expect(await cache.wrap(key, options, async () => ({ n: 2 }))).toMatchObject({
        status: 'miss',
        value: { n: 2 },
      });
      expect((await cache.wrap(key, options, async () => ({ n: 3 }))).status).toBe('hit');
    });

    it('returns but does not store an entry over maxEntryBytes, and counts it', async () => {
      const cache = create();
      const key = freshKey();
      const options: WrapOptions<Item> = { ...long, maxEntryBytes: 200 };
      const big = async (): Promise<Item> => ({ n: 1, pad: 'x'.repeat(500) });
      expect((await cache.wrap(key, options, big)).value.pad).toHaveLength(500);
      expect((await cache.wrap(key, options, big)).status).toBe('miss');
      expect(cache.stats().skippedTooLarge).toBe(2);
      const small = freshKey();
      await cache.wrap(small, options, async () => ({ n: 1 }));
      expect((await cache.wrap(small, options, async () => ({ n: 2 }))).status).toBe('hit');
    });

    it('makes exactly one load for 200 concurrent identical cold calls', async () => {
      const cache = create();
      const key = freshKey();
      const loader = countingLoader(50);
      const results = await Promise.all(
        Array.from({ length: 200 }, () => cache.wrap(key, long, loader.load)),
      );
      expect(loader.calls).toBe(1);
      expect(results.every((r) => r.status === 'miss' && r.value.n === 1)).toBe(true);
      expect(cache.stats()).toMatchObject({ misses: 200, loads: 1 });
    });

    it('stops waiting on a busy lock after lockWaitMs and loads itself', async () => {
      // The lock outlives the test's own timeout: the caller can only answer by giving up the wait.
      const cache = create({ lockWaitMs: 200, lockTtlMs: 120_000 });
      const key = freshKey();
      const options: WrapOptions<Item> = { parse: parseItem, ttlMs: 30, staleMs: 30 };
      await cache.wrap(key, options, async () => ({ n: 0 }));
      await sleep(40);
      const slowRefresh = deferred<Item>();
      // Served stale; the background refresh now holds the key's lock and hangs.
      expect((await cache.wrap(key, options, () => slowRefresh.promise)).status).toBe('stale');
      await sleep(40); // Past the stale window: a caller needs the lock.
      const waited = await timed(() => cache.wrap(key, options, async () => ({ n: 2 })));
      expect(waited.value).toMatchObject({ status: 'miss', value: { n: 2 } });
      expect(waited.ms).toBeGreaterThanOrEqual(180);
      slowRefresh.resolve({ n: 1 });
    });
  });
}
