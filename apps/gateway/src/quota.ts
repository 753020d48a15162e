import { ToolError, type UpstreamQuota } from '@switchboard/kit';
import type { Redis } from 'ioredis';
import type { GatewayLogger } from './logger.js';

/**
 * Token bucket in Redis, refilled continuously at limit/interval, atomic across replicas. Redis's
 * own clock is used so that replicas with skewed clocks share one bucket correctly.
 * Returns {1, 0} when taken, {0, ms until enough tokens} when not.
 */
const TAKE = `
local key = KEYS[1]
local capacity = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil then
  tokens = capacity
  at = now
end
local rate = capacity / interval
tokens = math.min(capacity, tokens + (now - at) * rate)
local allowed = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = math.ceil((cost - tokens) / rate)
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', key, interval * 2)
return {allowed, wait}
`;

interface Bucket {
  tokens: number;
  at: number;
}

export interface QuotaTarget {
  namespace: string;
  title: string;
  quota: UpstreamQuota;
}

/**
 * Upstream quotas per connector instance, checked before the vendor is called so that many agents
 * together cannot exhaust a vendor's window. Shared through Redis when there is one, per process
 * otherwise. A Redis failure lets the call through (the vendor's own limit still answers) and is
 * logged: the quota protects the vendor allocation, it must not become an outage of its own.
 */
export class QuotaGuard {
  private readonly local = new Map<string, Bucket>();
  private warned = false;

  constructor(
    private readonly redis: Redis | undefined,
    private readonly logger: GatewayLogger,
  ) {}

  async take(target: QuotaTarget, cost: number): Promise<void> {
    const { quota } = target;
    const waitMs = this.redis
      ? await this.takeShared(target.namespace, quota, cost)
      : this.takeLocal(target.namespace, quota, cost);
    if (waitMs === 0) return;
    throw new ToolError(
      'rate_limited',
      `${target.title} (${target.namespace}) is at its request quota (${quota.limit} per ${Math.round(quota.intervalMs / 1000)} s, ${quota.source}).`,
      { retryAfterMs: waitMs },
    );
  }

  private async takeShared(namespace: string, quota: UpstreamQuota, cost: number): Promise<number> {
    const redis = this.redis;
    if (!redis) return 0;
    try {
      const result: unknown = await redis.eval(
        TAKE,
        1,
        `quota:${namespace}`,
        quota.limit,
        quota.intervalMs,
        cost,
      );
      if (!Array.isArray(result) || typeof result[0] !== 'number' || typeof result[1] !== 'number') {
        throw new Error('unexpected quota script result');
      }
      this.warned = false;
      return result[0] === 1 ? 0 : Math.max(1, result[1]);
    } catch (error) {
      if (!this.warned)
        this.logger.warn({ err: error, namespace }, 'upstream quota unavailable: calls let through');
      this.warned = true;
      return 0;
    }
  }

  private takeLocal(namespace: string, quota: UpstreamQuota, cost: number): number {
    const now = Date.now();
    const rate = quota.limit / quota.intervalMs;
    const bucket = this.local.get(namespace) ?? { tokens: quota.limit, at: now };
    bucket.tokens = Math.min(quota.limit, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    this.local.set(namespace, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return Math.max(1, Math.ceil((cost - bucket.tokens) / rate));
  }
}
