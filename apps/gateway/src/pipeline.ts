import { cacheKey } from '@switchboard/cache';
import {
  type CachePolicy,
  type CapabilitySource,
  createUpstream,
  type Logger,
  type Principal,
  type Progress,
  type ResourceContent,
  type ToolContext,
  ToolError,
  type ToolErrorCode,
  type Upstream,
  untilAborted,
} from '@switchboard/kit';
import type { AuditKind } from '@switchboard/store';
import { z } from 'zod';
import { inputDigest, redactInput } from './audit.js';
import type { MountedInstance, ResourceTemplateEntry, ToolEntry } from './registry.js';
import type { Runtime } from './runtime.js';
import { type Adapters, capabilitySources, type Supplied } from './sources.js';
import { pathIssues } from './zod-issues.js';

/**
 * The one pipeline every piece of vendor work goes through: tool calls, resource reads and the
 * capability calls of composite tools. Validation -> deadline with an AbortSignal -> cache -> the
 * connector's work, whose every vendor request passes the upstream seam (quota token, span, metric,
 * audit count, Retry-After, error mapping) -> output validation -> metrics -> audit row.
 */

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

/**
 * How a call ended, for logs, metrics and audit: `ok`, the error code, or `cancelled` when the client
 * cancelled the request or went away before the deadline.
 */
export type CallOutcome = 'ok' | ToolErrorCode | 'cancelled';

export interface ToolCallOutcome {
  result: ToolCallResult;
  /** `ok` or the error code, for logs, metrics and audit. */
  outcome: 'ok' | ToolErrorCode;
  durationMs: number;
}

export type ResourceReadOutcome =
  | { ok: true; content: ResourceContent; durationMs: number }
  | { ok: false; error: ToolError; durationMs: number };

/** What one audited call counts while it runs, nested capability calls included. */
interface CallAccount {
  upstreamCalls: number;
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

/**
 * The `Upstream` of one instance for one call: every vendor request takes a token of the instance's
 * quota, opens a span, counts a metric and the call's audit count.
 */
export function upstreamFor(
  runtime: Runtime,
  instance: MountedInstance,
  call: { signal: AbortSignal; deadlineAt: number; account: CallAccount; requestId: string },
): Upstream {
  const namespace = instance.info.namespace;
  const { quota } = instance;
  return createUpstream({
    profile: instance.upstream,
    signal: call.signal,
    deadlineAt: call.deadlineAt,
    hooks: {
      acquire: quota
        ? async () => {
            try {
              await runtime.quotas.take({ namespace, title: instance.connector.title, quota }, 1);
              runtime.metrics.quotaTokens.inc({ instance: namespace });
            } catch (error) {
              runtime.metrics.upstreamRateLimited.inc({ instance: namespace });
              throw error;
            }
          }
        : undefined,
      span: (name, work) =>
        runtime.tracing.span(
          `upstream ${namespace} ${name}`,
          { 'switchboard.instance': namespace, 'switchboard.request_id': call.requestId },
          work,
        ),
      record: (_name, outcome, durationMs) => {
        call.account.upstreamCalls += 1;
        runtime.metrics.upstreamRequest(namespace, outcome, durationMs);
      },
    },
  });
}

/** The handler context of one call of `instance`. */
async function handlerContext(
  runtime: Runtime,
  instance: MountedInstance,
  env: CallEnvironment,
  call: { signal: AbortSignal; deadlineAt: number; account: CallAccount; logger: Logger },
): Promise<ToolContext<unknown, unknown>> {
  let sources: readonly CapabilitySource[] | undefined;
  return {
    client: await untilAborted(runtime.clientFor(instance), call.signal),
    config: instance.config,
    instance: instance.info,
    logger: call.logger,
    signal: call.signal,
    principal: env.principal,
    requestId: env.requestId,
    upstream: upstreamFor(runtime, instance, { ...call, requestId: env.requestId }),
    identity: runtime.identity,
    progress: env.progress,
    sources: () => {
      sources ??= capabilitySources(
        runtime.registry.instances.filter((other) => other !== instance),
        (target, method, args, schema, run, signal) =>
          capabilityCall(runtime, target, method, args, schema, run, {
            deadlineAt: call.deadlineAt,
            account: call.account,
            requestId: env.requestId,
            signal,
          }),
      );
      return sources;
    },
  };
}

/**
 * One capability call of a composite tool: the target instance's adapters with its own upstream (its
 * quota) under the caller's deadline, counted in the caller's audit row, cached when configured.
 */
async function capabilityCall<T>(
  runtime: Runtime,
  instance: MountedInstance,
  method: string,
  args: unknown,
  schema: z.ZodType<T>,
  run: (adapters: Adapters, supplied: Supplied) => Promise<T>,
  call: { deadlineAt: number; account: CallAccount; requestId: string; signal: AbortSignal },
): Promise<T> {
  const namespace = instance.info.namespace;
  const load = async () => {
    const adapters = await untilAborted(runtime.adaptersFor(instance), call.signal);
    return run(adapters, { upstream: upstreamFor(runtime, instance, call), identity: runtime.identity });
  };
  return runtime.tracing.span(
    `capability ${namespace} ${method}`,
    { 'switchboard.instance': namespace, 'switchboard.request_id': call.requestId },
    async () => {
      const ttlSeconds = runtime.config.cache.capabilityTtlSeconds;
      if (!runtime.cache || ttlSeconds === 0) return load();
      // Capability results are shared data: the composite tool requires every read scope it draws on.
      const key = cacheKey({ namespace, tool: method, input: args, version: 'capability-1' });
      const { value, status } = await runtime.cache.wrap(
        key,
        {
          parse: (cached: unknown) => schema.parse(cached),
          ttlMs: ttlSeconds * 1000,
          staleMs: runtime.config.cache.staleSeconds * 1000,
        },
        load,
      );
      runtime.metrics.cacheRequests.inc({ tool: `${namespace}:${method}`, status });
      return value;
    },
  );
}

interface Audited {
  kind: AuditKind;
  name: string;
  instance: MountedInstance;
  timeoutMs: number;
  /** What the caller sent, for the audit row (redacted there). */
  args: unknown;
}

/**
 * Runs `work` as one audited call: a span, the deadline, the handler context, error mapping,
 * metrics and the audit row, whatever the outcome.
 */
async function audited<T>(
  runtime: Runtime,
  op: Audited,
  env: CallEnvironment,
  work: (call: {
    signal: AbortSignal;
    deadline: AbortSignal;
    context: () => Promise<ToolContext<unknown, unknown>>;
    logger: Logger;
    setCacheStatus(status: string): void;
  }) => Promise<T>,
): Promise<
  | { ok: true; value: T; durationMs: number }
  | { ok: false; error: ToolError; durationMs: number; cacheStatus: string | null }
> {
  const started = performance.now();
  const at = new Date();
  const logger = env.logger.child({ [op.kind]: op.name });
  const account: CallAccount = { upstreamCalls: 0 };
  let cacheStatus: string | null = null;
  const deadline = AbortSignal.timeout(op.timeoutMs);
  const signal = AbortSignal.any([env.signal, deadline]);
  const deadlineAt = Date.now() + op.timeoutMs;

  const finish = (outcome: CallOutcome) => {
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    logger.info(
      { outcome, durationMs, upstreamCalls: account.upstreamCalls },
      op.kind === 'tool' ? 'tool call' : 'resource read',
    );
    runtime.metrics.toolCall(op.name, outcome, durationMs);
    recordCall(runtime, {
      at,
      kind: op.kind,
      requestId: env.requestId,
      principal: env.principal.id,
      tool: op.name,
      args: op.args,
      outcome,
      durationMs,
      cacheStatus,
      upstreamCalls: account.upstreamCalls,
    });
    return durationMs;
  };

  return runtime.tracing.span(
    `${op.kind} ${op.name}`,
    {
      [`switchboard.${op.kind}`]: op.name,
      'switchboard.request_id': env.requestId,
      'switchboard.principal': env.principal.id,
    },
    async () => {
      try {
        const value = await work({
          signal,
          deadline,
          logger,
          context: () => handlerContext(runtime, op.instance, env, { signal, deadlineAt, account, logger }),
          setCacheStatus: (status) => {
            cacheStatus = status;
          },
        });
        return { ok: true as const, value, durationMs: finish('ok') };
      } catch (caught) {
        const error = toToolError(caught, op, env.requestId, deadline, logger);
        // The client went away or cancelled before the deadline: nobody reads the answer, and the
        // vendor work was aborted with the signal. Recorded as what happened, not as a timeout.
        const cancelled = env.signal.aborted && !deadline.aborted;
        return {
          ok: false as const,
          error,
          durationMs: finish(cancelled ? 'cancelled' : error.code),
          cacheStatus,
        };
      }
    },
    (result) => (result.ok ? 'ok' : result.error.code),
  );
}

function invalidArguments(name: string, error: z.ZodError): ToolError {
  const fields = pathIssues(error)
    .map((issue) => `${issue.path || '(arguments)'}: ${issue.message}`)
    .join('; ');
  return new ToolError('invalid_input', `Invalid arguments for ${name}: ${fields}.`);
}

/**
 * A tool call: input validation -> deadline -> cache (read-only tools with a policy) -> handler ->
 * output validation -> invalidation (writes) -> error mapping. Vendor bodies, stack traces and
 * secrets stay in the log; the client sees the tool's own message and the request id.
 */
export async function invokeTool(
  runtime: Runtime,
  entry: ToolEntry,
  args: unknown,
  env: CallEnvironment,
): Promise<ToolCallOutcome> {
  const namespace = entry.instance.info.namespace;
  let cacheMeta: { status: string; ageMs: number } | undefined;
  const done = await audited(
    runtime,
    { kind: 'tool', name: entry.name, instance: entry.instance, timeoutMs: entry.timeoutMs, args },
    env,
    async (call) => {
      const input = entry.spec.input.safeParse(args ?? {});
      if (!input.success) throw invalidArguments(entry.name, input.error);

      const load = async (): Promise<Record<string, unknown>> => {
        const ctx = await call.context();
        const output = await untilAborted(entry.spec.handler(input.data, ctx), call.signal);
        const checked = entry.spec.output.safeParse(output);
        if (!checked.success) {
          call.logger.error(
            { issues: pathIssues(checked.error) },
            'tool output does not match its output schema',
          );
          throw new ToolError(
            'internal',
            `${entry.name} produced a malformed result (request ${env.requestId}).`,
          );
        }
        return checked.data;
      };

      const policy = entry.readOnly ? entry.spec.cache : undefined;
      let structured: Record<string, unknown>;
      if (policy && runtime.cache) {
        const cached = await cachedCall(runtime, entry, input.data, env, policy, load);
        cacheMeta = { status: cached.status, ageMs: cached.ageMs };
        call.setCacheStatus(cached.status);
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
      return { text, structured };
    },
  );
  if (done.ok) {
    return {
      outcome: 'ok',
      durationMs: done.durationMs,
      result: {
        content: [{ type: 'text', text: done.value.text }],
        structuredContent: done.value.structured,
        ...(cacheMeta ? { _meta: { 'switchboard/cache': cacheMeta } } : {}),
      },
    };
  }
  const result = errorResult(done.error, env.requestId);
  if (cacheMeta) result._meta = { ...result._meta, 'switchboard/cache': cacheMeta };
  return { outcome: done.error.code, durationMs: done.durationMs, result };
}

/** A resource read, through the same pipeline as a tool call (quota, deadline, metrics, audit). */
export async function readResource(
  runtime: Runtime,
  entry: ResourceTemplateEntry,
  uri: string,
  params: Record<string, string>,
  env: CallEnvironment,
): Promise<ResourceReadOutcome> {
  const done = await audited(
    runtime,
    {
      kind: 'resource',
      name: entry.name,
      instance: entry.instance,
      timeoutMs: runtime.config.tools.defaultTimeoutMs,
      args: { uri },
    },
    env,
    async (call) => {
      const parsed = entry.spec.params.safeParse(params);
      if (!parsed.success) {
        const fields = pathIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`);
        throw new ToolError('invalid_input', `Invalid resource URI ${uri}: ${fields.join('; ')}`);
      }
      const ctx = await call.context();
      return untilAborted(entry.spec.read(parsed.data, ctx), call.signal);
    },
  );
  return done.ok
    ? { ok: true, content: done.value, durationMs: done.durationMs }
    : { ok: false, error: done.error, durationMs: done.durationMs };
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

/** One audit row per tools/call and resources/read, refusals included: the input is redacted and digested first. */
export function recordCall(
  runtime: Runtime,
  call: {
    at: Date;
    kind?: AuditKind;
    requestId: string;
    principal: string;
    tool: string;
    args: unknown;
    outcome: string;
    durationMs: number;
    /** hit, miss, stale or bypass for cached tools; null otherwise. */
    cacheStatus?: string | null;
    /** Vendor requests the call made (0 when answered from the cache or refused before). */
    upstreamCalls?: number | null;
  },
): void {
  // Recording must never change what the caller is told: the call has already had its effect.
  try {
    writeAuditRow(runtime, call);
  } catch (error) {
    runtime.logger.error(
      { err: error, tool: call.tool, requestId: call.requestId },
      'audit row not recorded',
    );
  }
}

function writeAuditRow(runtime: Runtime, call: Parameters<typeof recordCall>[1]): void {
  const input = redactInput(call.args ?? {});
  runtime.recordAudit({
    at: call.at,
    kind: call.kind ?? 'tool',
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
