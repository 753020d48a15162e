import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** Whether the machine's Redis answers; tests that need it fail under CI=true and skip loudly otherwise. */
export async function redisAvailable(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export function requireRedis(available: boolean, what: string): void {
  if (available) return;
  if (process.env.CI === 'true')
    throw new Error(`Redis is not reachable at ${REDIS_URL}; CI=true requires it for ${what}.`);
  process.stderr.write(`\n*** SKIPPED: ${what} (no Redis at ${REDIS_URL}). ***\n\n`);
}

/** A key prefix of its own for one test file, and a cleanup that deletes everything under it. */
export function testKeyPrefix(): { prefix: string; cleanup(): Promise<void> } {
  const prefix = `switchboard-test:${randomBytes(6).toString('hex')}:`;
  return {
    prefix,
    async cleanup() {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}
