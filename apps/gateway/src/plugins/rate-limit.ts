import rateLimit from '@fastify/rate-limit';
import type { Principal } from '@switchboard/kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { RateLimitSettings } from '../config.js';
import { jsonRpcError } from './origin.js';

export interface RateLimitOptions {
  settings: RateLimitSettings;
  /** Shared store across replicas; without it the limit is per process. */
  redis?: Redis;
  principalOf(request: FastifyRequest): Principal;
  /** Counts refusals and store failures (metrics hook). */
  onEvent?(event: 'limited' | 'store_error_open' | 'store_error_closed'): void;
}

/** The limit that applies to a principal: the first matching class, else the default. */
export function limitFor(settings: RateLimitSettings, principal: Principal): { max: number; name: string } {
  for (const limit of settings.classes) {
    if (limit.principal !== undefined && limit.principal === principal.id) return limit;
    if (limit.scope !== undefined && principal.scopes.has(limit.scope)) return limit;
  }
  return { max: settings.max, name: 'default' };
}

/**
 * Per-principal rate limit on /mcp with @fastify/rate-limit and, when configured, its Redis store,
 * so every replica counts against one limit. Store failures never hang a request (the Redis client
 * fails fast); `onStoreError` decides whether such a request passes (open) or is refused (closed).
 */
export async function rateLimitHook(app: FastifyInstance, options: RateLimitOptions) {
  const { settings } = options;
  // Everything is set at registration: createRateLimit() with options would derive a per-route
  // store whose keys carry an undefined method and URL.
  await app.register(rateLimit, {
    global: false,
    skipOnError: false,
    nameSpace: 'rl:',
    keyGenerator: (request) => options.principalOf(request).id,
    max: (request) => limitFor(settings, options.principalOf(request)).max,
    timeWindow: settings.windowMs,
    ...(options.redis ? { redis: options.redis } : {}),
  });
  const limiter = app.createRateLimit();

  return async (request: FastifyRequest, reply: FastifyReply) => {
    let result: Awaited<ReturnType<typeof limiter>>;
    try {
      result = await limiter(request);
    } catch (error) {
      if (settings.onStoreError === 'open') {
        options.onEvent?.('store_error_open');
        request.log.warn({ err: error }, 'rate limit store unavailable: request let through (fail open)');
        return;
      }
      options.onEvent?.('store_error_closed');
      request.log.error({ err: error }, 'rate limit store unavailable: request refused (fail closed)');
      return reply
        .code(503)
        .header('retry-after', '1')
        .send(
          jsonRpcError(
            -32000,
            'The rate limiter is unavailable, so requests are refused for now; retry shortly.',
          ),
        );
    }
    if (result.isAllowed) return;
    reply.header('x-ratelimit-limit', result.max);
    reply.header('x-ratelimit-remaining', result.remaining);
    reply.header('x-ratelimit-reset', result.ttlInSeconds);
    if (!result.isExceeded) return;
    options.onEvent?.('limited');
    const principal = options.principalOf(request);
    const seconds = Math.max(1, result.ttlInSeconds);
    request.log.info({ principal: principal.id, max: result.max }, 'rate limited');
    return reply
      .code(429)
      .header('retry-after', String(seconds))
      .send({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: -32000,
          message: `Rate limit exceeded: ${result.max} requests per ${Math.round(result.timeWindow / 1000)} s for ${principal.id}. Retry after ${seconds} s.`,
          data: { retryAfterMs: seconds * 1000, limit: result.max, windowMs: result.timeWindow },
        },
      });
  };
}
