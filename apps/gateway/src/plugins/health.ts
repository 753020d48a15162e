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
    const connectors = await runtime.check(runtime.config.server.readinessTimeoutMs);
    const failing = Object.entries(connectors).filter(([, check]) => check.status !== 'ok');
    if (failing.length > 0) {
      return reply.code(503).send({
        status: 'not_ready',
        reason: failing.map(([name, check]) => `${name}: ${check.reason ?? 'not ready'}`).join('; '),
        connectors,
      });
    }
    return { status: 'ready', connectors };
  });
}
