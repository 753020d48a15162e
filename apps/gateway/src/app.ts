import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { GatewayLogger } from './logger.js';
import { buildAuth, metadataRoutes } from './plugins/auth.js';
import { requestContext, requestIdOf } from './plugins/context.js';
import { healthRoutes } from './plugins/health.js';
import { mcpRoute } from './plugins/mcp-route.js';
import type { Runtime } from './runtime.js';

export { LOCAL_PRINCIPAL } from './plugins/context.js';

export interface AppOptions {
  runtime: Runtime;
  logger: GatewayLogger;
}

/** `/metrics`, scraped from inside the cluster; keep it off the public ingress (docs/operations.md). */
async function metricsRoute(app: FastifyInstance) {
  const { metrics } = app.runtime;
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}

/** Builds the Fastify app. Never listens: `main.ts` does, tests use `inject()` or port 0. */
export async function buildApp(options: AppOptions) {
  const { runtime, logger } = options;

  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: runtime.config.server.bodyLimitBytes,
    genReqId: (req) => requestIdOf(req.headers['x-request-id']),
    // One access line per request, written by the request context, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });

  await app.register(requestContext, { runtime });
  await app.register(healthRoutes, { runtime, lifecycle: runtime.lifecycle });
  await app.register(metricsRoute);

  const scopesSupported = [
    ...new Set([...runtime.registry.tools.values()].flatMap((entry) => entry.scopes)),
  ].sort();
  const auth = runtime.config.auth
    ? buildAuth(runtime.config.auth, runtime.store?.apiKeys, scopesSupported, logger)
    : undefined;
  if (auth) await app.register(metadataRoutes, { setup: auth });
  await app.register(mcpRoute, { auth });

  return app;
}
