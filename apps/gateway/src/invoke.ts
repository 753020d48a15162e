import {
  type Logger,
  type Principal,
  type Progress,
  type ToolContext,
  ToolError,
  type ToolErrorCode,
} from '@switchboard/kit';
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
    recordCall(runtime, {
      at,
      requestId: env.requestId,
      principal: env.principal.id,
      tool: entry.name,
      args,
      outcome,
      durationMs,
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
  try {
    const { quota } = entry.instance;
    if (quota) {
      const target = {
        namespace: entry.instance.info.namespace,
        title: entry.instance.connector.title,
        quota,
      };
      await runtime.quotas.take(target, entry.spec.quotaCost ?? 1);
    }
    const ctx = await handlerContext(runtime, entry.instance, env, signal, logger);
    reachedUpstream = true;
    const namespace = entry.instance.info.namespace;
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
    const structured: Record<string, unknown> = checked.data;
    const text = entry.spec.render ? entry.spec.render(checked.data) : JSON.stringify(structured, null, 2);
    return finish({ content: [{ type: 'text', text }], structuredContent: structured }, 'ok');
  } catch (caught) {
    const error = toToolError(caught, entry, env.requestId, deadline, logger);
    return finish(errorResult(error, env.requestId), error.code);
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
    cacheStatus: null,
    upstreamCalls: null,
  });
}
