import { cacheKey } from '@switchboard/cache';
import {
  type CachePolicy,
  type Logger,
  type Principal,
  type Progress,
  type ToolContext,
  ToolError,
  type ToolErrorCode,
} from '@switchboard/kit';
import { z } from 'zod';
import { inputDigest, redactInput } from './audit.js';
import type { MountedInstance, ToolEntry } from './registry.js';
import type { Runtime } from './runtime.js';
import { pathIssues } from './zod-issues.js';

/** Per-request facts the transport layer knows. */
export interface CallEnvironment {
  principal: Principal;
  requestId: string;
  logger: Logger;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
  progress(update: Progress): Promise<void>;
}

/** The result of a tool call in MCP's shape (kept free of SDK types). */
export interface ToolCallResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  _meta?: Record<string, unknown>;
}

export interface ToolCallOutcome {
  result: ToolCallResult;
  /** `ok` or the error code, for logs, metrics and audit. */
  outcome: 'ok' | ToolErrorCode;
  durationMs: number;
}

const NEXT_STEP: Record<ToolErrorCode, string> = {
  invalid_input: 'Fix the arguments and call again.',
  not_found: '',
  forbidden: 'Do not retry; the caller is not allowed to do this.',
  conflict: 'Read the current state, then decide whether to call again.',
  rate_limited: 'Wait before calling again.',
  upstream_unavailable: 'The system behind this tool is unavailable; try again later.',
  timeout: 'The call took too long; try again later or narrow the request.',
  internal: 'This is a gateway fault, not a problem with the arguments.',
};

function errorResult(error: ToolError, requestId: string): ToolCallResult {
  const hint = NEXT_STEP[error.code];
  const retry =
    error.retryAfterMs === undefined ? '' : ` Retry after ${Math.ceil(error.retryAfterMs / 1000)} s.`;
  const text = `${error.message}${hint && !error.message.includes(hint) ? ` ${hint}` : ''}${retry}`;
  return {
    isError: true,
    content: [{ type: 'text', text }],
    _meta: {
      'switchboard/error': {
        code: error.code,
        retryable: error.retryable,
        ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
        requestId,
      },
    },
  };
}

/** Races `work` against the signal, so a handler that ignores its signal still stops at the deadline. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Builds the handler context shared by tools and resources. */
export async function handlerContext(
  runtime: Runtime,
  instance: MountedInstance,
  env: CallEnvironment,
  signal: AbortSignal,
  logger: Logger,
): Promise<ToolContext<unknown, unknown>> {
  return {
    client: await untilAborted(runtime.clientFor(instance), signal),
    config: instance.config,
    instance: instance.info,
    logger,
    signal,
    principal: env.principal,
    requestId: env.requestId,
    progress: env.progress,
    sources: () => runtime.sourcesFor(instance),
  };
}

/**
 * The one wrapper around every tool handler: input validation -> deadline with AbortSignal ->
 * handler -> output validation -> error mapping. Vendor bodies, stack traces and secrets stay in the
 * log; the client sees the tool's own message and the request id.
 */
export function invokeTool(
  runtime: Runtime,
  entry: ToolEntry,
  args: unknown,
  env: CallEnvironment,
): Promise<ToolCallOutcome> {
  return runtime.tracing.span(
    `tool ${entry.name}`,
    {
      'switchboard.tool': entry.name,
      'switchboard.request_id': env.requestId,
      'switchboard.principal': env.principal.id,
    },
    () => runTool(runtime, entry, args, env),
    (outcome) => outcome.outcome,
  );
}

async function runTool(
  runtime: Runtime,
  entry: ToolEntry,
  args: unknown,
  env: CallEnvironment,
): Promise<ToolCallOutcome> {
  const started = performance.now();
  const logger = env.logger.child({ tool: entry.name });
  const at = new Date();
  // Whether the call got past validation and quota to the connector (for upstream metrics).
  let reachedUpstream = false;
  const finish = (result: ToolCallResult, outcome: ToolCallOutcome['outcome']): ToolCallOutcome => {
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    logger.info({ outcome, durationMs }, 'tool call');
    runtime.metrics.toolCall(entry.name, entry.instance.info.namespace, outcome, durationMs, reachedUpstream);
    const meta = result._meta?.['switchboard/cache'];
    const cacheStatus =
      typeof meta === 'object' && meta !== null && 'status' in meta ? String(meta.status) : null;
    recordCall(runtime, {
      at,
      requestId: env.requestId,
      principal: env.principal.id,
      tool: entry.name,
      args,
      outcome,
      durationMs,
      cacheStatus,
      upstreamCalls: reachedUpstream ? 1 : 0,
    });
    return { result, outcome, durationMs };
  };

  const input = entry.spec.input.safeParse(args ?? {});
  if (!input.success) {
    const fields = pathIssues(input.error)
      .map((issue) => `${issue.path || '(arguments)'}: ${issue.message}`)
      .join('; ');
    const error = new ToolError('invalid_input', `Invalid arguments for ${entry.name}: ${fields}.`);
    return finish(errorResult(error, env.requestId), 'invalid_input');
  }

  const deadline = AbortSignal.timeout(entry.timeoutMs);
  const signal = AbortSignal.any([env.signal, deadline]);
  const namespace = entry.instance.info.namespace;
  let cacheMeta: { status: string; ageMs: number } | undefined;

  /** Quota, handler under the deadline, output validation: what a cache miss runs. */
  const load = async (): Promise<Record<string, unknown>> => {
    const { quota } = entry.instance;
    if (quota) {
      await runtime.quotas.take(
        { namespace, title: entry.instance.connector.title, quota },
        entry.spec.quotaCost ?? 1,
      );
    }
    const ctx = await handlerContext(runtime, entry.instance, env, signal, logger);
    reachedUpstream = true;
    const output = await runtime.tracing.span(
      `upstream ${namespace} ${entry.spec.name}`,
      { 'switchboard.instance': namespace, 'switchboard.request_id': env.requestId },
      () => untilAborted(entry.spec.handler(input.data, ctx), signal),
    );
    const checked = entry.spec.output.safeParse(output);
    if (!checked.success) {
      logger.error({ issues: pathIssues(checked.error) }, 'tool output does not match its output schema');
      throw new ToolError(
        'internal',
        `${entry.name} produced a malformed result (request ${env.requestId}).`,
      );
    }
    return checked.data;
  };

  try {
    const policy = entry.readOnly ? entry.spec.cache : undefined;
    let structured: Record<string, unknown>;
    if (policy && runtime.cache) {
      const cached = await cachedCall(runtime, entry, input.data, env, policy, load);
      cacheMeta = { status: cached.status, ageMs: cached.ageMs };
      runtime.metrics.cacheRequests.inc({ tool: entry.name, status: cached.status });
      if (cached.value.kind === 'not_found') throw new ToolError('not_found', cached.value.message);
      structured = cached.value.output;
    } else {
      structured = await load();
      if (!entry.readOnly && entry.spec.invalidates && runtime.cache) {
        const tags = entry.spec.invalidates(input.data, structured).map((tag) => scopedTag(namespace, tag));
        await runtime.cache.invalidateTags(tags);
      }
    }
    const parsed = entry.spec.output.parse(structured);
    const text = entry.spec.render ? entry.spec.render(parsed) : JSON.stringify(structured, null, 2);
    return finish(
      {
        content: [{ type: 'text', text }],
        structuredContent: structured,
        ...(cacheMeta ? { _meta: { 'switchboard/cache': cacheMeta } } : {}),
      },
      'ok',
    );
  } catch (caught) {
    const error = toToolError(caught, entry, env.requestId, deadline, logger);
    const result = errorResult(error, env.requestId);
    if (cacheMeta) result._meta = { ...result._meta, 'switchboard/cache': cacheMeta };
    return finish(result, error.code);
  }
}

export function toToolError(
  caught: unknown,
  entry: { name: string; timeoutMs: number },
  requestId: string,
  deadline: AbortSignal,
  logger: Logger,
): ToolError {
  if (caught instanceof ToolError) {
    if (caught.cause !== undefined || caught.code === 'internal') {
      logger.warn({ err: caught.cause ?? caught, code: caught.code }, 'tool error');
    }
    return caught;
  }
  if (deadline.aborted) {
    return new ToolError('timeout', `${entry.name} did not finish within ${entry.timeoutMs} ms.`, {
      cause: caught,
    });
  }
  if (caught instanceof DOMException && caught.name === 'AbortError') {
    return new ToolError('timeout', `${entry.name} was cancelled.`, { retryable: true });
  }
  logger.error({ err: caught }, 'tool handler failed');
  return new ToolError('internal', `${entry.name} failed unexpectedly (request ${requestId}).`);
}

/** One audit row per tools/call, refusals included: the input is redacted and digested first. */
export function recordCall(
  runtime: Runtime,
  call: {
    at: Date;
    requestId: string;
    principal: string;
    tool: string;
    args: unknown;
    outcome: string;
    durationMs: number;
    /** hit, miss, stale or bypass for cached tools; null otherwise. */
    cacheStatus?: string | null;
    /** Vendor calls the tool call made (0 when answered from the cache or refused before). */
    upstreamCalls?: number | null;
  },
): void {
  const input = redactInput(call.args ?? {});
  runtime.recordAudit({
    at: call.at,
    requestId: call.requestId,
    principal: call.principal,
    tool: call.tool,
    inputDigest: inputDigest(input),
    input,
    outcome: call.outcome,
    durationMs: call.durationMs,
    cacheStatus: call.cacheStatus ?? null,
    upstreamCalls: call.upstreamCalls ?? null,
  });
}

/** Tags are per connector instance: two mounts of one package never invalidate each other. */
export function scopedTag(namespace: string, tag: string): string {
  return `${namespace}|${tag}`;
}

type CachedResult = { kind: 'ok'; output: Record<string, unknown> } | { kind: 'not_found'; message: string };

const cachedSchemas = new WeakMap<ToolEntry, z.ZodType<CachedResult>>();

/** What a cached tool result may be: the tool's own output, or a not_found kept for a short while. */
function cachedSchema(entry: ToolEntry): z.ZodType<CachedResult> {
  let schema = cachedSchemas.get(entry);
  if (!schema) {
    schema = z.union([
      z.object({ kind: z.literal('ok'), output: entry.spec.output }),
      z.object({ kind: z.literal('not_found'), message: z.string() }),
    ]);
    cachedSchemas.set(entry, schema);
  }
  return schema;
}

/**
 * Read-through cache of a read-only tool: keyed by namespace, tool, canonical input, schema version
 * and (for principal-scoped policies) the principal; single flight; stale-while-revalidate.
 */
async function cachedCall(
  runtime: Runtime,
  entry: ToolEntry,
  input: Record<string, unknown>,
  env: CallEnvironment,
  policy: CachePolicy<Record<string, unknown>, Record<string, unknown>>,
  load: () => Promise<Record<string, unknown>>,
) {
  const cache = runtime.cache;
  if (!cache) throw new Error('no cache');
  const namespace = entry.instance.info.namespace;
  const key = cacheKey({
    namespace,
    tool: entry.spec.name,
    input,
    version: entry.cacheVersion,
    ...(policy.scope === 'principal' ? { principal: env.principal.id } : {}),
  });
  const negativeMs = (policy.negativeTtlSeconds ?? 0) * 1000;
  return cache.wrap<CachedResult>(
    key,
    {
      parse: (value) => cachedSchema(entry).parse(value),
      ttlMs: (value) => (value.kind === 'ok' ? policy.ttlSeconds * 1000 : negativeMs),
      staleMs: runtime.config.cache.staleSeconds * 1000,
      tags: (value) =>
        value.kind === 'ok'
          ? (policy.tags?.(input, value.output) ?? []).map((tag) => scopedTag(namespace, tag))
          : [],
      cacheable: (value) => value.kind === 'ok' || negativeMs > 0,
    },
    async () => {
      try {
        return { kind: 'ok', output: await load() };
      } catch (error) {
        // Only a not_found may be remembered (briefly, when the tool asks); every other error is not.
        if (error instanceof ToolError && error.code === 'not_found' && negativeMs > 0) {
          return { kind: 'not_found', message: error.message };
        }
        throw error;
      }
    },
  );
}
