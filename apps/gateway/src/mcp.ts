/**
 * The only module that imports the MCP SDK. The raw SDK server stays private here, so that every
 * tool call and resource read goes through the pipeline and nothing can bypass validation, quotas,
 * deadlines, error mapping, metrics or audit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { hasScopes, type Logger, type Principal, type Progress } from '@switchboard/kit';
import { type CallEnvironment, invokeTool, readResource } from './pipeline.js';
import type { Runtime } from './runtime.js';
import { VERSION } from './version.js';
import { pathIssues } from './zod-issues.js';

/** JSON-RPC error code for an unknown resource (MCP specification). */
const RESOURCE_NOT_FOUND = -32002;

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
      ErrorCode.InvalidParams,
      'Invalid cursor: this list has a single page; call it without one.',
    );
  }
}

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
        logging: {},
      },
      instructions: INSTRUCTIONS,
    },
  );
  const allowed = (scopes: readonly string[]) => hasScopes(session.principal, scopes);

  const environment = (
    signal: AbortSignal,
    progressToken: string | number | undefined,
    send: (notification: {
      method: 'notifications/progress';
      params: Progress & { progressToken: string | number };
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

  server.setRequestHandler(ListToolsRequestSchema, async (request) => {
    refuseCursor(request.params);
    return {
      tools: [...registry.tools.values()]
        .filter((entry) => allowed(entry.scopes))
        .map((entry) => entry.listing),
    };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args } = request.params;
    const entry = registry.tools.get(name);
    // An unknown tool and a tool the principal may not see look the same: no catalogue probing.
    if (!entry || !allowed(entry.scopes)) {
      throw new RpcError(
        ErrorCode.InvalidParams,
        `Unknown tool: ${name}. Call tools/list for the available tools.`,
      );
    }
    const { result } = await invokeTool(
      runtime,
      entry,
      args,
      environment(extra.signal, request.params._meta?.progressToken, extra.sendNotification),
    );
    return result;
  });

  server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    refuseCursor(request.params);
    return { resources: [] };
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async (request) => {
    refuseCursor(request.params);
    return {
      resourceTemplates: registry.resourceTemplates.filter((e) => allowed(e.scopes)).map((e) => e.listing),
    };
  });

  server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    const { uri } = request.params;
    const found = registry.findResource(uri);
    if (!found || !allowed(found.entry.scopes)) {
      throw new RpcError(RESOURCE_NOT_FOUND, `Resource not found: ${uri}`, { uri });
    }
    const { entry, params } = found;
    const env = environment(extra.signal, undefined, extra.sendNotification);
    const read = await readResource(runtime, entry, uri, params, env);
    if (read.ok) {
      return {
        contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(read.content.json, null, 2) }],
      };
    }
    const { error } = read;
    if (error.code === 'not_found') throw new RpcError(RESOURCE_NOT_FOUND, error.message, { uri });
    if (error.code === 'invalid_input') throw new RpcError(ErrorCode.InvalidParams, error.message);
    throw new RpcError(ErrorCode.InternalError, `${error.message} (request ${session.requestId})`, {
      code: error.code,
      retryable: error.retryable,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  });

  server.setRequestHandler(ListPromptsRequestSchema, async (request) => {
    refuseCursor(request.params);
    return { prompts: [...registry.prompts.values()].filter((e) => allowed(e.scopes)).map((e) => e.listing) };
  });

  // The gateway's own log goes to its operators, not to clients: the level is accepted (the
  // capability is declared so that clients may set it) and no log notifications are sent.
  server.setRequestHandler(SetLevelRequestSchema, async () => ({}));

  server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    const entry = registry.prompts.get(request.params.name);
    if (!entry || !allowed(entry.scopes)) {
      throw new RpcError(ErrorCode.InvalidParams, `Unknown prompt: ${request.params.name}`);
    }
    const parsed = entry.spec.arguments.safeParse(request.params.arguments ?? {});
    if (!parsed.success) {
      const fields = pathIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`);
      throw new RpcError(
        ErrorCode.InvalidParams,
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

/**
 * Answers one Streamable HTTP POST statelessly: a fresh server and transport per request, so any
 * replica answers any request and no state leaks between clients.
 */
export async function handleHttpRequest(
  runtime: Runtime,
  session: SessionContext,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): Promise<void> {
  const server = createMcpServer(runtime, session);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  const close = () => {
    void transport.close();
    void server.close();
  };
  res.on('close', close);
  // A cancelled request gets no response (MCP): end its stream rather than leave it open.
  session.signal?.addEventListener('abort', close, { once: true });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

/** Serves the catalogue over stdin/stdout until stdin closes. */
export async function serveStdio(
  runtime: Runtime,
  session: SessionContext,
): Promise<{ closed: Promise<void> }> {
  const server = createMcpServer(runtime, session);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(transport);
  return { closed };
}
