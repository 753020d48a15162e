import { randomUUID } from 'node:crypto';
import type { Principal } from '@switchboard/kit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import type { RefusalReason } from '../metrics.js';
import { recordCall } from '../pipeline.js';
import type { Runtime } from '../runtime.js';

/**
 * Until authentication says otherwise the gateway serves one principal with every scope, and only on
 * a loopback interface (`serve` refuses anything else without an `auth` section).
 */
export const LOCAL_PRINCIPAL: Principal = { id: 'local', kind: 'local', scopes: new Set(['*']) };

declare module 'fastify' {
  interface FastifyInstance {
    /** The process's registry, connections, limits, cache, store and metrics. */
    runtime: Runtime;
  }
  interface FastifyRequest {
    /** Who is calling; set by authentication before any MCP processing. */
    principal: Principal;
    /**
     * Why the request was refused before dispatch, set by the guard that refused it: metrics and the
     * audit row of a refused tools/call are written once, when the response is sent.
     */
    refusal: RefusalReason | undefined;
  }
}

/** The part of a JSON-RPC tools/call the HTTP layer looks at before dispatch (scopes, audit). */
const ToolCallMessage = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  method: z.literal('tools/call'),
  params: z.object({ name: z.string(), arguments: z.unknown().optional() }),
});

/** A JSON-RPC `notifications/cancelled`: the client no longer wants the answer to `requestId`. */
const CancelledMessage = z.object({
  method: z.literal('notifications/cancelled'),
  params: z.object({ requestId: z.union([z.string(), z.number()]), reason: z.string().optional() }),
});

export function cancellationOf(body: unknown) {
  const parsed = CancelledMessage.safeParse(body);
  return parsed.success ? parsed.data.params : undefined;
}

export function toolCallOf(body: unknown) {
  const parsed = ToolCallMessage.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Shared request context for every route: the runtime, the request id header, the caller, one access
 * line per request, and the accounting of refusals (a metric and, for a tools/call, an audit row).
 */
export const requestContext = fp(
  async (app: FastifyInstance, options: { runtime: Runtime }) => {
    const { runtime } = options;
    app.decorate('runtime', runtime);

    // Per-request storage behind accessors: Fastify refuses shared object defaults on requests.
    const principals = new WeakMap<object, Principal>();
    app.decorateRequest('principal', {
      getter(this: object) {
        return principals.get(this) ?? LOCAL_PRINCIPAL;
      },
      setter(this: object, value: Principal) {
        principals.set(this, value);
      },
    });
    const refusals = new WeakMap<object, RefusalReason>();
    app.decorateRequest('refusal', {
      getter(this: object) {
        return refusals.get(this);
      },
      setter(this: object, value: RefusalReason | undefined) {
        if (value === undefined) refusals.delete(this);
        else refusals.set(this, value);
      },
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
          ...(request.refusal === undefined ? {} : { refused: request.refusal }),
        },
        'request',
      );
      const reason = request.refusal;
      if (reason === undefined) return;
      runtime.metrics.refused.inc({ reason });
      // The origin check runs before the body is read: there is no call to audit.
      const call = toolCallOf(request.body);
      if (!call) return;
      recordCall(runtime, {
        at: new Date(),
        requestId: request.id,
        principal: reason === 'unauthenticated' ? 'anonymous' : request.principal.id,
        tool: call.params.name,
        args: call.params.arguments,
        outcome: reason,
        durationMs: 0,
      });
    });
  },
  { name: 'switchboard-request-context', fastify: '5.x' },
);

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A client's X-Request-Id when it is a sane token, else a fresh UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}
