import type { Logger } from '@switchboard/kit';
import { errorCodes } from '@switchboard/kit';
import { Connection } from 'jsforce/lib/core.js';
import { Transport } from 'jsforce/lib/transport.js';
import type { HttpRequest, HttpRequestOptions, HttpResponse } from 'jsforce/lib/types/common.js';
import { StreamPromise } from 'jsforce/lib/util/promise.js';
import type { SalesforceConfig } from './config.js';

/**
 * The jsforce connection of one instance. Every request it sends runs inside one `upstream.run` of
 * the call (quota, deadline, failure mapping); what stays here is what only jsforce needs.
 *
 * jsforce facts this relies on (node_modules/jsforce/src):
 * - connection.ts: without a `refreshFn`, a connection with a clientId refreshes with the
 *   refresh_token grant (`oauthRefreshFn`), which the client credentials flow never gets. So the
 *   connector passes its own `refreshFn` that repeats the original grant.
 * - http-api.ts: a 401 triggers one refresh through the SessionRefreshDelegate and a replay, inside
 *   the same jsforce call; a failed refresh throws "Unable to refresh session due to: ...". The
 *   error it builds for other answers (HttpApiError) carries the errorCode but not the status.
 * - request.ts: fetch retries GET/PUT/HEAD/OPTIONS/DELETE on 420/429/5xx and connection resets and
 *   times out after 30 minutes, and takes no AbortSignal.
 */

export interface SalesforceClient {
  readonly conn: Connection;
  readonly config: SalesforceConfig;
  /** Logs in (again): the client credentials or password grant. */
  authenticate(): Promise<void>;
  /** Active picklist values by `Object.Field`, read once per process (like jsforce's describe$ cache). */
  readonly picklists: Map<string, readonly string[]>;
}

/** After the org refused the credentials, do not ask again for this long (no login storm). */
export const AUTH_COOLDOWN_MS = 30_000;

/** OAuth error codes of the token endpoint that mean the credentials themselves were refused. */
export const REFUSED_CREDENTIALS: readonly string[] = [
  'invalid_client',
  'invalid_client_id',
  'invalid_grant',
  'unauthorized_client',
  'inactive_user',
  'inactive_org',
  'unsupported_grant_type',
];

/** The start of jsforce's message when the session refresh failed. */
export const REFRESH_FAILED = 'Unable to refresh session due to:';
/** What the connector's `refreshFn` tells jsforce when the org refused the credentials. */
export const CREDENTIALS_REFUSED = 'credentials refused';

/**
 * A non-2xx answer of Salesforce, with its status and parsed body (`[{message, errorCode}]` from the
 * REST API, `{error, error_description}` from the token endpoint). Kept as the `cause` of the
 * ToolError: logged, never shown.
 */
export class SalesforceHttpError extends Error {
  override readonly name = 'SalesforceHttpError';
  readonly codes: string[];
  constructor(
    readonly status: number,
    readonly body: unknown,
    request: string,
  ) {
    super(`Salesforce answered ${status} to ${request}`);
    this.codes = errorCodes(body);
  }
}

/** Login refused now or within the cooldown: `code` is the token endpoint's OAuth error. */
export class CredentialsRefused extends Error {
  override readonly name = 'CredentialsRefused';
  constructor(
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(`Salesforce refused the connector credentials (${code})`, options);
  }
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body.slice(0, 2000);
  }
}

const isTokenRequest = (request: HttpRequest) => request.url.includes('/services/oauth2/');

/**
 * Why jsforce gets a transport of the connector's: so that one jsforce call is one HTTP request (its
 * own retries are off; a read is repeated as a request of its own, see `read`), so that a request
 * the call abandoned still frees its socket (jsforce takes no AbortSignal, so its own timeout is a
 * backstop just after the call's), and so that a failure keeps its HTTP status, which jsforce's
 * error drops. A REST 401 passes through untouched: jsforce must see it to refresh the session.
 */
class SalesforceTransport extends Transport {
  readonly #defaults: HttpRequestOptions;
  constructor(defaults: HttpRequestOptions) {
    super();
    this.#defaults = defaults;
  }
  override httpRequest(request: HttpRequest, options: HttpRequestOptions = {}): StreamPromise<HttpResponse> {
    const answer = super.httpRequest(request, { ...options, ...this.#defaults });
    return StreamPromise.create(() => ({
      stream: answer.stream(),
      promise: answer.then((response) => {
        if (response.statusCode < 400) return response;
        if (response.statusCode === 401 && !isTokenRequest(request)) return response;
        const path = new URL(request.url).pathname;
        throw new SalesforceHttpError(
          response.statusCode,
          parseBody(response.body),
          `${request.method} ${path}`,
        );
      }),
    }));
  }
}

/** The jsforce backstop outlives the request timeout a little, so the call's own timeout always wins. */
const BACKSTOP_MARGIN_MS = 1_000;

export function createClient(
  config: SalesforceConfig,
  logger: Logger,
  now: () => number = Date.now,
): SalesforceClient {
  let refusedAt: number | undefined;
  let refusedCode = '';

  const conn: Connection = new Connection({
    loginUrl: config.loginUrl,
    version: config.version,
    oauth2: { loginUrl: config.loginUrl, clientId: config.clientId, clientSecret: config.clientSecret },
    // Session refresh stays jsforce's: on a 401 it calls this once for all concurrent requests and
    // replays each request inside its own jsforce call, so the replay belongs to the same `run`. The
    // extra 401 and token request take no quota token: Salesforce counts neither against the daily
    // API allocation. After a refusal the cooldown keeps a broken credential from logging in again
    // on every call.
    refreshFn: (connection, callback) => {
      authenticate().then(
        () => callback(null, connection.accessToken ?? ''),
        (error: unknown) =>
          callback(
            error instanceof CredentialsRefused
              ? new Error(CREDENTIALS_REFUSED, { cause: error })
              : error instanceof Error
                ? error
                : new Error(String(error)),
          ),
      );
    },
  });
  const transport = new SalesforceTransport({
    timeout: config.requestTimeoutMs + BACKSTOP_MARGIN_MS,
    retry: { maxRetries: 0, methods: [] },
  });
  conn._transport = transport;
  conn.oauth2._transport = transport;

  async function authenticate(): Promise<void> {
    if (refusedAt !== undefined && now() - refusedAt < AUTH_COOLDOWN_MS) {
      throw new CredentialsRefused(refusedCode);
    }
    try {
      if (config.authFlow === 'password') {
        await conn.loginByOAuth2(config.username ?? '', config.password ?? '');
      } else {
        await conn.authorize({ grant_type: 'client_credentials' });
      }
      refusedAt = undefined;
    } catch (error) {
      const code =
        error instanceof SalesforceHttpError
          ? error.codes.find((candidate) => REFUSED_CREDENTIALS.includes(candidate))
          : undefined;
      if (code === undefined) throw error;
      refusedAt = now();
      refusedCode = code;
      logger.warn({ err: code }, 'Salesforce refused the connector credentials');
      throw new CredentialsRefused(code, { cause: error });
    }
  }

  return { conn, config, authenticate, picklists: new Map() };
}
