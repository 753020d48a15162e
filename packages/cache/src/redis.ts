import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  type CacheStore,
  type CommonCacheOptions,
  createCacheCore,
  DEFAULT_LOG_INTERVAL_MS,
  type LockAttempt,
  throttledWarn,
} from './core.js';
import type { Cache } from './types.js';

export interface RedisCacheOptions extends CommonCacheOptions {
  /**
   * A client for the Redis to use. The cache opens its own connection from it (`duplicate`) with
   * fail-fast settings, so the caller's client keeps its own and is never closed by the cache.
   */
  redis: Redis;
  /** Prefix of every key the cache writes (after the client's own `keyPrefix`). */
  prefix?: string;
  /** Per-command deadline; a slower Redis is treated as down. */
  commandTimeoutMs?: number;
  /** At most one warning per interval while Redis fails. */
  logIntervalMs?: number;
}

export const DEFAULT_REDIS_PREFIX = 'switchboard:cache:';
const DEFAULT_COMMAND_TIMEOUT_MS = 500;
/** After a failure, skip Redis this long, so a hung server costs one timeout per second, not per call. */
const CIRCUIT_OPEN_MS = 1_000;
/** How long an invalidation is remembered to refuse the store of a load that overlapped it. */
const INVALIDATION_MEMORY_MS = 60_000;

class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

/** SET NX with the server's clock in microseconds (an ordering token shared by every instance). */
const LOCK = new Script(`
local ok = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
local t = redis.call('TIME')
return {ok and 1 or 0, t[1], t[2]}`);

/** Compare-and-delete: never release a lock that expired and now belongs to someone else. */
const UNLOCK = new Script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * KEYS: entry, n tag sets, n invalidation marks. ARGV: json, ttl ms, n, loadedSince (µs).
 * Atomic with INVALIDATE, so an invalidation either deletes this entry or refuses it.
 */
const WRITE = new Script(`
local n = tonumber(ARGV[3])
local since = tonumber(ARGV[4])
local ttl = tonumber(ARGV[2])
for i = 1, n do
  local mark = redis.call('GET', KEYS[1 + n + i])
  if mark and tonumber(mark) >= since then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
for i = 1, n do
  local tag = KEYS[1 + i]
  redis.call('SADD', tag, KEYS[1])
  if redis.call('PTTL', tag) < ttl then redis.call('PEXPIRE', tag, ttl) end
end
return 1`);

/** KEYS: n tag sets, n invalidation marks. ARGV: mark ttl ms. */
const INVALIDATE = new Script(`
local n = #KEYS / 2
local t = redis.call('TIME')
local at = t[1] .. string.rep('0', 6 - #t[2]) .. t[2]
for i = 1, n do
  local members = redis.call('SMEMBERS', KEYS[i])
  for j = 1, #members, 500 do
    redis.call('DEL', unpack(members, j, math.min(j + 499, #members)))
  end
  redis.call('DEL', KEYS[i])
  redis.call('SET', KEYS[n + i], at, 'PX', ARGV[1])
end
return n`);

/**
 * The shared cache of a fleet of gateways. Any Redis failure makes the call a bypass: the load runs
 * directly (still single-flight within the instance) and the caller never sees an error.
 * Standalone or Sentinel Redis: the write and invalidate scripts touch several keys at once.
 */
export function createRedisCache(options: RedisCacheOptions): Cache {
  const prefix = options.prefix ?? DEFAULT_REDIS_PREFIX;
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const logIntervalMs = options.logIntervalMs ?? DEFAULT_LOG_INTERVAL_MS;
  const redis = options.redis.duplicate({
    lazyConnect: false,
    // Fail fast: no queue while disconnected, no retries of a command, a deadline per command.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
  });
  // One throttle for connection errors and failed calls: an outage is a line per interval, not a flood.
  const warn = throttledWarn(options.logger, logIntervalMs, 'redis');
  redis.on('error', (error: unknown) => warn(error, 'cache redis connection error'));
  // Calls made while the first connection attempt is under way wait for it (bounded); once it has
  // succeeded or failed, a Redis that is not ready means an immediate bypass.
  let firstAttemptDone = false;
  const firstAttempt = new Promise<void>((resolve) => {
    const done = () => {
      firstAttemptDone = true;
      resolve();
    };
    redis.once('ready', done);
    redis.once('error', done);
    redis.once('close', done);
  });
  let openUntil = 0;

  async function command<R>(call: () => Promise<R>): Promise<R> {
    if (!firstAttemptDone) await withTimeout(firstAttempt, commandTimeoutMs);
    if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
    if (Date.now() < openUntil) throw new Error('redis skipped after a recent failure');
    try {
      return await call();
    } catch (error) {
      openUntil = Date.now() + CIRCUIT_OPEN_MS;
      throw error;
    }
  }

  async function run(
    script: Script,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    const params = [...keys, ...args];
    try {
      return await redis.evalsha(script.sha, keys.length, ...params);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return redis.eval(script.source, keys.length, ...params);
    }
  }

  const entryKey = (key: string) => `${prefix}e:${key}`;
  const lockKey = (key: string) => `${prefix}l:${key}`;
  const tagKey = (tag: string) => `${prefix}t:${tag}`;
  const markKey = (tag: string) => `${prefix}i:${tag}`;

  const store: CacheStore = {
    read: (key) => command(() => redis.get(entryKey(key))),
    write: (entry) =>
      command(async () => {
        const keys = [entryKey(entry.key), ...entry.tags.map(tagKey), ...entry.tags.map(markKey)];
        const args = [entry.json, Math.max(1, Math.ceil(entry.ttlMs)), entry.tags.length, entry.loadedSince];
        return (await run(WRITE, keys, args)) === 1;
      }),
    tryLock: (key, token, ttlMs) =>
      command(async () =>
        parseLockReply(await run(LOCK, [lockKey(key)], [token, Math.max(1, Math.ceil(ttlMs))])),
      ),
    unlock: (key, token) =>
      command(async () => {
        await run(UNLOCK, [lockKey(key)], [token]);
      }),
    invalidate: (tags) =>
      command(async () => {
        await run(INVALIDATE, [...tags.map(tagKey), ...tags.map(markKey)], [INVALIDATION_MEMORY_MS]);
      }),
    async close() {
      try {
        if (redis.status === 'ready') await redis.quit();
      } catch {
        // Closing anyway.
      } finally {
        redis.disconnect();
      }
    },
  };

  return createCacheCore(store, { ...options, backend: 'redis', now: Date.now, warn });
}

/** `{acquired, seconds, microseconds}` from LOCK, as a LockAttempt with `at` in microseconds. */
function parseLockReply(reply: unknown): LockAttempt {
  if (!Array.isArray(reply) || reply.length !== 3) throw new Error('unexpected lock reply from redis');
  const [flag, seconds, micros]: unknown[] = reply;
  const s = Number(seconds);
  const us = Number(micros);
  if (!Number.isSafeInteger(s) || !Number.isSafeInteger(us) || (flag !== 0 && flag !== 1)) {
    throw new Error('unexpected lock reply from redis');
  }
  return { acquired: flag === 1, at: s * 1_000_000 + us };
}

async function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`redis not ready within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
