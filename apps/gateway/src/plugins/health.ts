import type { FastifyInstance } from 'fastify';
import type { Lifecycle } from '../lifecycle.js';
import type { Runtime } from '../runtime.js';

/**
 * `/healthz`: the process is alive (no dependency is checked, so a vendor outage never restarts
 * pods). `/readyz`: every connector instance answers its check; 503 names what is not ready.
 */
export async function healthRoutes(
  app: FastifyInstance,
  options: { runtime: Runtime; lifecycle: Lifecycle },
) {
  const { runtime, lifecycle } = options;

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (lifecycle.shuttingDown) {
      return reply.code(503).send({ status: 'not_ready', reason: 'shutting down', connectors: {} });
    }
    const timeoutMs = runtime.config.server.readinessTimeoutMs;
    const [connectors, dependencies] = await Promise.all([
      runtime.check(timeoutMs),
      runtime.checkDependencies(timeoutMs),
    ]);
    const failing = Object.entries(connectors).filter(([, check]) => check.status !== 'ok');
    // Redis down makes the gateway slower, not broken, unless the rate limiter fails closed.
    const redisDown = dependencies.redis?.status === 'error';
    const redisBlocks =
      redisDown && runtime.config.rateLimit.enabled && runtime.config.rateLimit.onStoreError === 'closed';
    if (failing.length > 0 || redisBlocks) {
      const reasons = failing.map(([name, check]) => `${name}: ${check.reason ?? 'not ready'}`);
      if (redisBlocks)
        reasons.push(`redis: ${dependencies.redis?.reason ?? 'unavailable'} (rate limiter fails closed)`);
      return reply
        .code(503)
        .send({ status: 'not_ready', reason: reasons.join('; '), connectors, dependencies });
    }
    return {
      status: redisDown ? 'degraded' : 'ready',
      ...(redisDown
        ? {
            reason: `redis: ${dependencies.redis?.reason ?? 'unavailable'} (running uncached, limits fail open)`,
          }
        : {}),
      connectors,
      dependencies,
    };
  });
}
