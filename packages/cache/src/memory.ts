import { LRUCache } from 'lru-cache';
import {
  type CacheStore,
  type CommonCacheOptions,
  createCacheCore,
  DEFAULT_LOG_INTERVAL_MS,
  type LockAttempt,
  type StoreWrite,
  throttledWarn,
} from './core.js';
import type { Cache } from './types.js';

export interface MemoryCacheOptions extends CommonCacheOptions {
  /** Most entries kept; the least recently used go first. */
  maxEntries?: number;
  /** Most bytes of serialized entries kept, when set. */
  maxBytes?: number;
  /** Clock in epoch milliseconds (tests). */
  now?: () => number;
}

interface Entry {
  json: string;
  tags: readonly string[];
  expiresAt: number;
}

/** How long an invalidation is remembered to refuse the store of a load that overlapped it. */
const INVALIDATION_MEMORY_MS = 60_000;

/** The embedded-default cache: one process, same semantics as the Redis backend. */
export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const now = options.now ?? Date.now;
  const byTag = new Map<string, Set<string>>();
  const locks = new Map<string, { token: string; expiresAt: number }>();
  const invalidatedAt = new Map<string, { seq: number; at: number }>();
  // A sequence, not the clock: an invalidation and a lock in the same millisecond still have an order.
  let seq = 0;

  const untag = (key: string, tags: readonly string[]) => {
    for (const tag of tags) {
      const keys = byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) byTag.delete(tag);
    }
  };
  const entries = new LRUCache<string, Entry>({
    max: options.maxEntries ?? 10_000,
    ...(options.maxBytes === undefined
      ? {}
      : { maxSize: options.maxBytes, sizeCalculation: (entry: Entry) => Buffer.byteLength(entry.json) }),
    // Keeps the tag index in step with evictions, overwrites and deletions.
    dispose: (entry, key) => untag(key, entry.tags),
  });

  const store: CacheStore = {
    async read(key) {
      const entry = entries.get(key);
      if (entry === undefined) return null;
      if (now() >= entry.expiresAt) {
        entries.delete(key);
        return null;
      }
      return entry.json;
    },
    async write(entry: StoreWrite) {
      for (const tag of entry.tags) {
        const invalidated = invalidatedAt.get(tag);
        if (invalidated !== undefined && invalidated.seq > entry.loadedSince) return false;
      }
      entries.set(entry.key, { json: entry.json, tags: entry.tags, expiresAt: now() + entry.ttlMs });
      if (!entries.has(entry.key)) return false; // Larger than maxBytes: refused by the LRU.
      for (const tag of entry.tags) {
        let keys = byTag.get(tag);
        if (keys === undefined) {
          keys = new Set();
          byTag.set(tag, keys);
        }
        keys.add(entry.key);
      }
      return true;
    },
    async tryLock(key, token, ttlMs): Promise<LockAttempt> {
      seq += 1;
      const held = locks.get(key);
      if (held !== undefined && now() < held.expiresAt) return { acquired: false, at: seq };
      locks.set(key, { token, expiresAt: now() + ttlMs });
      return { acquired: true, at: seq };
    },
    async unlock(key, token) {
      if (locks.get(key)?.token === token) locks.delete(key);
    },
    async invalidate(tags) {
      seq += 1;
      const at = now();
      for (const tag of tags) {
        for (const key of [...(byTag.get(tag) ?? [])]) entries.delete(key);
        byTag.delete(tag);
        invalidatedAt.set(tag, { seq, at });
      }
      if (invalidatedAt.size > 1_000) {
        for (const [tag, mark] of invalidatedAt) {
          if (at - mark.at > INVALIDATION_MEMORY_MS) invalidatedAt.delete(tag);
        }
      }
    },
    async close() {
      entries.clear();
      locks.clear();
      invalidatedAt.clear();
    },
  };

  return createCacheCore(store, {
    ...options,
    backend: 'memory',
    now,
    warn: throttledWarn(options.logger, DEFAULT_LOG_INTERVAL_MS, 'memory'),
  });
}
