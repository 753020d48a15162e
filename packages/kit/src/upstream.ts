import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { ToolError, type ToolErrorCode } from './errors.js';

/**
 * The upstream seam: every request a connector sends to its system goes through an `Upstream`, either
 * as an HTTP request (`fetch`) or as a call of a vendor client that brings its own transport (`run`).
 * Per vendor request it takes a quota token, opens a span, counts a metric and the audit row's
 * upstream calls (the gateway's `UpstreamHooks`), applies the per-request timeout, the call's deadline
 * and abort signal, honours Retry-After inside the deadline, and maps failures to `ToolError`s by the
 * connector's rules, declared as data (`UpstreamProfile`).
 *
 * The engine lives in the kit so that a connector's own tests run exactly the code the gateway runs;
 * the gateway supplies the hooks.
 */

/** What went wrong on one vendor request, as the rules see it. */
export interface UpstreamFailure {
  /** HTTP status, when the vendor answered. */
  status?: number;
  /** Vendor error codes found in the answer (`INVALID_SESSION_ID`, `ratelimited`, `DAILY`, ...). */
  codes: readonly string[];
  /** The vendor's human message, for logs only. */
  message?: string;
  /** How long the vendor asked to wait (Retry-After), in milliseconds. */
  retryAfterMs?: number;
  /** No answer at all: connection refused, reset, DNS. */
  network?: boolean;
}

/**
 * What a failure means. Each maps to a `ToolError` code with a default message naming the system:
 * `auth` (the connector's credentials were refused: `upstream_unavailable`, not retryable),
 * `daily_limit` (`rate_limited` until a window far away, never retried in place), `unavailable`
 * (`upstream_unavailable`), and the `ToolError` codes of the same name.
 */
export type FailureMeaning =
  | 'rate_limited'
  | 'daily_limit'
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'invalid_input'
  | 'conflict'
  | 'unavailable'
  | 'internal';

/** One declared rule: when a failure matches every condition given, it means `means`. */
export interface UpstreamRule {
  /** HTTP status or statuses; any status (or none) when absent. */
  status?: number | readonly number[];
  /** Vendor error code or codes, any of which must be present; not checked when absent. */
  code?: string | readonly string[];
  means: FailureMeaning;
  /** The message the model reads; `{title}` becomes the system's name. Defaults per meaning. */
  message?: string;
  /** For `rate_limited`: the wait when the vendor gives no Retry-After. */
  retryAfterMs?: number;
  /** Whether the request may be sent again after the vendor's wait (default: only for `rate_limited`). */
  retry?: boolean;
  /** Overrides the default retryability of the resulting `ToolError`. */
  retryable?: boolean;
}

/**
 * A connector's facts about its vendor, as data. Rules are tried in order, per request first, then
 * the profile's, then the defaults (401 auth, 403 forbidden, 404 not_found, 400/422 invalid_input,
 * 409 conflict, 429 rate_limited, 5xx and network failures unavailable).
 */
export interface UpstreamProfile {
  /** The system's display name, for messages: "Zendesk". */
  title: string;
  rules?: readonly UpstreamRule[];
  /**
   * Reads a failure out of an error thrown by a vendor client inside `run` (jsforce, pg, the HubSpot
   * and Slack clients). Return undefined for errors that are not the vendor's answer (bugs): they
   * become `internal`.
   */
  describe?(error: unknown): UpstreamFailure | undefined;
  /** Vendor error codes in an HTTP answer's body; defaults to `errorCodes`. */
  codesOf?(body: unknown): string[];
  /** Timeout of one request unless the call says otherwise (default 10 s). */
  requestTimeoutMs?: number;
  /** The longest Retry-After worth waiting for in place (default 2 s, and never past the deadline). */
  maxRetryWaitMs?: number;
}

export type Query = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

/** One HTTP request to the vendor. The answer is JSON, parsed with `schema`. */
export interface HttpRequest<S extends z.ZodType> {
  /** A name for metrics, spans and logs: `tickets.show`. Defaults to the method and path. */
  name?: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL. */
  url: string | URL;
  query?: Query;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, string>;
  /** Schema of the answer's JSON body (an empty body is `null`). */
  schema: S;
  /** Rules for this request only, tried before the profile's. */
  rules?: readonly UpstreamRule[];
  /** Shorthand for a rule mapping 404 to `not_found` with this message. */
  notFound?: string;
  timeoutMs?: number;
}

export interface RunOptions {
  rules?: readonly UpstreamRule[];
  /** Shorthand for a rule mapping 404 (or a described `not_found`) to this message. */
  notFound?: string;
  timeoutMs?: number;
  /** Whether a rate-limited request may be repeated here (default true; false for non-idempotent calls the vendor may have run). */
  retry?: boolean;
}

/** What a connector uses for every request to its system. */
export interface Upstream {
  /** Aborts at the call's deadline or when the client goes away. */
  readonly signal: AbortSignal;
  /** One HTTP request. */
  fetch<S extends z.ZodType>(request: HttpRequest<S>): Promise<z.output<S>>;
  /**
   * One request made by a vendor client with its own transport. `fn` receives the request's signal
   * (deadline, cancellation and per-request timeout); pass it on. The promise is abandoned when the
   * signal fires even if the client ignores it.
   */
  run<T>(name: string, fn: (signal: AbortSignal) => Promise<T>, options?: RunOptions): Promise<T>;
}

/** What the host does around each vendor request. */
export interface UpstreamHooks {
  /** Before each request (retries included): take a quota token, or throw `rate_limited`. */
  acquire?(name: string): Promise<void>;
  /** Around each request: a span. */
  span?<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** After each request that was sent: metrics and the audit row's count. */
  record?(name: string, outcome: 'ok' | ToolErrorCode, durationMs: number): void;
}

export interface UpstreamOptions {
  profile: UpstreamProfile;
  /** The call's signal: its deadline and the client's cancellation. */
  signal: AbortSignal;
  /** When the call's deadline falls (epoch ms), so a Retry-After past it is not waited for. */
  deadlineAt?: number;
  hooks?: UpstreamHooks;
  /** Injected clock (epoch ms). */
  now?: () => number;
  /** Injected wait, for tests with fake clocks. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RETRY_WAIT_MS = 2_000;
/** Wait assumed for a 429 with no Retry-After. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 10_000;
/** Wait assumed for a daily limit: the window is far away. */
const DAILY_LIMIT_WAIT_MS = 60 * 60 * 1000;

const DEFAULT_RULES: readonly UpstreamRule[] = [
  { status: 401, means: 'auth' },
  { status: 403, means: 'forbidden' },
  { status: 404, means: 'not_found' },
  { status: [400, 422], means: 'invalid_input' },
  { status: 409, means: 'conflict' },
  { status: 429, means: 'rate_limited' },
];

const MESSAGES: Record<FailureMeaning, string> = {
  rate_limited: '{title} is rate limiting this connector.',
  daily_limit:
    "{title}'s daily API allowance for this connector is used up; calls work again when it resets.",
  auth: '{title} refused the credentials of this connector. An operator must fix its configuration; retrying will not help.',
  forbidden:
    'The {title} account this connector uses may not do this. Ask a {title} administrator for access.',
  not_found: '{title} has no such record.',
  invalid_input: '{title} refused the request as invalid. Check the values passed and try again.',
  conflict: '{title} reported a conflicting change; read the record again, then decide whether to retry.',
  unavailable: '{title} is unavailable right now. Retry in a moment.',
  internal: '{title} answered in a way this connector does not understand; the details are logged.',
};

const CODE_OF: Record<FailureMeaning, ToolErrorCode> = {
  rate_limited: 'rate_limited',
  daily_limit: 'rate_limited',
  auth: 'upstream_unavailable',
  forbidden: 'forbidden',
  not_found: 'not_found',
  invalid_input: 'invalid_input',
  conflict: 'conflict',
  unavailable: 'upstream_unavailable',
  internal: 'internal',
};

/** A vendor's non-2xx HTTP answer, kept as the `cause` of the ToolError (logged, never shown). */
export class UpstreamHttpError extends Error {
  override readonly name = 'UpstreamHttpError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly request: string,
  ) {
    super(`answered ${status} to ${request}`);
  }
}

/** Retry-After in seconds or as an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const CODE_KEYS = new Set([
  'error',
  'errorCode',
  'error_code',
  'errorType',
  'policyName',
  'category',
  'code',
]);

/** String values of error-code-like keys in a vendor body (`error`, `errorCode`, `policyName`, ...), at any depth up to 4. */
export function errorCodes(body: unknown): string[] {
  const codes: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 4 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value.slice(0, 20)) visit(item, depth + 1);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (CODE_KEYS.has(key) && (typeof child === 'string' || typeof child === 'number')) {
        codes.push(String(child));
      } else visit(child, depth + 1);
    }
  };
  visit(body, 0);
  return codes;
}

function matches(rule: UpstreamRule, failure: UpstreamFailure): boolean {
  if (rule.status !== undefined) {
    const statuses: readonly number[] = typeof rule.status === 'number' ? [rule.status] : rule.status;
    if (failure.status === undefined || !statuses.includes(failure.status)) return false;
  }
  if (rule.code !== undefined) {
    const codes: readonly string[] = typeof rule.code === 'string' ? [rule.code] : rule.code;
    if (!codes.some((code) => failure.codes.includes(code))) return false;
  }
  return rule.status !== undefined || rule.code !== undefined;
}

interface Classified {
  error: ToolError;
  /** How long to wait before the one retry, when a retry is allowed. */
  retryInMs?: number;
}

/** Maps a failure to a ToolError by the rules (request's, profile's, defaults), in that order. */
export function classifyFailure(
  failure: UpstreamFailure,
  profile: UpstreamProfile,
  requestRules: readonly UpstreamRule[] = [],
  cause?: unknown,
): Classified {
  const rule =
    requestRules.find((r) => matches(r, failure)) ??
    profile.rules?.find((r) => matches(r, failure)) ??
    DEFAULT_RULES.find((r) => matches(r, failure));
  const means: FailureMeaning =
    rule?.means ??
    (failure.network || (failure.status !== undefined && failure.status >= 500) ? 'unavailable' : 'internal');
  const template = rule?.message ?? MESSAGES[means];
  let message = template.replaceAll('{title}', profile.title);
  if (rule === undefined && failure.status !== undefined && failure.status >= 500) {
    message = `${profile.title} is unavailable right now (HTTP ${failure.status}). Retry in a moment.`;
  }
  const code = CODE_OF[means];
  let retryAfterMs: number | undefined;
  if (means === 'rate_limited') {
    retryAfterMs = failure.retryAfterMs ?? rule?.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS;
  } else if (means === 'daily_limit') {
    retryAfterMs = rule?.retryAfterMs ?? Math.max(failure.retryAfterMs ?? 0, DAILY_LIMIT_WAIT_MS);
  }
  const retryable = rule?.retryable ?? (means === 'auth' || means === 'daily_limit' ? false : undefined);
  const error = new ToolError(code, message, {
    ...(retryable === undefined ? {} : { retryable }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    cause: cause ?? failure,
  });
  const mayRetry = rule?.retry ?? means === 'rate_limited';
  return mayRetry && retryAfterMs !== undefined ? { error, retryInMs: retryAfterMs } : { error };
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** Settles with `work`, or rejects as soon as `signal` fires, even if `work` ignores the signal. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => undefined);
      reject(signal.reason);
    };
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

/** Sent and unanswered in time, or aborted by the caller. */
function stopped(
  profile: UpstreamProfile,
  callSignal: AbortSignal,
  timeoutMs: number,
  cause: unknown,
): ToolError {
  if (
    callSignal.aborted &&
    !(callSignal.reason instanceof Error && callSignal.reason.name === 'TimeoutError')
  ) {
    return new ToolError('timeout', `The request to ${profile.title} was cancelled.`, { cause });
  }
  if (callSignal.aborted) {
    return new ToolError('timeout', `${profile.title} did not answer before the call's deadline.`, { cause });
  }
  return new ToolError(
    'timeout',
    `${profile.title} did not answer in time (limit ${timeoutMs} ms per request). Retry, or narrow the request.`,
    { cause },
  );
}

function appendQuery(url: URL, query: Query | undefined): void {
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, String(item));
    else url.searchParams.set(key, String(value));
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 2000);
  }
}

/** Builds the `Upstream` of one call. The gateway does this per tool call, resource read and capability call. */
export function createUpstream(options: UpstreamOptions): Upstream {
  const { profile, signal, hooks = {} } = options;
  const now = options.now ?? Date.now;
  const wait = options.wait ?? ((ms: number, s: AbortSignal) => sleep(ms, undefined, { signal: s }));
  const maxRetryWaitMs = profile.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;

  /** One request attempt under its timeout; classification of what it threw is the caller's. */
  async function attempt<T>(
    name: string,
    timeoutMs: number,
    send: (signal: AbortSignal) => Promise<T>,
    classify: (error: unknown) => Classified,
  ): Promise<{ ok: true; value: T } | { ok: false; classified: Classified }> {
    await hooks.acquire?.(name);
    const requestSignal = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    const started = now();
    const go = async () => {
      try {
        const value = await untilAborted(send(requestSignal), requestSignal);
        hooks.record?.(name, 'ok', now() - started);
        return { ok: true as const, value };
      } catch (caught) {
        const classified: Classified =
          caught instanceof ToolError
            ? { error: caught }
            : requestSignal.aborted
              ? { error: stopped(profile, signal, timeoutMs, caught) }
              : classify(caught);
        hooks.record?.(name, classified.error.code, now() - started);
        return { ok: false as const, classified };
      }
    };
    return hooks.span ? hooks.span(name, go) : go();
  }

  async function withRetry<T>(
    name: string,
    timeoutMs: number,
    allowRetry: boolean,
    send: (signal: AbortSignal) => Promise<T>,
    classify: (error: unknown) => Classified,
  ): Promise<T> {
    for (let tries = 1; ; tries += 1) {
      if (signal.aborted) throw stopped(profile, signal, timeoutMs, signal.reason);
      const result = await attempt(name, timeoutMs, send, classify);
      if (result.ok) return result.value;
      const { error, retryInMs } = result.classified;
      const left = options.deadlineAt === undefined ? Number.POSITIVE_INFINITY : options.deadlineAt - now();
      if (
        allowRetry &&
        tries === 1 &&
        retryInMs !== undefined &&
        retryInMs <= maxRetryWaitMs &&
        retryInMs < left
      ) {
        try {
          await wait(retryInMs, signal);
        } catch (cause) {
          throw stopped(profile, signal, timeoutMs, cause);
        }
        continue;
      }
      throw error;
    }
  }

  return {
    signal,
    fetch<S extends z.ZodType>(request: HttpRequest<S>): Promise<z.output<S>> {
      const method = request.method ?? 'GET';
      const url = new URL(request.url);
      appendQuery(url, request.query);
      const name = request.name ?? `${method} ${url.pathname}`;
      const rules: UpstreamRule[] = [...(request.rules ?? [])];
      if (request.notFound !== undefined)
        rules.push({ status: 404, means: 'not_found', message: request.notFound });
      const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
      let body: string | undefined;
      if (request.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(request.json);
      } else if (request.form !== undefined) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = new URLSearchParams(request.form).toString();
      }
      const timeoutMs = request.timeoutMs ?? profile.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      const send = async (requestSignal: AbortSignal): Promise<z.output<S>> => {
        let response: Response;
        try {
          response = await fetch(url, { method, headers, body, signal: requestSignal, redirect: 'error' });
        } catch (cause) {
          if (isAbortError(cause) || requestSignal.aborted) throw cause;
          throw new NetworkFailure(cause);
        }
        const answer = await readBody(response);
        if (!response.ok) {
          throw new HttpFailure(
            response.status,
            answer,
            response.headers.get('retry-after'),
            `${method} ${url.pathname}`,
          );
        }
        const parsed = request.schema.safeParse(answer);
        if (!parsed.success) {
          throw new ToolError(
            'internal',
            `${profile.title} answered in a shape this connector does not understand; the details are logged.`,
            { cause: parsed.error },
          );
        }
        return parsed.data;
      };
      const classify = (caught: unknown): Classified => {
        if (caught instanceof HttpFailure) {
          const failure: { -readonly [K in keyof UpstreamFailure]: UpstreamFailure[K] } = {
            status: caught.status,
            codes: (profile.codesOf ?? errorCodes)(caught.body),
          };
          const retryAfterMs = parseRetryAfter(caught.retryAfter, now());
          if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
          return classifyFailure(
            failure,
            profile,
            rules,
            new UpstreamHttpError(caught.status, caught.body, caught.request),
          );
        }
        if (caught instanceof NetworkFailure) {
          return classifyFailure({ codes: [], network: true }, profile, rules, caught.cause);
        }
        return { error: internal(profile, caught) };
      };
      return withRetry(name, timeoutMs, true, send, classify);
    },

    run<T>(name: string, fn: (signal: AbortSignal) => Promise<T>, runOptions: RunOptions = {}): Promise<T> {
      const rules: UpstreamRule[] = [...(runOptions.rules ?? [])];
      if (runOptions.notFound !== undefined) {
        rules.push({ status: 404, means: 'not_found', message: runOptions.notFound });
      }
      const timeoutMs = runOptions.timeoutMs ?? profile.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      const classify = (caught: unknown): Classified => {
        const failure = profile.describe?.(caught);
        if (failure === undefined) return { error: internal(profile, caught) };
        return classifyFailure(failure, profile, rules, caught);
      };
      return withRetry(name, timeoutMs, runOptions.retry ?? true, fn, classify);
    },
  };
}

function internal(profile: UpstreamProfile, cause: unknown): ToolError {
  return new ToolError(
    'internal',
    `A request to ${profile.title} failed unexpectedly; the details are logged.`,
    {
      cause,
    },
  );
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly retryAfter: string | null,
    readonly request: string,
  ) {
    super(`HTTP ${status}`);
  }
}

class NetworkFailure extends Error {
  constructor(cause: unknown) {
    super('network failure', { cause });
  }
}
