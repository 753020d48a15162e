import {
  LogLevel,
  type RetryOptions,
  type Logger as SlackLogger,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import type { InstanceInfo, Logger } from '@switchboard/kit';
import { ToolError } from '@switchboard/kit';
import { z } from 'zod';
import type { SlackConfig } from './config.js';

/**
 * Calls to the Slack Web API through @slack/web-api's WebClient, with the retry policy set
 * explicitly (the library's default retries 10 times over about 30 minutes and queues rate-limited
 * calls until Retry-After passes):
 *
 * - `rejectRateLimitedCalls: true`: a 429 rejects at once with WebAPIRateLimitedError, which
 *   becomes `rate_limited` with `retryAfterMs` from Retry-After. Never retried here.
 * - `retryConfig`: reads retry `maxRetries` times 0.2-1 s apart after a network error, an attempt
 *   timeout or an HTTP 5xx; posts never retry (a timed-out post may have been delivered).
 * - `timeout`: every HTTP attempt is bounded by `requestTimeoutMs`.
 * - The caller's AbortSignal: WebClient methods take no signal, so each call gets its own WebClient
 *   whose `fetch` combines the attempt timeout with the call's signal (the socket is released on
 *   abort), and the call is also raced against the signal so it settles the moment it aborts even
 *   while p-retry waits between attempts. A WebClient is a few small objects; building one per call
 *   keeps signals from leaking between concurrent calls through its shared request queue.
 *
 * Every response is parsed with a zod schema; Slack's error codes become ToolErrors whose message
 * says what to do next. Vendor bodies only ever travel as the ToolError's `cause`.
 */

export type TokenKind = 'bot' | 'user';

export interface SlackClient {
  readonly config: SlackConfig;
  readonly logger: Logger;
  readonly instance: InstanceInfo;
  /** Channels by lower-case name, cached for a few minutes (for name -> id resolution). */
  directory: { at: number; channels: Map<string, WireChannel> } | undefined;
}

export function createSlackClient(config: SlackConfig, logger: Logger, instance: InstanceInfo): SlackClient {
  return { config, logger, instance, directory: undefined };
}

// ---- Wire schemas (what the connector reads of Slack's answers) ---------------------------------

const ResponseMetadata = z
  .object({ next_cursor: z.string().optional(), retryAfter: z.number().optional() })
  .optional();

export const WireChannel = z.object({
  id: z.string(),
  name: z.string().optional(),
  is_private: z.boolean().optional(),
  is_archived: z.boolean().optional(),
  is_shared: z.boolean().optional(),
  is_ext_shared: z.boolean().optional(),
  is_member: z.boolean().optional(),
  num_members: z.number().optional(),
  topic: z.object({ value: z.string() }).optional(),
  purpose: z.object({ value: z.string() }).optional(),
});
export type WireChannel = z.infer<typeof WireChannel>;

export const WireMessage = z.object({
  ts: z.string(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
  text: z.string().default(''),
  thread_ts: z.string().optional(),
  reply_count: z.number().optional(),
  latest_reply: z.string().optional(),
});
export type WireMessage = z.infer<typeof WireMessage>;

export const WireUser = z.object({
  id: z.string(),
  team_id: z.string().optional(),
  name: z.string(),
  deleted: z.boolean().optional(),
  real_name: z.string().optional(),
  is_bot: z.boolean().optional(),
  tz: z.string().optional(),
  profile: z
    .object({
      email: z.string().optional(),
      title: z.string().optional(),
      real_name: z.string().optional(),
      display_name: z.string().optional(),
    })
    .optional(),
});
export type WireUser = z.infer<typeof WireUser>;

export const ConversationsList = z.object({
  channels: z.array(WireChannel),
  response_metadata: ResponseMetadata,
});
export const ConversationsHistory = z.object({
  messages: z.array(WireMessage),
  has_more: z.boolean().optional(),
  response_metadata: ResponseMetadata,
});
export const UserAnswer = z.object({ user: WireUser });
export const PostAnswer = z.object({ channel: z.string(), ts: z.string(), message: WireMessage.optional() });
export const SearchAnswer = z.object({
  messages: z.object({
    total: z.number(),
    paging: z.object({ page: z.number(), pages: z.number() }).optional(),
    matches: z.array(
      z.object({
        ts: z.string(),
        text: z.string().default(''),
        user: z.string().optional(),
        username: z.string().optional(),
        channel: z.object({ id: z.string(), name: z.string().optional() }),
        permalink: z.string().optional(),
        thread_ts: z.string().optional(),
      }),
    ),
  }),
});
export const AuthTestAnswer = z.object({ team_id: z.string(), user_id: z.string() });

// ---- Calling -------------------------------------------------------------------------------------

export type SlackMethod =
  | 'auth.test'
  | 'conversations.list'
  | 'conversations.history'
  | 'conversations.replies'
  | 'users.lookupByEmail'
  | 'users.info'
  | 'chat.postMessage'
  | 'search.messages';

export interface CallOptions {
  signal: AbortSignal;
  /** Which token to call with (default bot). */
  token?: TokenKind;
  /** A write: never retried, and a timeout says the outcome is unknown. */
  write?: boolean;
  /** Maps a Slack error code the caller understands to its own ToolError. */
  onError?(code: string, data: unknown): ToolError | undefined;
  /** Per-attempt timeout override (readiness checks). */
  timeoutMs?: number;
  /** Retries override for reads (readiness checks use 0). */
  retries?: number;
}

/** Adapts the gateway's structured logger to the interface @slack/web-api logs through. */
function slackLogger(logger: Logger): SlackLogger {
  const text = (msg: unknown[]) =>
    msg.map((part) => (typeof part === 'string' ? part : String(part))).join(' ');
  let level = LogLevel.INFO;
  return {
    debug: (...msg: unknown[]) => logger.debug({ slack: text(msg) }),
    info: (...msg: unknown[]) => logger.debug({ slack: text(msg) }),
    warn: (...msg: unknown[]) => logger.warn({ slack: text(msg) }),
    error: (...msg: unknown[]) => logger.error({ slack: text(msg) }),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

function retryConfig(config: SlackConfig, options: CallOptions): RetryOptions {
  return options.write === true
    ? { retries: 0 }
    : {
        retries: options.retries ?? config.maxRetries,
        factor: 2,
        minTimeout: 200,
        maxTimeout: 1000,
        randomize: false,
      };
}

/** A WebClient for one call, bound to its signal (see the module comment). */
export function webClient(client: SlackClient, token: string, options: CallOptions): WebClient {
  const { signal } = options;
  return new WebClient(token, {
    slackApiUrl: client.config.slackApiUrl,
    retryConfig: retryConfig(client.config, options),
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? client.config.requestTimeoutMs,
    logger: slackLogger(client.logger),
    maxRequestConcurrency: 1,
    fetch: (url, init) =>
      fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }),
  });
}

class CallAborted extends Error {
  override readonly name = 'CallAborted';
}

/** Settles with `promise`, or rejects with CallAborted as soon as `signal` aborts. */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined); // A late rejection after the abort must not go unhandled.
  if (signal.aborted) return Promise.reject(new CallAborted('aborted', { cause: signal.reason }));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new CallAborted('aborted', { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
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

/**
 * Calls one Web API method and parses the answer with `schema`. Throws ToolError only.
 */
export async function slackCall<S extends z.ZodType>(
  client: SlackClient,
  method: SlackMethod,
  args: Record<string, string | number | boolean | undefined>,
  schema: S,
  options: CallOptions,
): Promise<z.output<S>> {
  const kind = options.token ?? 'bot';
  const token = kind === 'user' ? client.config.userToken : client.config.botToken;
  if (token === undefined) throw noUserToken(client);
  const started = Date.now();
  let result: unknown;
  try {
    result = await raceSignal(webClient(client, token, options).apiCall(method, args), options.signal);
  } catch (error) {
    const mapped = mapSlackError(client, method, error, options);
    client.logger.debug(
      { method, code: mapped.code, elapsedMs: Date.now() - started, err: error },
      'slack call failed',
    );
    throw mapped;
  }
  const parsed = schema.safeParse(result);
  if (!parsed.success) {
    throw new ToolError(
      'internal',
      `Slack answered ${method} with an unexpected shape; this is a connector bug.`,
      {
        cause: parsed.error,
      },
    );
  }
  return parsed.data;
}

export function noUserToken(client: SlackClient): ToolError {
  return new ToolError(
    'forbidden',
    'Searching Slack messages needs a Slack user token (xoxp-) with the search:read scope, and this connector ' +
      `instance (${client.instance.namespace}) has none configured: Slack refuses search to bot tokens. An ` +
      'operator must set userToken in its configuration. Meanwhile, read channels with ' +
      `${client.instance.toolName('list_channels')} and ${client.instance.toolName('channel_history')}.`,
    { retryable: false },
  );
}

const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'org_login_required',
  'team_access_not_granted',
]);
const UNAVAILABLE_ERRORS = new Set([
  'fatal_error',
  'internal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

const PlatformData = z.object({
  error: z.string().default('unknown_error'),
  needed: z.string().optional(),
  response_metadata: ResponseMetadata,
});

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

export function mapSlackError(
  client: SlackClient,
  method: SlackMethod,
  error: unknown,
  options: CallOptions,
): ToolError {
  const tool = client.instance.toolName;
  if (error instanceof ToolError) return error;
  const unknownOutcome = options.write
    ? ' The message may or may not have been posted: check the channel with ' +
      `${tool('channel_history')} before posting again.`
    : ' Try again shortly.';

  if (error instanceof CallAborted) {
    return new ToolError(
      'timeout',
      `The Slack call (${method}) was cancelled at the deadline.${unknownOutcome}`,
      {
        cause: error,
        retryable: !options.write,
      },
    );
  }
  if (error instanceof WebAPIRateLimitedError) {
    const seconds = error.retryAfter;
    return new ToolError(
      'rate_limited',
      `Slack rate-limited ${method}; wait ${seconds} s before calling it again (Slack limits each method ` +
        'separately, so other tools still work).',
      { cause: error, retryAfterMs: seconds * 1000 },
    );
  }
  if (error instanceof WebAPIPlatformError) {
    const data = PlatformData.safeParse(error.data);
    const code = data.success ? data.data.error : 'unknown_error';
    const own = options.onError?.(code, error.data);
    if (own !== undefined) {
      return new ToolError(own.code, own.message, {
        retryable: own.retryable,
        retryAfterMs: own.retryAfterMs,
        cause: error,
      });
    }
    if (code === 'ratelimited') {
      const seconds = data.success ? (data.data.response_metadata?.retryAfter ?? 60) : 60;
      return new ToolError(
        'rate_limited',
        `Slack rate-limited ${method}; wait ${seconds} s before calling it again.`,
        {
          cause: error,
          retryAfterMs: seconds * 1000,
        },
      );
    }
    if (AUTH_ERRORS.has(code)) {
      return new ToolError(
        'upstream_unavailable',
        `Slack refused the credentials of connector instance ${client.instance.namespace} (${code}). An operator ` +
          'must fix its botToken/userToken; retrying will not help.',
        { cause: error, retryable: false },
      );
    }
    if (code === 'missing_scope') {
      const needed = data.success && data.data.needed !== undefined ? ` (${data.data.needed})` : '';
      return new ToolError(
        'forbidden',
        `The Slack app lacks a scope${needed} that ${method} needs. An operator must add it and reinstall the app.`,
        { cause: error, retryable: false },
      );
    }
    if (code === 'not_allowed_token_type') return noUserTokenFor(client, error);
    if (code === 'not_in_channel') {
      return new ToolError(
        'forbidden',
        'The Slack app is not a member of that channel. Someone must invite it (/invite @app) first, or use ' +
          `another channel from ${tool('list_channels')}.`,
        { cause: error, retryable: false },
      );
    }
    if (code === 'channel_not_found') {
      return new ToolError(
        'not_found',
        `No such Slack channel is visible to the connector. Find channels with ${tool('list_channels')}.`,
        { cause: error },
      );
    }
    if (code === 'invalid_cursor') {
      return new ToolError(
        'invalid_input',
        'Slack no longer accepts this cursor. Omit cursor to start over from the first page.',
        { cause: error },
      );
    }
    if (code === 'is_archived') {
      return new ToolError('conflict', 'The channel is archived; nothing can be posted to it.', {
        cause: error,
      });
    }
    if (
      ['msg_too_long', 'no_text', 'invalid_arguments', 'invalid_blocks', 'too_many_attachments'].includes(
        code,
      )
    ) {
      return new ToolError('invalid_input', `Slack rejected the arguments of ${method} (${code}).`, {
        cause: error,
      });
    }
    if (UNAVAILABLE_ERRORS.has(code)) {
      return new ToolError('upstream_unavailable', `Slack is having trouble (${code}).${unknownOutcome}`, {
        cause: error,
        retryable: !options.write,
      });
    }
    return new ToolError('internal', `Slack refused ${method} (${code}).`, { cause: error });
  }
  if (error instanceof WebAPIHTTPError) {
    const serverSide = error.statusCode >= 500;
    return new ToolError(
      'upstream_unavailable',
      serverSide
        ? `Slack answered HTTP ${error.statusCode} to ${method}.${unknownOutcome}`
        : `Slack answered HTTP ${error.statusCode} to ${method}; an operator should check slackApiUrl.`,
      { cause: error, retryable: serverSide && !options.write },
    );
  }
  if (error instanceof WebAPIRequestError) {
    if (isTimeout(error.original)) {
      return new ToolError('timeout', `Slack did not answer ${method} in time.${unknownOutcome}`, {
        cause: error,
        retryable: !options.write,
      });
    }
    return new ToolError('upstream_unavailable', `Slack could not be reached (${method}).${unknownOutcome}`, {
      cause: error,
      retryable: !options.write,
    });
  }
  // A 429 without a usable Retry-After is rejected by the client with a plain Error.
  if (error instanceof Error && error.message.startsWith('Retry header did not contain')) {
    return new ToolError(
      'rate_limited',
      `Slack rate-limited ${method}; wait a minute before calling it again.`,
      {
        cause: error,
        retryAfterMs: 60_000,
      },
    );
  }
  return new ToolError('internal', `The Slack call ${method} failed unexpectedly.`, { cause: error });
}

function noUserTokenFor(client: SlackClient, cause: unknown): ToolError {
  const base = noUserToken(client);
  return new ToolError(
    'forbidden',
    'Slack refused search to the configured token: search needs a user token (xoxp-) with search:read, not a ' +
      `bot token. An operator must set userToken of connector instance ${client.instance.namespace} to a user ` +
      `token. Meanwhile, read channels with ${client.instance.toolName('channel_history')}.`,
    { cause, retryable: base.retryable },
  );
}

// ---- Helpers shared by tools and the capability --------------------------------------------------

/** `1712345678.000100` -> ISO 8601. */
export function tsToIso(ts: string): string {
  const [seconds = '0', fraction = '0'] = ts.split('.');
  const ms = Number(seconds) * 1000 + Math.floor(Number(fraction.padEnd(6, '0')) / 1000);
  return new Date(Number.isFinite(ms) ? ms : 0).toISOString();
}

/** ISO 8601 -> a Slack `ts` bound (`oldest`/`latest`). */
export function isoToTs(iso: string): string {
  const ms = Date.parse(iso);
  return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000).padStart(6, '0')}`;
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{8,}$/;
const DIRECTORY_TTL_MS = 5 * 60_000;
const DIRECTORY_MAX_PAGES = 20;

export function normalizeChannelName(value: string): string {
  return value.trim().replace(/^#/, '').toLowerCase();
}

/** Every channel the bot can see by lower-case name, cached for five minutes. */
export async function channelDirectory(
  client: SlackClient,
  signal: AbortSignal,
): Promise<Map<string, WireChannel>> {
  if (client.directory !== undefined && Date.now() - client.directory.at < DIRECTORY_TTL_MS) {
    return client.directory.channels;
  }
  const channels = new Map<string, WireChannel>();
  let cursor: string | undefined;
  for (let page = 0; page < DIRECTORY_MAX_PAGES; page += 1) {
    const answer = await slackCall(
      client,
      'conversations.list',
      { types: 'public_channel,private_channel', exclude_archived: false, limit: 200, cursor },
      ConversationsList,
      { signal },
    );
    for (const channel of answer.channels) {
      if (channel.name !== undefined) channels.set(channel.name.toLowerCase(), channel);
    }
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (cursor === undefined) break;
  }
  client.directory = { at: Date.now(), channels };
  return channels;
}

/** A channel id from an id or a name; names go through the cached directory. */
export async function resolveChannel(
  client: SlackClient,
  channel: string,
  signal: AbortSignal,
): Promise<{ id: string; name?: string }> {
  const trimmed = channel.trim().replace(/^#/, '');
  if (CHANNEL_ID.test(trimmed)) return { id: trimmed };
  const name = normalizeChannelName(trimmed);
  const found = (await channelDirectory(client, signal)).get(name);
  if (found === undefined) {
    throw new ToolError(
      'not_found',
      `No Slack channel named #${name} is visible to the connector. Find channels with ` +
        `${client.instance.toolName('list_channels')}.`,
    );
  }
  return { id: found.id, name };
}
