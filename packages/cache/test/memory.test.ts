import { describe, expect, it } from 'vitest';
import { createMemoryCache, type WrapOptions } from '../src/index.js';
import { cacheContract } from './suite.js';
import { freshKey, type Item, parseItem } from './support.js';

cacheContract({ name: 'memory', enabled: true, create: (options) => createMemoryCache(options) });

describe('memory cache', () => {
  const long: WrapOptions<Item> = { parse: parseItem, ttlMs: 60_000, tags: () => ['all'] };

  it('follows the injected clock for freshness', async () => {
    let clock = 1_000_000;
    const cache = createMemoryCache({ now: () => clock });
    const key = freshKey();
    const options: WrapOptions<Item> = { parse: parseItem, ttlMs: 1_000, staleMs: 0 };
    await cache.wrap(key, options, async () => ({ n: 1 }));
    clock += 999;
    expect(await cache.wrap(key, options, async () => ({ n: 2 }))).toMatchObject({
      status: 'hit',
      ageMs: 999,
    });
    clock += 1;
    expect((await cache.wrap(key, options, async () => ({ n: 3 }))).status).toBe('miss');
    await cache.close();
  });

  it('evicts the least recently used entry beyond maxEntries and forgets its tags', async () => {
    const cache = createMemoryCache({ maxEntries: 2 });
    const [a, b, c] = [freshKey(), freshKey(), freshKey()];
    await cache.wrap(a, long, async () => ({ n: 1 }));
    await cache.wrap(b, long, async () => ({ n: 2 }));
    await cache.wrap(c, long, async () => ({ n: 3 }));
    expect((await cache.wrap(c, long, async () => ({ n: 0 }))).status).toBe('hit');
    expect((await cache.wrap(a, long, async () => ({ n: 1 }))).status).toBe('miss');
    await cache.invalidateTags(['all']);
    expect((await cache.wrap(c, long, async () => ({ n: 0 }))).status).toBe('miss');
    await cache.close();
  });

  it('keeps total serialized bytes under maxBytes', async () => {
    const cache = createMemoryCache({ maxBytes: 400 });
    const options: WrapOptions<Item> = { parse: parseItem, ttlMs: 60_000 };
    const keys = [freshKey(), freshKey(), freshKey()];
    for (const key of keys) await cache.wrap(key, options, async () => ({ n: 1, pad: 'x'.repeat(150) }));
    expect((await cache.wrap(keys[2] ?? '', options, async () => ({ n: 2 }))).status).toBe('hit');
    expect((await cache.wrap(keys[0] ?? '', options, async () => ({ n: 2 }))).status).toBe('miss');
    await cache.close();
  });
});
