import { Redis } from 'ioredis';
import type { RedisSettings } from './config.js';
import type { GatewayLogger } from './logger.js';

/**
 * A Redis client that never makes a request wait on an outage: commands fail at once while
 * disconnected (no offline queue), each command has a timeout, and reconnection goes on in the
 * background with capped backoff. Callers decide what a failure means (fail open or closed).
 */
export function createRedis(settings: RedisSettings, logger: GatewayLogger): Redis {
  const redis = new Redis(settings.url, {
    keyPrefix: settings.keyPrefix,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
  });
  let healthy: boolean | undefined;
  redis.on('ready', () => {
    if (healthy !== true) logger.info({ redis: redactUrl(settings.url) }, 'redis connected');
    healthy = true;
  });
  redis.on('error', (error) => {
    if (healthy !== false) logger.warn({ err: error, redis: redactUrl(settings.url) }, 'redis unavailable');
    healthy = false;
  });
  // Connection errors surface through the 'error' event; commands fail fast meanwhile.
  redis.connect().catch(() => undefined);
  return redis;
}

/** Answers within the deadline whether Redis takes commands. */
export async function pingRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid url)';
  }
}
