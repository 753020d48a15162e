import { randomUUID } from 'node:crypto';
import { requireScopes } from '@switchboard/auth';
import type { Principal } from '@switchboard/kit';
import Fastify, { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { z } from 'zod';
import type { GatewayLogger } from './logger.js';
import { handleHttpRequest } from './mcp.js';
import { recordCall } from './pipeline.js';
import { authenticateHook, buildAuth, metadataRoutes, refuse } from './plugins/auth.js';
import { healthRoutes } from './plugins/health.js';
import { isLoopbackHost, jsonRpcError, OriginGuard } from './plugins/origin.js';
import { rateLimitHook } from './plugins/rate-limit.js';
import type { Runtime } from './runtime.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The part of a JSON-RPC tools/call the HTTP layer looks at before dispatch (scopes, audit). */
const ToolCallMessage = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  method: z.literal('tools/call'),
  params: z.object({ name: z.string(), arguments: z.unknown().optional() }),
});

function toolCallOf(body: unknown) {
  const parsed = ToolCallMessage.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Until authentication exists the gateway serves one principal with every scope, and only on a
 * loopback interface (`serve` refuses anything else).
 */
export const LOCAL_PRINCIPAL: Principal = { id: 'local', kind: 'local', scopes: new Set(['*']) };

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set by authentication before any MCP processing. */
    principal: Principal;
  }
}

export interface AppOptions {
  runtime: Runtime;
  logger: GatewayLogger;
}

/** Builds the Fastify app. Never listens: `main.ts` does, tests use `inject()` or port 0. */
export async function buildApp(options: AppOptions) {
  const { runtime, logger } = options;
  const { lifecycle, metrics } = runtime;
  const { server } = runtime.config;

  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: server.bodyLimitBytes,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // One access line per request, written in onResponse below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  await app.register(healthRoutes, { runtime, lifecycle });

  // Scraped from inside the cluster; keep it off the public ingress (see docs/operations.md).
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  const guard = new OriginGuard({
    loopback: isLoopbackHost(server.host),
    allowedHosts: server.allowedHosts,
    allowedOrigins: server.allowedOrigins,
  });

  // Per-request storage behind a getter: Fastify refuses shared object defaults on requests.
  const principals = new WeakMap<object, Principal>();
  app.decorateRequest('principal', {
    getter(this: object) {
      return principals.get(this) ?? LOCAL_PRINCIPAL;
    },
    setter(this: object, value: Principal) {
      principals.set(this, value);
    },
  });

  const scopesSupported = [
    ...new Set([...runtime.registry.tools.values()].flatMap((entry) => entry.scopes)),
  ].sort();
  const auth = runtime.config.auth
    ? buildAuth(runtime.config.auth, runtime.store?.apiKeys, scopesSupported, logger)
    : undefined;
  if (auth) await app.register(metadataRoutes, { setup: auth });

  /** Audits a tools/call refused before dispatch (unauthenticated, rate limited, out of scope). */
  const auditRefusal = (request: FastifyRequest, outcome: string, principal: string) => {
    const call = toolCallOf(request.body);
    if (!call) return;
    recordCall(runtime, {
      at: new Date(),
      requestId: request.id,
      principal,
      tool: call.params.name,
      args: call.params.arguments,
      outcome,
      durationMs: 0,
    });
  };

  await app.register(async (mcp) => {
    mcp.addHook('onRequest', async (request, reply) => {
      await guard.hook(request, reply);
      if (reply.sent) metrics.refused.inc({ reason: 'origin' });
    });
    if (auth) {
      const authenticate = authenticateHook(auth);
      mcp.addHook('preHandler', async (request, reply) => {
        await authenticate(request, reply);
        if (reply.sent) {
          metrics.refused.inc({ reason: 'unauthenticated' });
          auditRefusal(request, 'unauthenticated', 'anonymous');
        }
      });
    }
    if (runtime.config.rateLimit.enabled) {
      const limit = await rateLimitHook(mcp, {
        settings: runtime.config.rateLimit,
        ...(runtime.redis ? { redis: runtime.redis } : {}),
        principalOf: (request) => request.principal,
      });
      mcp.addHook('preHandler', async (request, reply) => {
        await limit(request, reply);
        if (reply.sent) {
          const reason = reply.statusCode === 429 ? 'rate_limited' : 'unavailable';
          metrics.refused.inc({ reason });
          auditRefusal(request, reason, request.principal.id);
        }
      });
    }

    mcp.setErrorHandler(async (error, request, reply) => {
      const code = error instanceof Error && 'code' in error ? error.code : undefined;
      const statusCode = error instanceof Error && 'statusCode' in error ? error.statusCode : undefined;
      const status = typeof statusCode === 'number' ? statusCode : 500;
      if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
        return reply.code(400).send(jsonRpcError(-32700, 'Parse error: the body is not valid JSON.'));
      }
      if (status < 500 && error instanceof Error) {
        return reply.code(status).send(jsonRpcError(-32600, `Invalid request: ${error.message}`));
      }
      request.log.error({ err: error }, 'mcp route failed');
      return reply.code(500).send(jsonRpcError(-32603, `Internal error (request ${request.id}).`));
    });

    mcp.post('/mcp', async (request, reply) => {
      if (lifecycle.shuttingDown) {
        metrics.refused.inc({ reason: 'unavailable' });
        auditRefusal(request, 'unavailable', request.principal.id);
        return reply.code(503).header('retry-after', '1').send(jsonRpcError(-32000, 'Shutting down; retry.'));
      }
      // A tool outside the principal's scopes: 403 insufficient_scope naming the scope (MCP
      // authorization), before any dispatch or upstream work.
      const call = toolCallOf(request.body);
      const entry = call ? runtime.registry.tools.get(call.params.name) : undefined;
      const missing = entry ? requireScopes(request.principal, entry.scopes) : null;
      if (call && missing) {
        metrics.refused.inc({ reason: 'forbidden' });
        auditRefusal(request, 'forbidden', request.principal.id);
        if (auth) return refuse(reply, auth, missing, call.id ?? null);
        return reply.code(403).send({ ...jsonRpcError(-32003, missing.description), id: call.id ?? null });
      }

      // The SDK transport writes the raw response: carry over headers set by earlier hooks
      // (request id, rate-limit state) before Fastify lets go of the reply.
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) reply.raw.setHeader(name, value);
      }
      reply.hijack();
      const session = {
        principal: request.principal,
        requestId: request.id,
        logger: request.log.child({ principal: request.principal.id }),
      };
      try {
        await handleHttpRequest(runtime, session, request.raw, reply.raw, request.body);
      } catch (error) {
        request.log.error({ err: error }, 'mcp transport failed');
        if (!reply.raw.headersSent) {
          reply.raw.writeHead(500, { 'content-type': 'application/json' });
          reply.raw.end(JSON.stringify(jsonRpcError(-32603, `Internal error (request ${request.id}).`)));
        }
      }
    });

    // Stateless Streamable HTTP: no server-initiated stream and no session to delete (MCP 2025-11-25
    // allows 405 for both).
    const notAllowed = async (_request: unknown, reply: FastifyReply) =>
      reply
        .code(405)
        .header('allow', 'POST')
        .send(
          jsonRpcError(-32000, 'Method not allowed: this endpoint is stateless; send requests with POST.'),
        );
    mcp.get('/mcp', notAllowed);
    mcp.delete('/mcp', notAllowed);
  });

  return app;
}
