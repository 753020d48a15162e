import http from 'node:http';
import https from 'node:https';
import { Client } from '@hubspot/api-client';
import type { InstanceInfo, Logger } from '@switchboard/kit';
import { ToolError } from '@switchboard/kit';
import { z } from 'zod';
import type { HubSpotConfig } from './config.js';

/**
 * The vendor client and the one place every HubSpot request goes through: a per-request timeout,
 * the caller's abort signal, the rate-limit retry policy and the mapping of failures to ToolErrors.
 *
 * Why not the client's own retry (RetryDecorator in @hubspot/api-client 13.4.0): it waits 10 s x
 * attempt on a TEN_SECONDLY_ROLLING 429 (longer than any tool deadline), ignores Retry-After,
 * retries every 5xx (writes included, so a note could be created twice), logs with console.error,
 * and it is process-wide: `new Client()` replaces the decorators of a singleton
 * (ApiDecoratorService) that every API object built afterwards picks up. So the connector builds
 * its clients with `numberOfApiCallRetries: 0` and no limiter (no decorators at all), materialises
 * the API objects it uses at once, and retries here.
 */

export interface HubSpotClient {
  readonly api: Client;
  readonly config: HubSpotConfig;
}

/** Everything a HubSpot call needs beside the client: for messages, logs and cancellation. */
export interface Scope {
  readonly client: HubSpotClient;
  readonly instance: InstanceInfo;
  readonly signal: AbortSignal;
  readonly logger?: Logger;
}

export function createHubSpotClient(config: HubSpotConfig): HubSpotClient {
  const api = new Client({
    accessToken: config.accessToken,
    basePath: config.basePath,
    numberOfApiCallRetries: 0,
  });
  // Build the API objects now, while the process-wide decorator list is the empty one this client
  // just installed: a later `new Client({ numberOfApiCallRetries: 3 })` elsewhere cannot change them.
  void api.crm.objects.basicApi;
  void api.crm.objects.searchApi;
  void api.crm.objects.batchApi;
  void api.crm.associations.v4.basicApi;
  return { api, config };
}

/** The per-call options the generated API methods take as their last argument. */
export interface CallOptions {
  middleware: Array<{
    pre<C extends { setAgent(agent: http.Agent): void }>(context: C): Promise<C>;
    post<R>(context: R): Promise<R>;
  }>;
  middlewareMergeStrategy: 'append';
}

export interface CallSpec {
  /** What is being done, for logs: `read company 123`. */
  what: string;
  /** Message of the `not_found` a 404 becomes; a 404 is `internal` without it. */
  notFound?: string;
  /** Message of the `invalid_input` a 400 becomes; a 400 is `internal` without it. */
  invalid?: string;
}

const ApiError = z.object({
  code: z.number().int(),
  body: z.unknown(),
  headers: z.record(z.string(), z.string()).optional(),
});

const HubSpotErrorBody = z
  .object({
    message: z.string(),
    category: z.string(),
    errorType: z.string(),
    policyName: z.string(),
  })
  .partial();

const SECONDLY_SEARCH_MESSAGE = 'You have reached your secondly limit.';

/** Raised inside `once` when the deadline or the caller aborts the request. */
class Aborted extends Error {
  constructor(readonly byCaller: boolean) {
    super('aborted');
  }
}

/**
 * The generated client cannot take an AbortSignal (its node-fetch call passes none). It does take a
 * per-call middleware that may set the request's `agent`: each request gets an agent of its own,
 * and aborting destroys that agent, which destroys the socket and fails the fetch. The cost is one
 * connection per request (no keep-alive).
 */
function once<T>(scope: Scope, fn: (options: CallOptions) => Promise<T>): Promise<T> {
  const { config } = scope.client;
  const timeout = AbortSignal.timeout(config.requestTimeoutMs);
  const signal = AbortSignal.any([scope.signal, timeout]);
  const agent = config.basePath.startsWith('https:')
    ? new https.Agent({ keepAlive: false })
    : new http.Agent({ keepAlive: false });
  const options: CallOptions = {
    middleware: [
      {
        async pre(context) {
          context.setAgent(agent);
          return context;
        },
        async post(context) {
          return context;
        },
      },
    ],
    middlewareMergeStrategy: 'append',
  };
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      agent.destroy();
      reject(new Aborted(scope.signal.aborted));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    fn(options)
      .then(resolve, reject)
      .finally(() => {
        signal.removeEventListener('abort', onAbort);
        agent.destroy();
      });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Aborted(true));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Aborted(true));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** Retry-After in milliseconds (seconds or an HTTP date), when sent. */
function retryAfterMs(headers: Record<string, string> | undefined): number | undefined {
  const value = header(headers, 'retry-after');
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Milliseconds until the next midnight in `timeZone` (when HubSpot's daily limit resets). */
export function msUntilMidnight(timeZone: string, now = new Date()): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(now);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const elapsed = ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1000 + now.getMilliseconds();
  return Math.max(1000, 86_400_000 - elapsed);
}

type Failure =
  | { kind: 'retry'; policy: string; delayMs: number; retryAfterMs: number | undefined }
  | { kind: 'fail'; error: ToolError };

function classify(scope: Scope, spec: CallSpec, error: unknown, attempt: number): Failure {
  if (error instanceof ToolError) return { kind: 'fail', error };
  const { config } = scope.client;
  const unavailable = (message: string, retryable = true) =>
    new ToolError('upstream_unavailable', message, { retryable, cause: error });
  const api = ApiError.safeParse(error);
  if (!api.success) {
    // node-fetch raises FetchError for refused, reset and unresolvable connections; the generated
    // client raises a plain Error for a body it cannot parse (an HTML error page from a proxy).
    const transport =
      error instanceof Error &&
      (error.name === 'FetchError' ||
        /Cannot parse content|mediaType .* is not supported/.test(error.message));
    return {
      kind: 'fail',
      error: transport
        ? unavailable(`HubSpot could not be reached to ${spec.what}. Try again in a moment.`)
        : new ToolError('internal', `Unexpected failure trying to ${spec.what}.`, { cause: error }),
    };
  }
  const { code, headers } = api.data;
  const body = HubSpotErrorBody.safeParse(api.data.body);
  const details = body.success ? body.data : {};
  if (code === 429) {
    const policy =
      details.policyName ?? (details.message === SECONDLY_SEARCH_MESSAGE ? 'SECONDLY' : 'UNKNOWN');
    const hinted = retryAfterMs(headers);
    if (policy === 'DAILY') {
      const wait = msUntilMidnight(config.dailyResetTimeZone);
      return {
        kind: 'fail',
        error: new ToolError(
          'rate_limited',
          `HubSpot's daily API limit for this account is used up; it resets at midnight ` +
            `(${config.dailyResetTimeZone}), in about ${Math.ceil(wait / 3_600_000)} h. Do not retry before ` +
            'then; answer from other sources.',
          { retryable: true, retryAfterMs: wait, cause: error },
        ),
      };
    }
    if ((policy === 'TEN_SECONDLY_ROLLING' || policy === 'SECONDLY') && attempt < config.maxAttempts) {
      const backoff = (policy === 'SECONDLY' ? 1000 : 500) * 2 ** (attempt - 1);
      return {
        kind: 'retry',
        policy,
        delayMs: Math.min(hinted ?? backoff, config.maxRetryDelayMs),
        retryAfterMs: hinted,
      };
    }
    return {
      kind: 'fail',
      error: new ToolError(
        'rate_limited',
        `HubSpot is rate limiting this account (${policy}) and refused to ${spec.what}` +
          `${attempt > 1 ? ` after ${attempt} attempts` : ''}. Wait a few seconds and try again.`,
        { retryable: true, retryAfterMs: hinted ?? 2000, cause: error },
      ),
    };
  }
  if (code === 404 && spec.notFound !== undefined) {
    return { kind: 'fail', error: new ToolError('not_found', spec.notFound, { cause: error }) };
  }
  if (code === 400 && spec.invalid !== undefined) {
    return { kind: 'fail', error: new ToolError('invalid_input', spec.invalid, { cause: error }) };
  }
  if (code === 401) {
    return {
      kind: 'fail',
      error: unavailable(
        'HubSpot refused the access token of this connector. An operator must fix accessToken; retrying will not help.',
        false,
      ),
    };
  }
  if (code === 403) {
    return {
      kind: 'fail',
      error: new ToolError(
        'forbidden',
        `HubSpot's private app lacks a scope needed to ${spec.what}. An operator must grant it in HubSpot.`,
        { cause: error },
      ),
    };
  }
  if (code === 409) {
    return {
      kind: 'fail',
      error: new ToolError('conflict', `HubSpot reported a conflict trying to ${spec.what}.`, {
        cause: error,
      }),
    };
  }
  if (code >= 500) {
    return {
      kind: 'fail',
      error: unavailable(`HubSpot failed (HTTP ${code}) to ${spec.what}. Try again in a moment.`),
    };
  }
  return {
    kind: 'fail',
    error: new ToolError('internal', `HubSpot rejected the request to ${spec.what} (HTTP ${code}).`, {
      cause: error,
    }),
  };
}

/**
 * Runs one HubSpot API call under the request timeout and the caller's signal, retrying only what
 * the TEN_SECONDLY_ROLLING (and search secondly) limit refused, with bounded backoff.
 */
export async function hubspotCall<T>(
  scope: Scope,
  spec: CallSpec,
  fn: (api: Client, options: CallOptions) => Promise<T>,
): Promise<T> {
  const { config } = scope.client;
  for (let attempt = 1; ; attempt++) {
    try {
      if (scope.signal.aborted) throw new Aborted(true);
      return await once(scope, (options) => fn(scope.client.api, options));
    } catch (error) {
      if (error instanceof Aborted) {
        throw new ToolError(
          'timeout',
          error.byCaller
            ? `The call was cancelled or ran out of time while waiting for HubSpot to ${spec.what}. Try again; if it keeps happening, HubSpot is slow.`
            : `HubSpot did not answer within ${config.requestTimeoutMs} ms to ${spec.what}. Try again in a moment.`,
          { cause: error },
        );
      }
      const failure = classify(scope, spec, error, attempt);
      if (failure.kind === 'fail') throw failure.error;
      scope.logger?.warn(
        { attempt, delayMs: failure.delayMs, policy: failure.policy, what: spec.what },
        'HubSpot rate limit; retrying',
      );
      try {
        await sleep(failure.delayMs, scope.signal);
      } catch {
        throw new ToolError(
          'rate_limited',
          `HubSpot is rate limiting this account and the call ran out of time to ${spec.what}. Wait a few seconds and try again.`,
          { retryable: true, retryAfterMs: failure.retryAfterMs ?? 2000, cause: error },
        );
      }
    }
  }
}
