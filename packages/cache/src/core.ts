import { randomUUID } from 'node:crypto';
import { parseEnvelope } from './envelope.js';
import type {
  Cache,
  CacheLogger,
  CacheStats,
  CacheStatus,
  Loader,
  WrapOptions,
  WrapResult,
} from './types.js';

/** Result of one lock attempt. `at` is the store's clock (an ordering token), taken with the attempt. */
export interface LockAttempt {
  acquired: boolean;
  at: number;
}

export interface StoreWrite {
  key: string;
  json: string;
  /** Lifetime of the stored entry (fresh + stale), milliseconds. */
  ttlMs: number;
  tags: readonly string[];
  /** `at` of the lock attempt made before the load: an invalidation of a tag after it wins. */
  loadedSince: number;
}

/**
 * What a backend provides. Any rejection is a backend failure, which the core turns into a bypass;
 * the core owns every cache semantic (freshness, single flight, stale-while-revalidate, limits).
 */
export interface CacheStore {
  read(key: string): Promise<string | null>;
  /** False when a tag was invalidated after `loadedSince`: the value may predate a write. */
  write(entry: StoreWrite): Promise<boolean>;
  tryLock(key: string, token: string, ttlMs: number): Promise<LockAttempt>;
  unlock(key: string, token: string): Promise<void>;
  invalidate(tags: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Options every backend takes; unset ones get the defaults below. */
export interface CommonCacheOptions {
  /** Default per-entry limit; `WrapOptions.maxEntryBytes` overrides it. */
  maxEntryBytes?: number;
  /** A lock holder that dies blocks its key at most this long. Keep it above the tool's timeout. */
  lockTtlMs?: number;
  /** A caller waits at most this long for another load of the same key before loading itself. */
  lockWaitMs?: number;
  logger?: CacheLogger;
}

export interface CoreOptions extends Omit<CommonCacheOptions, 'logger'> {
  backend: 'memory' | 'redis';
  now: () => number;
  /** Throttled: see `throttledWarn`. */
  warn: (error: unknown, message: string) => void;
}

export const DEFAULT_MAX_ENTRY_BYTES = 1_048_576;
export const DEFAULT_LOCK_TTL_MS = 5_000;
export const DEFAULT_LOCK_WAIT_MS = 3_000;
export const DEFAULT_LOG_INTERVAL_MS = 10_000;

const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 100;

/** A store call failed; the call in progress continues without the cache. */
class BackendError extends Error {}

interface Cached<T> {
  value: T;
  storedAt: number;
  freshUntil: number;
  staleUntil: number;
}

export function createCacheCore(store: CacheStore, options: CoreOptions): Cache {
  const { now, lockTtlMs = DEFAULT_LOCK_TTL_MS, lockWaitMs = DEFAULT_LOCK_WAIT_MS } = options;
  const maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  const counters: CacheStats = {
    hits: 0,
    misses: 0,
    stale: 0,
    bypasses: 0,
    loads: 0,
    skippedTooLarge: 0,
    errors: 0,
  };
  // Same key means same tool and schema version, hence the same T for every caller that joins.
  const flights = new Map<string, Promise<WrapResult<unknown>>>();
  const refreshes = new Map<string, Promise<void>>();
  const lifetime = new AbortController();
  const { warn } = options;
  let closed = false;

  function fail(error: unknown, message: string): void {
    counters.errors += 1;
    warn(error, message);
  }

  async function backend<R>(call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (error) {
      fail(error, 'cache backend unavailable; serving uncached');
      throw new BackendError('cache backend failed', { cause: error });
    }
  }

  /** `recheck`: the same lookup already read (and reported) this entry once. */
  async function read<T>(
    key: string,
    parse: (cached: unknown) => T,
    recheck = false,
  ): Promise<Cached<T> | null> {
    const raw = await backend(() => store.read(key));
    if (raw === null) return null;
    const envelope = parseEnvelope(raw);
    if (envelope === null) {
      if (!recheck) fail(new Error('not a cache envelope'), 'corrupt cache entry treated as a miss');
      return null;
    }
    try {
      return { ...envelope, value: parse(envelope.v) };
    } catch (error) {
      if (!recheck) fail(error, 'cached value failed to parse; treated as a miss');
      return null;
    }
  }

  async function runLoad<T>(load: Loader<T>): Promise<T> {
    counters.loads += 1;
    return load(lifetime.signal);
  }

  /** Stores a loaded value when its options allow; never fails the call that loaded it. */
  async function save<T>(key: string, wrap: WrapOptions<T>, value: T, loadedSince: number): Promise<void> {
    const entry = prepare(wrap, value);
    if (entry === null) return;
    try {
      await store.write({ key, ...entry, loadedSince });
    } catch (error) {
      fail(error, 'cache write failed; value returned uncached');
    }
  }

  /** The envelope to store, or null when the value is not to be stored. */
  function prepare<T>(
    wrap: WrapOptions<T>,
    value: T,
  ): { json: string; ttlMs: number; tags: string[] } | null {
    try {
      if (wrap.cacheable !== undefined && !wrap.cacheable(value)) return null;
      const ttlMs = typeof wrap.ttlMs === 'function' ? wrap.ttlMs(value) : wrap.ttlMs;
      if (!(ttlMs > 0 && Number.isFinite(ttlMs))) return null;
      const staleMs = Math.max(0, wrap.staleMs ?? 0);
      const storedAt = now();
      const envelope = {
        v: value,
        storedAt,
        freshUntil: storedAt + ttlMs,
        staleUntil: storedAt + ttlMs + staleMs,
      };
      const json = JSON.stringify(envelope);
      if (Buffer.byteLength(json) > (wrap.maxEntryBytes ?? maxEntryBytes)) {
        counters.skippedTooLarge += 1;
        return null;
      }
      return { json, ttlMs: ttlMs + staleMs, tags: [...new Set(wrap.tags?.(value) ?? [])] };
    } catch (error) {
      // A policy callback that throws, or a value JSON cannot hold: the caller still gets the value.
      fail(error, 'value not cached: its cache policy or serialization failed');
      return null;
    }
  }

  async function loadAndSave<T>(
    key: string,
    wrap: WrapOptions<T>,
    load: Loader<T>,
    since: number,
  ): Promise<T> {
    const value = await runLoad(load);
    await save(key, wrap, value, since);
    return value;
  }

  async function unlock(key: string, token: string): Promise<void> {
    try {
      await store.unlock(key, token);
    } catch (error) {
      // The lock expires on its own after lockTtlMs.
      fail(error, 'cache lock release failed');
    }
  }

  function served<T>(cached: Cached<T>, status: CacheStatus): WrapResult<T> {
    return { value: cached.value, status, ageMs: Math.max(0, now() - cached.storedAt) };
  }

  /** One background refresh per key per instance; across instances the lock decides who refreshes. */
  function refresh<T>(key: string, wrap: WrapOptions<T>, load: Loader<T>): void {
    if (refreshes.has(key) || closed) return;
    const task = (async () => {
      const token = randomUUID();
      const lock = await backend(() => store.tryLock(key, token, lockTtlMs));
      if (!lock.acquired) return;
      try {
        const cached = await read(key, wrap.parse);
        if (cached !== null && now() < cached.freshUntil) return;
        await loadAndSave(key, wrap, load, lock.at);
      } finally {
        await unlock(key, token);
      }
    })()
      .catch((error: unknown) => {
        // Backend failures are already counted; a failed load keeps the stale entry until staleUntil.
        if (!(error instanceof BackendError)) fail(error, 'background cache refresh failed');
      })
      .finally(() => refreshes.delete(key));
    refreshes.set(key, task);
  }

  async function lookup<T>(key: string, wrap: WrapOptions<T>, load: Loader<T>): Promise<WrapResult<T>> {
    const deadline = now() + lockWaitMs;
    let pause = FIRST_POLL_MS;
    for (;;) {
      const cached = await read(key, wrap.parse);
      if (cached !== null) {
        const at = now();
        if (at < cached.freshUntil) return served(cached, 'hit');
        if (at < cached.staleUntil) {
          refresh(key, wrap, load);
          return served(cached, 'stale');
        }
      }
      const token = randomUUID();
      const lock = await backend(() => store.tryLock(key, token, lockTtlMs));
      if (lock.acquired) {
        try {
          // Another instance may have stored the entry between our read and our lock.
          const again = await read(key, wrap.parse, true);
          if (again !== null && now() < again.freshUntil) return served(again, 'hit');
          return { value: await loadAndSave(key, wrap, load, lock.at), status: 'miss', ageMs: 0 };
        } finally {
          await unlock(key, token);
        }
      }
      const remaining = deadline - now();
      if (remaining <= 0) {
        // The holder is slow or gone: never wait without bound.
        return { value: await loadAndSave(key, wrap, load, lock.at), status: 'miss', ageMs: 0 };
      }
      await sleep(Math.min(pause, remaining));
      pause = Math.min(pause * 2, MAX_POLL_MS);
    }
  }

  async function resolve<T>(key: string, wrap: WrapOptions<T>, load: Loader<T>): Promise<WrapResult<T>> {
    if (closed) return { value: await runLoad(load), status: 'bypass', ageMs: 0 };
    try {
      return await lookup(key, wrap, load);
    } catch (error) {
      // Only the backend's failures are swallowed; the load's own errors reach the caller.
      if (!(error instanceof BackendError)) throw error;
      return { value: await runLoad(load), status: 'bypass', ageMs: 0 };
    }
  }

  const counterOf = {
    hit: 'hits',
    miss: 'misses',
    stale: 'stale',
    bypass: 'bypasses',
  } as const satisfies Record<CacheStatus, keyof CacheStats>;

  return {
    async wrap<T>(key: string, wrap: WrapOptions<T>, load: Loader<T>): Promise<WrapResult<T>> {
      let flight = flights.get(key);
      if (flight === undefined) {
        const started: Promise<WrapResult<unknown>> = resolve(key, wrap, load).finally(() => {
          if (flights.get(key) === started) flights.delete(key);
        });
        flights.set(key, started);
        flight = started;
      }
      // Joiners share the first caller's load; a key fixes the tool and schema, hence T.
      const result = (await flight) as WrapResult<T>;
      counters[counterOf[result.status]] += 1;
      return result;
    },

    async invalidateTags(tags: readonly string[]): Promise<void> {
      const unique = [...new Set(tags)];
      if (unique.length === 0 || closed) return;
      try {
        await store.invalidate(unique);
      } catch (error) {
        // Entries under these tags live on until their TTL; the write itself succeeded.
        fail(error, 'cache tag invalidation failed');
      }
    },

    stats(): CacheStats {
      return { ...counters };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      lifetime.abort(new Error('cache closed'));
      await Promise.allSettled([...refreshes.values()]);
      await store.close();
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Logs the first failure at once, then at most one line per interval with the count it stood for. */
export function throttledWarn(
  logger: CacheLogger | undefined,
  intervalMs: number,
  backend: string,
): (error: unknown, message: string) => void {
  let lastAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (error, message) => {
    if (logger === undefined) return;
    const at = Date.now();
    if (at - lastAt < intervalMs) {
      suppressed += 1;
      return;
    }
    lastAt = at;
    logger.warn({ err: error, cache: backend, suppressedSinceLast: suppressed }, message);
    suppressed = 0;
  };
}
