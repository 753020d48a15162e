/**
 * The only module that imports the MCP SDK. The raw SDK server stays private here, so that every
 * tool call and resource read goes through the pipeline and nothing can bypass validation, quotas,
 * deadlines, error mapping, metrics or audit.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toWebRequest } from '@modelcontextprotocol/node';
import {
  type CacheHint,
  createMcpHandler,
  type McpHttpHandler,
  ProtocolErrorCode,
  Server,
} from '@modelcontextprotocol/server';
import { StdioServerTransport, serveStdio as serveSdkStdio } from '@modelcontextprotocol/server/stdio';
import { hasScopes, type Logger, type Principal } from '@switchboard/kit';
import { type CallEnvironment, invokeTool, readResource } from './pipeline.js';
import type { Runtime } from './runtime.js';
import { VERSION } from './version.js';
import { pathIssues } from './zod-issues.js';

/**
 * JSON-RPC error code for an unknown resource: -32602 with `data.uri` (MCP 2026-07-28). The SDK sends
 * this code in every protocol era (a thrown -32002, the 2025 code, is rewritten to it), and 2025
 * clients recognise either code when `data.uri` is present.
 */
const RESOURCE_NOT_FOUND = ProtocolErrorCode.InvalidParams;

/**
 * A JSON-RPC error as the SDK sends it: `code`, `message` and `data` from the thrown error. The SDK's
 * own McpError puts "MCP error <code>: " in front of the message, and clients add it again; the
 * message here is only what the client should read.
 */
class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** Lists are answered whole: a cursor can only come from a client that made it up. */
function refuseCursor(params: { cursor?: string | undefined } | undefined): void {
  if (params?.cursor !== undefined) {
    throw new RpcError(
      ProtocolErrorCode.InvalidParams,
      'Invalid cursor: this list has a single page; call it without one.',
    );
  }
}

/**
 * Cache hints for 2026-07-28 list results (2025 results never carry them). Lists are filtered by the
 * caller's scopes, so a shared cache must not reuse them across principals.
 */
const LIST_CACHE: CacheHint = { ttlMs: 60_000, cacheScope: 'private' };

const INSTRUCTIONS =
  'Switchboard: one catalogue of business-system tools. Tool names are <system>__<tool>; ' +
  'search or find tools return ids that get tools accept. Errors say what to do next.';

export interface SessionContext {
  principal: Principal;
  requestId: string;
  logger: Logger;
  /** Aborts when the client cancels the request or goes away (HTTP); absent on stdio. */
  signal?: AbortSignal;
}

/**
 * A protocol server for one request (HTTP) or one connection (stdio). Cheap to build: the registry,
 * JSON Schemas and validators already exist; this only wires handlers to them.
 */
export function createMcpServer(runtime: Runtime, session: SessionContext): Server {
  const { registry } = runtime;
  const server = new Server(
    { name: 'switchboard', title: 'Switchboard', version: VERSION },
    {
      capabilities: {
        tools: { listChanged: false },
        resources: { listChanged: false },
        prompts: { listChanged: false },
        // Deprecated in 2026-07-28; declared for 2025 clients, which may call logging/setLevel.
        logging: {},
      },
      instructions: INSTRUCTIONS,
      cacheHints: {
        'tools/list': LIST_CACHE,
        'prompts/list': LIST_CACHE,
        'resources/list': LIST_CACHE,
        'resources/templates/list': LIST_CACHE,
      },
    },
  );
  const allowed = (scopes: readonly string[]) => hasScopes(session.principal, scopes);

  const environment = (
    signal: AbortSignal,
    progressToken: string | number | undefined,
    send: (notification: {
      method: 'notifications/progress';
      params: Record<string, unknown>;
    }) => Promise<void>,
  ): CallEnvironment => ({
    principal: session.principal,
    requestId: session.requestId,
    logger: session.logger,
    signal: session.signal ? AbortSignal.any([signal, session.signal]) : signal,
    progress:
      progressToken === undefined
        ? async () => {}
        : (update) => send({ method: 'notifications/progress', params: { ...update, progressToken } }),
  });

  server.setRequestHandler('tools/list', async (request) => {
    refuseCursor(request.params);
    return {
      tools: [...registry.tools.values()]
        .filter((entry) => allowed(entry.scopes))
        .map((entry) => entry.listing),
    };
  });

  server.setRequestHandler('tools/call', async (request, ctx) => {
    const { name, arguments: args } = request.params;
    const entry = registry.tools.get(name);
    // An unknown tool and a tool the principal may not see look the same: no catalogue probing.
    if (!entry || !allowed(entry.scopes)) {
      throw new RpcError(
        ProtocolErrorCode.InvalidParams,
        `Unknown tool: ${name}. Call tools/list for the available tools.`,
      );
    }
    const { result } = await invokeTool(
      runtime,
      entry,
      args,
      environment(ctx.mcpReq.signal, request.params._meta?.progressToken, ctx.mcpReq.notify),
    );
    return server.projectCallToolResult(result, entry.listing.outputSchema);
  });

  server.setRequestHandler('resources/list', async (request) => {
    refuseCursor(request.params);
    return { resources: [] };
  });

  server.setRequestHandler('resources/templates/list', async (request) => {
    refuseCursor(request.params);
    return {
      resourceTemplates: registry.resourceTemplates.filter((e) => allowed(e.scopes)).map((e) => e.listing),
    };
  });

  server.setRequestHandler('resources/read', async (request, ctx) => {
    const { uri } = request.params;
    const found = registry.findResource(uri);
    if (!found || !allowed(found.entry.scopes)) {
      throw new RpcError(RESOURCE_NOT_FOUND, `Resource not found: ${uri}`, { uri });
    }
    const { entry, params } = found;
    const env = environment(ctx.mcpReq.signal, undefined, ctx.mcpReq.notify);
    const read = await readResource(runtime, entry, uri, params, env);
    if (read.ok) {
      return {
        contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(read.content.json, null, 2) }],
      };
    }
    const { error } = read;
    if (error.code === 'not_found') throw new RpcError(RESOURCE_NOT_FOUND, error.message, { uri });
    if (error.code === 'invalid_input') throw new RpcError(ProtocolErrorCode.InvalidParams, error.message);
    throw new RpcError(ProtocolErrorCode.InternalError, `${error.message} (request ${session.requestId})`, {
      code: error.code,
      retryable: error.retryable,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  });

  server.setRequestHandler('prompts/list', async (request) => {
    refuseCursor(request.params);
    return { prompts: [...registry.prompts.values()].filter((e) => allowed(e.scopes)).map((e) => e.listing) };
  });

  // The gateway's own log goes to its operators, not to clients: the level is accepted (the
  // capability is declared so that 2025 clients may set it) and no log notifications are sent.
  // 2026-07-28 has no logging/setLevel; the SDK answers it there with -32601.
  server.setRequestHandler('logging/setLevel', async () => ({}));

  server.setRequestHandler('prompts/get', async (request) => {
    const entry = registry.prompts.get(request.params.name);
    if (!entry || !allowed(entry.scopes)) {
      throw new RpcError(ProtocolErrorCode.InvalidParams, `Unknown prompt: ${request.params.name}`);
    }
    const parsed = entry.spec.arguments.safeParse(request.params.arguments ?? {});
    if (!parsed.success) {
      const fields = pathIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`);
      throw new RpcError(
        ProtocolErrorCode.InvalidParams,
        `Invalid arguments for ${entry.name}: ${fields.join('; ')}`,
      );
    }
    return {
      description: entry.listing.description,
      messages: entry.spec.render(parsed.data).map((message) => ({
        role: message.role,
        content: { type: 'text' as const, text: message.text },
      })),
    };
  });

  return server;
}

/** Resolves when a response can take more data again, or is gone. */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

/** The caller of the HTTP request being answered: the SDK builds its server inside this scope. */
const current = new AsyncLocalStorage<SessionContext>();

/**
 * The Streamable HTTP endpoint of one runtime, for both protocol eras: 2026-07-28 requests (with the
 * per-request `_meta` envelope, discovered through server/discover) and, statelessly, 2025-11-25,
 * 2025-06-18 and 2025-03-26 requests. Every request gets a fresh server, so any replica answers any
 * request and no state leaks between clients.
 */
export class HttpEndpoint {
  readonly #handler: McpHttpHandler;

  constructor(runtime: Runtime, logger: Logger) {
    this.#handler = createMcpHandler(
      () => {
        const session = current.getStore();
        if (!session) throw new Error('An MCP request arrived outside of an HTTP request.');
        return createMcpServer(runtime, session);
      },
      { legacy: 'stateless', onerror: (error) => logger.debug({ err: error }, 'mcp request not served') },
    );
  }

  /** Answers one POST on the raw response; `body` is the already parsed JSON body. */
  async handle(session: SessionContext, req: IncomingMessage, res: ServerResponse, body: unknown) {
    // A request cancelled by its client, or whose client went away, aborts the handler's signal
    // through the web request, and its stream ends here without an answer (MCP: a cancelled request
    // gets none).
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const signal = session.signal ? AbortSignal.any([gone.signal, session.signal]) : gone.signal;
    const request = await toWebRequest(req, body, { signal });
    const response = await current.run(session, () => this.#handler.fetch(request, { parsedBody: body }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) {
      res.end();
      return;
    }
    // An event stream's headers go out at once, before its first event.
    res.flushHeaders();
    const reader = response.body.getReader();
    const stop = () => void reader.cancel().catch(() => {});
    signal.addEventListener('abort', stop, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || res.destroyed) break;
        if (!res.write(value)) await writable(res);
      }
    } catch {
      // The stream was cancelled: nothing more to send.
    } finally {
      signal.removeEventListener('abort', stop);
      if (!res.writableEnded) res.end();
    }
  }

  /** Aborts exchanges still open; call after the drain at shutdown. */
  async close(): Promise<void> {
    await this.#handler.close();
  }
}

/** Serves the catalogue over stdin/stdout until stdin closes, in whichever era the client opens. */
export async function serveStdio(
  runtime: Runtime,
  session: SessionContext,
): Promise<{ closed: Promise<void> }> {
  const transport = new StdioServerTransport();
  // The opening message chooses the era. A server/discover probe builds a server that is dropped if
  // the client then falls back to initialize: building one has no side effects.
  serveSdkStdio(() => createMcpServer(runtime, session), { transport, legacy: 'serve' });
  const closed = new Promise<void>((resolve) => {
    const previous = transport.onclose;
    transport.onclose = () => {
      previous?.();
      resolve();
    };
  });
  return { closed };
}
