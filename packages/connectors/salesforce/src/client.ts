import type { InstanceInfo, Logger } from '@switchboard/kit';
import { ToolError } from '@switchboard/kit';
import { Connection } from 'jsforce/lib/core.js';
import { Transport } from 'jsforce/lib/transport.js';
import type { HttpRequest, HttpRequestOptions } from 'jsforce/lib/types/common.js';
import type { SalesforceConfig } from './config.js';

/**
 * The jsforce connection of one instance and the one place Salesforce errors become ToolErrors.
 *
 * jsforce facts this relies on (node_modules/jsforce/src):
 * - connection.ts: without a `refreshFn`, a connection with a clientId refreshes with the
 *   refresh_token grant (`oauthRefreshFn`), which the client credentials flow never gets. So the
 *   connector passes its own `refreshFn` that repeats the original grant.
 * - http-api.ts: any 401 (except two known bodies) triggers one refresh through the
 *   SessionRefreshDelegate and a replay; a failed refresh throws "Unable to refresh session due to:
 *   ...". Errors are HttpApiError with `errorCode` taken from the `[{message, errorCode}]` body.
 * - request.ts: fetch retries GET/PUT/HEAD/OPTIONS/DELETE on 420/429/5xx and connection resets, 5
 *   times with exponential backoff from 500 ms, and times out after 30 minutes, unless the
 *   request options say otherwise. jsforce takes no AbortSignal, so the connector installs a
 *   transport with its own timeout and retry policy on the connection and its OAuth2 client.
 */

export interface SalesforceClient {
  readonly conn: Connection;
  readonly config: SalesforceConfig;
  /** Logs in (again): the client credentials or password grant. */
  authenticate(): Promise<void>;
}

/** After the org refused the credentials, do not ask again for this long (no login storm). */
export const AUTH_COOLDOWN_MS = 30_000;

const REFRESH_FAILED = 'Unable to refresh session due to:';

/** Applies the instance's timeout and retry policy to every request jsforce sends. */
class BoundedTransport extends Transport {
  readonly #defaults: HttpRequestOptions;
  constructor(defaults: HttpRequestOptions) {
    super();
    this.#defaults = defaults;
  }
  override httpRequest(request: HttpRequest, options: HttpRequestOptions = {}) {
    return super.httpRequest(request, { ...this.#defaults, ...options });
  }
}

class CredentialsRefused extends Error {
  override readonly name = 'CredentialsRefused';
}

export function createClient(config: SalesforceConfig, logger: Logger): SalesforceClient {
  let refusedAt: number | undefined;

  const conn: Connection = new Connection({
    loginUrl: config.loginUrl,
    version: config.version,
    oauth2: { loginUrl: config.loginUrl, clientId: config.clientId, clientSecret: config.clientSecret },
    // Called by jsforce on a 401: log in again with the same grant, at most once per cooldown
    // after the org refused the credentials.
    refreshFn: (connection, callback) => {
      authenticate().then(
        () => callback(null, connection.accessToken ?? ''),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  const transport = new BoundedTransport({
    timeout: config.requestTimeoutMs,
    retry: { maxRetries: config.retries, minTimeout: 250 },
  });
  conn._transport = transport;
  conn.oauth2._transport = transport;

  async function authenticate(): Promise<void> {
    if (refusedAt !== undefined && Date.now() - refusedAt < AUTH_COOLDOWN_MS) {
      throw new CredentialsRefused('credentials refused recently; not retrying yet');
    }
    try {
      if (config.authFlow === 'password') {
        await conn.loginByOAuth2(config.username ?? '', config.password ?? '');
      } else {
        await conn.authorize({ grant_type: 'client_credentials' });
      }
      refusedAt = undefined;
    } catch (error) {
      // The token endpoint's OAuth error names the error: invalid_client, invalid_grant, ...
      if (error instanceof Error && /^(invalid_client|invalid_grant|unauthorized_client)/.test(error.name)) {
        refusedAt = Date.now();
        logger.warn({ err: error.name }, 'Salesforce refused the connector credentials');
      }
      throw error;
    }
  }

  return { conn, config, authenticate };
}

// ---------------------------------------------------------------------------------------------

/** What a call needs beside the client: the deadline signal and the instance for messages. */
export interface CallScope {
  readonly signal: AbortSignal;
  readonly instance: InstanceInfo;
}

/** The `errorCode` of a jsforce HttpApiError (or OAuth error name), if any. */
export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('errorCode' in error && typeof error.errorCode === 'string') return error.errorCode;
  return undefined;
}

const INPUT_ERRORS = new Set([
  'MALFORMED_QUERY',
  'MALFORMED_SEARCH',
  'INVALID_FIELD',
  'INVALID_TYPE',
  'INVALID_QUERY_FILTER_OPERATOR',
  'INVALID_QUERY_LOCATOR',
  'NUMBER_OUTSIDE_VALID_RANGE',
  'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
  'REQUIRED_FIELD_MISSING',
  'STRING_TOO_LONG',
  'MALFORMED_ID',
  'FIELD_CUSTOM_VALIDATION_EXCEPTION',
  'JSON_PARSER_ERROR',
  'INVALID_FIELD_FOR_INSERT_UPDATE',
]);
const FORBIDDEN_ERRORS = new Set([
  'INSUFFICIENT_ACCESS',
  'INSUFFICIENT_ACCESS_OR_READONLY',
  'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY',
  'API_DISABLED_FOR_ORG',
  'FUNCTIONALITY_NOT_ENABLED',
]);
const UNAVAILABLE_ERRORS = new Set(['UNKNOWN_EXCEPTION', 'SERVER_UNAVAILABLE', 'SERVICE_UNAVAILABLE']);

/** OAuth error descriptions of a refused login (the token endpoint's error_description). */
const REFUSED =
  /invalid client|authentication failure|credentials refused|expired access\/refresh token|inactive user|invalid_client|invalid_grant/i;

function isAuthFailure(error: unknown): boolean {
  if (error instanceof CredentialsRefused) return true;
  if (!(error instanceof Error)) return false;
  // A refresh that failed on the network is not a refused credential: that is retryable.
  if (error.message.startsWith(REFRESH_FAILED)) return REFUSED.test(error.message);
  return /^(invalid_client|invalid_grant|unauthorized_client)$/.test(error.name);
}

/**
 * Maps anything a jsforce call throws to a ToolError. The message says what to do next; the
 * original error (with Salesforce's body) is kept as `cause` only.
 */
export function mapSalesforceError(error: unknown, client: SalesforceClient, scope: CallScope): ToolError {
  if (error instanceof ToolError) return error;
  const code = errorCodeOf(error);
  if (code === 'REQUEST_LIMIT_EXCEEDED') {
    // No Retry-After from Salesforce: the allocation is a rolling 24 h count, so on average one
    // call's worth frees up every 24 h / limit. An estimate, bounded to 1 minute .. 1 hour.
    const limit = client.conn.limitInfo.apiUsage?.limit;
    const retryAfterMs =
      limit !== undefined && limit > 0
        ? Math.min(3_600_000, Math.max(60_000, Math.ceil(86_400_000 / limit)))
        : undefined;
    return new ToolError(
      'rate_limited',
      "The Salesforce org's daily API allocation is used up (REQUEST_LIMIT_EXCEEDED). Wait before calling " +
        'Salesforce tools again; cached results may still be served.',
      { retryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), cause: error },
    );
  }
  if (isAuthFailure(error)) {
    return new ToolError(
      'upstream_unavailable',
      `Salesforce refused the credentials of the ${scope.instance.namespace} connector (login failed). An ` +
        'administrator must fix its connected app, client id/secret or integration user; retrying will not help.',
      { retryable: false, cause: error },
    );
  }
  if (code !== undefined && INPUT_ERRORS.has(code)) {
    return new ToolError(
      'invalid_input',
      `Salesforce rejected the request (${code}). Check the input and try again.`,
      {
        cause: error,
      },
    );
  }
  if (code !== undefined && FORBIDDEN_ERRORS.has(code)) {
    return new ToolError(
      'forbidden',
      `The Salesforce integration user of ${scope.instance.namespace} may not do this (${code}). Ask an ` +
        'administrator to grant the permission, or use another tool.',
      { cause: error },
    );
  }
  if (code === 'UNABLE_TO_LOCK_ROW') {
    return new ToolError(
      'conflict',
      'The Salesforce record is being changed by someone else. Try again shortly.',
      {
        retryable: true,
        cause: error,
      },
    );
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.message === 'Request Timeout')) {
    return new ToolError(
      'timeout',
      `Salesforce did not answer within ${client.config.requestTimeoutMs} ms. Try again, or narrow the request.`,
      { cause: error },
    );
  }
  if (
    (code !== undefined && (UNAVAILABLE_ERRORS.has(code) || /^ERROR_HTTP_5\d\d$/.test(code))) ||
    (error instanceof Error &&
      (error.name === 'FetchError' ||
        error.message.startsWith(REFRESH_FAILED) ||
        /ECONNREFUSED|ECONNRESET|socket hang up/.test(error.message)))
  ) {
    return new ToolError(
      'upstream_unavailable',
      'Salesforce is unavailable right now. Try again in a minute.',
      {
        retryable: true,
        cause: error,
      },
    );
  }
  return new ToolError('internal', 'Salesforce answered unexpectedly. The error was logged.', {
    cause: error,
  });
}

/**
 * Runs one or more jsforce calls under the scope's signal: an abort ends the call at once with
 * `timeout` (jsforce cannot be aborted; its own request timeout frees the socket), and every error
 * is mapped to a ToolError.
 */
export async function sfCall<T>(
  client: SalesforceClient,
  scope: CallScope,
  work: () => PromiseLike<T>,
): Promise<T> {
  const { signal } = scope;
  if (signal.aborted) throw deadline(signal);
  const running = Promise.resolve().then(work);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(deadline(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  // Whichever loses the race must not surface as an unhandled rejection.
  running.catch(() => undefined);
  aborted.catch(() => undefined);
  try {
    return await Promise.race([running, aborted]);
  } catch (error) {
    throw mapSalesforceError(error, client, scope);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

function deadline(signal: AbortSignal): ToolError {
  return new ToolError(
    'timeout',
    'The Salesforce call did not finish before the deadline. Try again, or narrow the request.',
    { cause: signal.reason },
  );
}
