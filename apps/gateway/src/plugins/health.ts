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
    const failures = failing.map(([name, check]) => `${name}: ${check.reason ?? 'not ready'}`);
    // One vendor's outage may be made to degrade rather than unready every replica at once.
    const requireConnectors = runtime.config.server.readinessRequiresConnectors;
    const reasons = requireConnectors ? failures : [];
    const degraded: string[] = requireConnectors ? [] : failures;
    const { redis, database } = dependencies;
    // Redis down makes the gateway slower, not broken, unless the rate limiter fails closed.
    if (redis?.status === 'error') {
      const { rateLimit } = runtime.config;
      if (rateLimit.enabled && rateLimit.onStoreError === 'closed') {
        reasons.push(`redis: ${redis.reason ?? 'unavailable'} (rate limiter fails closed)`);
      } else {
        degraded.push(`redis: ${redis.reason ?? 'unavailable'} (limits per process, fail open)`);
      }
    }
    // Without the database no API key can be checked; the audit trail alone only buffers.
    if (database?.status === 'error') {
      // With an OIDC issuer as well, token holders still get through: degraded, not unready.
      const keysOnly = runtime.config.auth?.apiKeys.enabled === true && !runtime.config.auth.oidc;
      if (keysOnly) reasons.push(`database: ${database.reason ?? 'unavailable'} (API keys)`);
      else degraded.push(`database: ${database.reason ?? 'unavailable'} (audit rows buffered)`);
    }
    if (reasons.length > 0) {
      return reply
        .code(503)
        .send({ status: 'not_ready', reason: reasons.join('; '), connectors, dependencies });
    }
    if (degraded.length > 0)
      return { status: 'degraded', reason: degraded.join('; '), connectors, dependencies };
    return { status: 'ready', connectors, dependencies };
  });
}
