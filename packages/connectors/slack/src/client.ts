import { LogLevel, type Logger as SlackLogger, WebClient } from '@slack/web-api';
import type { InstanceInfo, Logger, Upstream, UpstreamRule } from '@switchboard/kit';
import { ToolError } from '@switchboard/kit';
import { z } from 'zod';
import type { SlackConfig } from './config.js';

/**
 * Calls to the Slack Web API through @slack/web-api's WebClient. Each Web API request is one
 * `upstream.run`, so the kit takes its quota token, applies the timeout, deadline and abort signal,
 * honours Retry-After and maps failures by the rules in upstream.ts. The client is therefore set to
 * do none of that itself: no retries (its default retries 10 times over about 30 minutes),
 * `rejectRateLimitedCalls` (its default queues rate-limited calls until Retry-After passes), and
 * no timeout of its own.
 *
 * Every answer is parsed with a zod schema; vendor bodies only ever travel as a ToolError's `cause`.
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

const ResponseMetadata = z.object({ next_cursor: z.string().optional() }).optional();

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

/** The OAuth scope each method needs, for the guidance of a `missing_scope`. */
const SCOPE_OF: Record<SlackMethod, string | undefined> = {
  'auth.test': undefined,
  'conversations.list': 'channels:read (groups:read for private channels)',
  'conversations.history': 'channels:history (groups:history for private channels)',
  'conversations.replies': 'channels:history (groups:history for private channels)',
  'users.lookupByEmail': 'users:read.email',
  'users.info': 'users:read',
  'chat.postMessage': 'chat:write',
  'search.messages': 'search:read (on the user token)',
};

export interface SlackCallOptions {
  /** Which token to call with (default bot). */
  token?: TokenKind;
  /** What this request's failures mean beyond the connector's rules (a not-found naming the record). */
  rules?: readonly UpstreamRule[];
  /** Timeout of this request (readiness checks). */
  timeoutMs?: number;
  /** Whether a rate-limited request may be sent again after Slack's wait (default true). */
  retry?: boolean;
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

/**
 * A WebClient for one request. WebClient methods take no AbortSignal, so the request's signal
 * reaches the socket only through the client's `fetch` option; a client per request also keeps
 * concurrent requests from sharing its request queue. It is a few small objects.
 */
function webClient(client: SlackClient, token: string, signal: AbortSignal): WebClient {
  return new WebClient(token, {
    slackApiUrl: client.config.slackApiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: slackLogger(client.logger),
    fetch: (url, init) => fetch(url, { ...init, signal }),
  });
}

/**
 * Calls one Web API method, as one request through `upstream`, and parses the answer with
 * `schema`. Throws ToolError only.
 */
export async function slackCall<S extends z.ZodType>(
  upstream: Upstream,
  client: SlackClient,
  method: SlackMethod,
  args: Record<string, string | number | boolean | undefined>,
  schema: S,
  options: SlackCallOptions = {},
): Promise<z.output<S>> {
  const kind = options.token ?? 'bot';
  const token = kind === 'user' ? client.config.userToken : client.config.botToken;
  if (token === undefined) throw noUserToken(client);
  const scope = SCOPE_OF[method];
  const rules: UpstreamRule[] = [...(options.rules ?? [])];
  if (scope !== undefined) {
    rules.push({
      code: 'missing_scope',
      means: 'forbidden',
      message: `The Slack app lacks the ${scope} scope that ${method} needs. An operator must add it to the app and reinstall it; retrying will not help.`,
    });
  }
  return upstream.run(
    method,
    async (signal) => {
      const answer = await webClient(client, token, signal).apiCall(method, args);
      const parsed = schema.safeParse(answer);
      if (!parsed.success) {
        throw new ToolError(
          'internal',
          `Slack answered ${method} with an unexpected shape; this is a connector bug.`,
          { cause: parsed.error },
        );
      }
      return parsed.data;
    },
    {
      rules,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
    },
  );
}

/** Slack's cursor of the page after `answer`; Slack sends an empty one on the last page. */
export function nextCursorOf(answer: z.output<typeof ConversationsList>): string | undefined {
  return answer.response_metadata?.next_cursor || undefined;
}

/** The same for conversations.history and .replies, whose answers also say whether more follow. */
export function moreCursorOf(answer: z.output<typeof ConversationsHistory>): string | undefined {
  return answer.has_more ? answer.response_metadata?.next_cursor || undefined : undefined;
}

/**
 * The answers of a cursor-paged method, first page first, at most `maxPages` of them: each page is
 * one request, with the cursor `next` reads from the answer before it.
 */
export async function* pagesOf<S extends z.ZodType>(
  upstream: Upstream,
  client: SlackClient,
  request: { method: SlackMethod; args: Record<string, string | number | boolean>; schema: S },
  next: (answer: z.output<S>) => string | undefined,
  maxPages: number,
): AsyncGenerator<z.output<S>> {
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const answer = await slackCall(
      upstream,
      client,
      request.method,
      { ...request.args, cursor },
      request.schema,
    );
    yield answer;
    cursor = next(answer);
    if (cursor === undefined) return;
  }
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

/** Slack refusing search to a bot token configured as the user token: the same guidance as none at all. */
export function wrongSearchToken(instance: InstanceInfo): UpstreamRule {
  return {
    code: 'not_allowed_token_type',
    means: 'forbidden',
    message:
      'Slack refused search to the configured token: search needs a user token (xoxp-) with search:read, not a ' +
      `bot token. An operator must set userToken of connector instance ${instance.namespace} to a user ` +
      `token. Meanwhile, read channels with ${instance.toolName('channel_history')}.`,
  };
}

/** A channel the bot is not in, with where to find others. */
export function notInChannel(instance: InstanceInfo): UpstreamRule {
  return {
    code: 'not_in_channel',
    means: 'forbidden',
    message:
      'The Slack app is not a member of that channel. Someone must invite it (/invite @app) first, or use ' +
      `another channel from ${instance.toolName('list_channels')}.`,
  };
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
  upstream: Upstream,
  client: SlackClient,
): Promise<Map<string, WireChannel>> {
  if (client.directory !== undefined && Date.now() - client.directory.at < DIRECTORY_TTL_MS) {
    return client.directory.channels;
  }
  const channels = new Map<string, WireChannel>();
  const list = {
    method: 'conversations.list',
    args: { types: 'public_channel,private_channel', exclude_archived: false, limit: 200 },
    schema: ConversationsList,
  } as const;
  for await (const answer of pagesOf(upstream, client, list, nextCursorOf, DIRECTORY_MAX_PAGES)) {
    for (const channel of answer.channels) {
      if (channel.name !== undefined) channels.set(channel.name.toLowerCase(), channel);
    }
  }
  client.directory = { at: Date.now(), channels };
  return channels;
}

/** A channel id from an id or a name; names go through the cached directory. */
export async function resolveChannel(
  upstream: Upstream,
  client: SlackClient,
  channel: string,
): Promise<{ id: string; name?: string }> {
  const trimmed = channel.trim().replace(/^#/, '');
  if (CHANNEL_ID.test(trimmed)) return { id: trimmed };
  const name = normalizeChannelName(trimmed);
  const found = (await channelDirectory(upstream, client)).get(name);
  if (found === undefined) {
    throw new ToolError(
      'not_found',
      `No Slack channel named #${name} is visible to the connector. Find channels with ` +
        `${client.instance.toolName('list_channels')}.`,
    );
  }
  return { id: found.id, name };
}
