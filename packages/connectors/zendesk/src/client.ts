import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@switchboard/kit';
import { ToolError } from '@switchboard/kit';
import type { z } from 'zod';
import type { ZendeskConfig } from './config.js';

/**
 * A small HTTP client for Zendesk REST v2 over Node's global fetch. Every request gets its own
 * timeout combined with the caller's signal, every response is parsed with a zod schema, and every
 * failure becomes a ToolError whose message tells the model what to do next (the vendor's body is
 * only ever the error's cause).
 *
 * Rate limits: a 429 whose Retry-After is short (<= maxRetryWaitMs) is retried once after waiting
 * that long; a longer one, or a second 429, answers `rate_limited` with `retryAfterMs`. Zendesk has
 * not processed a request it answered 429, so the retry is safe for writes too.
 */

export interface ZendeskClient {
  /** `https://acme.zendesk.com` or the configured baseUrl, without a trailing slash. */
  readonly origin: string;
  readonly authorization: string;
  readonly timeoutMs: number;
  readonly maxRetryWaitMs: number;
  readonly logger: Logger;
}

export function createClient(config: ZendeskConfig, logger: Logger): ZendeskClient {
  const origin =
    config.baseUrl !== undefined
      ? config.baseUrl.replace(/\/+$/, '').replace(/\/api\/v2$/, '')
      : `https://${config.subdomain}.zendesk.com`;
  return {
    origin,
    authorization: `Basic ${Buffer.from(`${config.email}/token:${config.apiToken}`, 'utf8').toString('base64')}`,
    timeoutMs: config.timeoutMs,
    maxRetryWaitMs: config.maxRetryWaitMs,
    logger,
  };
}

/** Link to a ticket in the agent interface. */
export function ticketUrl(client: ZendeskClient, id: number): string {
  return `${client.origin}/agent/tickets/${id}`;
}

/** A non-2xx answer, kept as the cause of the ToolError a caller raises. */
export class ZendeskHttpError extends Error {
  override readonly name = 'ZendeskHttpError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly method: string,
    readonly path: string,
  ) {
    super(`Zendesk answered ${status} to ${method} ${path}`);
  }
}

export interface RequestOptions<S extends z.ZodType> {
  method?: 'GET' | 'POST' | 'PUT';
  /** Path under /api/v2, e.g. `/tickets/42.json`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  schema: S;
  signal: AbortSignal;
  /**
   * Maps a non-2xx answer the caller understands (404, 422) to its own ToolError; return undefined
   * for the default mapping.
   */
  onError?(error: ZendeskHttpError): ToolError | undefined;
}

/** Default wait when a 429 carries no usable Retry-After: Zendesk counts per minute. */
const DEFAULT_RETRY_AFTER_MS = 60_000;

/** Retry-After in seconds or as an HTTP date, in milliseconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export async function zendeskRequest<S extends z.ZodType>(
  client: ZendeskClient,
  options: RequestOptions<S>,
): Promise<z.output<S>> {
  const method = options.method ?? 'GET';
  const url = new URL(`${client.origin}/api/v2${options.path}`);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  for (let attempt = 1; ; attempt += 1) {
    const response = await send(client, method, url, options);
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      await response.body?.cancel();
      const wait = retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
      if (attempt === 1 && wait <= client.maxRetryWaitMs) {
        client.logger.debug({ path: options.path, waitMs: wait }, 'zendesk 429: retrying once');
        try {
          await sleep(wait, undefined, { signal: options.signal });
        } catch (cause) {
          throw timeoutError(client, cause);
        }
        continue;
      }
      throw new ToolError(
        'rate_limited',
        `Zendesk is rate limiting this connector (its per-minute API allowance is used up). Retry in ${Math.ceil(wait / 1000)} s.`,
        { retryAfterMs: wait, cause: new ZendeskHttpError(429, null, method, options.path) },
      );
    }
    if (!response.ok) {
      const body = await readBody(response);
      const error = new ZendeskHttpError(response.status, body, method, options.path);
      throw options.onError?.(error) ?? defaultError(error);
    }
    const body = await readBody(response);
    const parsed = options.schema.safeParse(body);
    if (!parsed.success) {
      throw new ToolError(
        'internal',
        'Zendesk answered in a shape this connector does not understand; the details are logged.',
        { cause: parsed.error },
      );
    }
    return parsed.data;
  }
}

async function send<S extends z.ZodType>(
  client: ZendeskClient,
  method: string,
  url: URL,
  options: RequestOptions<S>,
): Promise<Response> {
  const headers: Record<string, string> = {
    authorization: client.authorization,
    accept: 'application/json',
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(client.timeoutMs)]),
      redirect: 'error',
    });
  } catch (cause) {
    if (options.signal.aborted || isAbort(cause)) throw timeoutError(client, cause);
    throw new ToolError(
      'upstream_unavailable',
      'Zendesk could not be reached. Retry in a moment; if it persists, the Zendesk connection needs an operator.',
      { cause },
    );
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

function timeoutError(client: ZendeskClient, cause: unknown): ToolError {
  return new ToolError(
    'timeout',
    `Zendesk did not answer in time (limit ${client.timeoutMs} ms per request). Retry, or narrow the request.`,
    { cause },
  );
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

function defaultError(error: ZendeskHttpError): ToolError {
  const { status } = error;
  if (status === 401) {
    return new ToolError(
      'upstream_unavailable',
      'Zendesk refused the credentials of this connector (401). An operator must fix its email or apiToken; retrying will not help.',
      { retryable: false, cause: error },
    );
  }
  if (status === 403) {
    return new ToolError(
      'forbidden',
      'The Zendesk agent this connector acts as may not do this (403). Ask a Zendesk admin for access.',
      { cause: error },
    );
  }
  if (status === 404) {
    return new ToolError('not_found', 'Zendesk has no such record (404).', { cause: error });
  }
  if (status === 422 || status === 400) {
    return new ToolError(
      'invalid_input',
      'Zendesk refused the request as invalid. Check the values passed (ids, emails, status) and try again.',
      { cause: error },
    );
  }
  if (status === 409) {
    return new ToolError(
      'conflict',
      'Zendesk reported a conflicting update; read the record again and retry.',
      {
        cause: error,
      },
    );
  }
  if (status >= 500) {
    return new ToolError(
      'upstream_unavailable',
      `Zendesk is unavailable right now (HTTP ${status}). Retry in a moment.`,
      { cause: error },
    );
  }
  return new ToolError('internal', `Zendesk answered HTTP ${status} unexpectedly; the details are logged.`, {
    cause: error,
  });
}

/** The `error` and detail `error` codes of a Zendesk error body, for callers' onError. */
export function errorCodes(body: unknown): string[] {
  const codes: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 4 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key === 'error' && typeof child === 'string') codes.push(child);
      else visit(child, depth + 1);
    }
  };
  visit(body, 0);
  return codes;
}
