import { requireScopes } from '@switchboard/auth';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HttpEndpoint } from '../mcp.js';
import { type AuthSetup, authenticateHook, refuse } from './auth.js';
import { cancellationOf, toolCallOf } from './context.js';
import { isLoopbackHost, jsonRpcError, OriginGuard } from './origin.js';
import { rateLimitHook } from './rate-limit.js';

/** Levels of arrays and objects a message may nest, envelope included. */
const MAX_NESTING = 64;

/** Whether `value` nests arrays and objects deeper than `limit` (iterative: any depth is safe to measure). */
export function nestingExceeds(value: unknown, limit: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth });
  }
  return false;
}

/** The protocol revisions that allow a JSON-RPC batch in one POST. */
const BATCH_VERSIONS = new Set(['2025-03-26']);

/**
 * The MCP endpoint as an encapsulated plugin: its guards (origin, authentication, rate limit, scopes)
 * apply to /mcp only, in that order, each marking a refusal once (`request.refusal`) for the shared
 * accounting in the request context.
 */
export async function mcpRoute(app: FastifyInstance, options: { auth: AuthSetup | undefined }) {
  const { runtime } = app;
  const { auth } = options;
  const { server } = runtime.config;
  const { lifecycle } = runtime;
  const endpoint = new HttpEndpoint(runtime, app.log);
  app.addHook('onClose', async () => endpoint.close());

  const guard = new OriginGuard({
    loopback: isLoopbackHost(server.host),
    allowedHosts: server.allowedHosts,
    allowedOrigins: server.allowedOrigins,
  });
  app.addHook('onRequest', async (request, reply) => {
    await guard.hook(request, reply);
    if (reply.sent) request.refusal = 'origin';
  });

  if (auth) {
    const authenticate = authenticateHook(auth);
    app.addHook('preHandler', async (request, reply) => {
      await authenticate(request, reply);
      if (reply.sent) request.refusal = 'unauthenticated';
    });
  }

  if (runtime.config.rateLimit.enabled) {
    const limit = await rateLimitHook(app, {
      settings: runtime.config.rateLimit,
      ...(runtime.redis ? { redis: runtime.redis } : {}),
      principalOf: (request) => request.principal,
    });
    app.addHook('preHandler', async (request, reply) => {
      await limit(request, reply);
      if (reply.sent) request.refusal = reply.statusCode === 429 ? 'rate_limited' : 'unavailable';
    });
  }

  app.setErrorHandler(async (error, request, reply) => {
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

  app.post('/mcp', async (request, reply) => {
    if (lifecycle.shuttingDown) {
      request.refusal = 'unavailable';
      return reply.code(503).header('retry-after', '1').send(jsonRpcError(-32000, 'Shutting down; retry.'));
    }
    // Nothing a client needs nests this deep; refusing it here keeps deep input from reaching any
    // recursive code (serializers, validators, the audit) and from having effects first.
    if (nestingExceeds(request.body, MAX_NESTING)) {
      return reply
        .code(400)
        .send(
          jsonRpcError(
            -32600,
            `Invalid request: the message nests deeper than ${MAX_NESTING} levels; flatten it.`,
          ),
        );
    }
    // JSON-RPC batches were removed in MCP 2025-06-18; only a 2025-03-26 client may send one.
    const version = request.headers['mcp-protocol-version'];
    if (Array.isArray(request.body) && typeof version === 'string' && !BATCH_VERSIONS.has(version)) {
      return reply
        .code(400)
        .send(
          jsonRpcError(
            -32600,
            `Invalid request: MCP ${version} has no JSON-RPC batches; send one message per POST.`,
          ),
        );
    }
    // A tool outside the principal's scopes: 403 insufficient_scope naming the scope (MCP
    // authorization), before any dispatch or upstream work.
    const call = toolCallOf(request.body);
    const entry = call ? runtime.registry.tools.get(call.params.name) : undefined;
    const missing = entry ? requireScopes(request.principal, entry.scopes) : null;
    if (call && missing) {
      request.refusal = 'forbidden';
      if (auth) return refuse(reply, auth, missing, call.id ?? null);
      return reply.code(403).send({ ...jsonRpcError(-32003, missing.description), id: call.id ?? null });
    }

    // The SDK transport writes the raw response: carry over headers set by earlier hooks
    // (request id, rate-limit state) before Fastify lets go of the reply.
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value);
    }
    reply.hijack();
    // A cancellation stops the named call if this process runs it; the SDK then acknowledges it.
    const cancel = cancellationOf(request.body);
    if (cancel) runtime.inFlight.cancel(request.principal.id, cancel.requestId, cancel.reason);
    // A tool call can be cancelled by the client, by notification or by going away before the answer.
    const running =
      call?.id === undefined ? undefined : runtime.inFlight.begin(request.principal.id, call.id);
    const clientGone = new AbortController();
    reply.raw.on('close', () => {
      running?.end();
      if (!reply.raw.writableFinished)
        clientGone.abort(new DOMException('The client went away.', 'AbortError'));
    });
    const session = {
      principal: request.principal,
      requestId: request.id,
      logger: request.log.child({ principal: request.principal.id }),
      signal: running ? AbortSignal.any([running.signal, clientGone.signal]) : clientGone.signal,
    };
    try {
      await endpoint.handle(session, request.raw, reply.raw, request.body);
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
      .send(jsonRpcError(-32000, 'Method not allowed: this endpoint is stateless; send requests with POST.'));
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);
}
