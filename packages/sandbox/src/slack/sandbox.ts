import type { FastifyReply, FastifyRequest } from 'fastify';
import { demoDataset } from '../dataset/generate.js';
import type { Dataset } from '../dataset/types.js';
import { type SandboxServer, startSandboxServer } from '../http/server.js';
import { parseSearchQuery, searchMessages } from './search.js';
import { compareTs, SlackWorkspace, type WsChannel, type WsUser } from './workspace.js';

/**
 * A Slack Web API emulator: `POST /api/<method>` (form-encoded or JSON, GET with a query string
 * too), `Authorization: Bearer <token>` (or a `token` parameter), the `{ok, error?,
 * response_metadata?}` envelope with HTTP 200 for API errors, cursor pagination, and HTTP 429 with
 * `Retry-After` from per-method rate counters. Enough for @slack/web-api not to tell the difference.
 */

/** Methods the emulator implements. */
export const SLACK_SANDBOX_METHODS = [
  'auth.test',
  'conversations.list',
  'conversations.history',
  'conversations.replies',
  'users.lookupByEmail',
  'users.info',
  'chat.postMessage',
  'search.messages',
] as const;
export type SlackSandboxMethod = (typeof SLACK_SANDBOX_METHODS)[number];

/**
 * Requests per minute per method, from Slack's tiers (Tier 2: 20, Tier 3: 50, Tier 4: 100).
 * chat.postMessage is limited per channel instead (see `postsPerChannelPerSecond`).
 */
export const SLACK_RATE_TIERS: Readonly<Record<Exclude<SlackSandboxMethod, 'chat.postMessage'>, number>> = {
  'auth.test': 100,
  'conversations.list': 20,
  'conversations.history': 50,
  'conversations.replies': 50,
  'users.lookupByEmail': 50,
  'users.info': 100,
  'search.messages': 20,
};

export interface SlackSandboxOptions {
  dataset?: Dataset;
  /** The day dataset offsets are relative to (default today, UTC). */
  asOf?: Date;
  /** The bot token (`xoxb-…`) the emulator accepts. */
  botToken?: string;
  /** The user token (`xoxp-…`) the emulator accepts; it acts as the support lead. Null: none. */
  userToken?: string | null;
  /**
   * Per-minute limits per method overriding `SLACK_RATE_TIERS`, or `false` to turn the counters
   * off (forced 429s through `server.inject({ rateLimit: true })` still work).
   */
  rateLimits?: false | Partial<Record<Exclude<SlackSandboxMethod, 'chat.postMessage'>, number>>;
  /** chat.postMessage: sustained posts per second per channel (default 1) ... */
  postsPerChannelPerSecond?: number;
  /** ... and the burst allowed above it (default 3). */
  postBurst?: number;
  /**
   * Largest page conversations.history returns (default 999). Slack caps non-Marketplace apps
   * at 15: set 15 to emulate that.
   */
  historyMaxLimit?: number;
  /** Channel names the app's bot user is a member of (default: every channel but #general). */
  botChannels?: readonly string[];
  /** `Retry-After` seconds of forced (fault-injected) 429s (default 1). */
  faultRetryAfterSeconds?: number;
  /** Random source for fault jitter and error rate. */
  random?: () => number;
}

export interface SlackSandbox {
  /** Base URL without a trailing slash. */
  readonly url: string;
  /** What @slack/web-api takes as `slackApiUrl` (`<url>/api/`, with the trailing slash). */
  readonly apiUrl: string;
  readonly server: SandboxServer;
  readonly botToken: string;
  readonly userToken: string | null;
  readonly teamId: string;
  /** The emulated workspace (mutable: posts land here). */
  readonly workspace: SlackWorkspace;
  /** Id of a channel by name; throws when there is none. */
  channelId(name: string): string;
  /** Requests to one Web API method recorded by the server. */
  requestsFor(method: string): SandboxServer['requests'];
  /** Forgets the rate counters (not the request log). */
  resetRateLimits(): void;
  close(): Promise<void>;
}

const BOT_SCOPES =
  'channels:read,channels:history,groups:read,groups:history,chat:write,users:read,users:read.email';
const USER_SCOPES = `${BOT_SCOPES},search:read`;

type Params = Record<string, string>;
type SlackResult = { status?: number; headers?: Record<string, string>; body: Record<string, unknown> };

interface Caller {
  kind: 'bot' | 'user';
  user: WsUser;
}

class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

function toParams(...sources: unknown[]): Params {
  const params: Params = {};
  for (const source of sources) {
    if (typeof source !== 'object' || source === null) continue;
    for (const [key, value] of Object.entries(source)) {
      if (value === undefined || value === null) continue;
      params[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
  }
  return params;
}

function intParam(params: Params, name: string, fallback: number): number {
  const raw = params[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number.parseInt(raw, 10);
  if (Number.isNaN(value))
    throw new SlackApiError('invalid_arguments', { detail: `${name} must be a number` });
  return value;
}

function boolParam(params: Params, name: string, fallback: boolean): boolean {
  const raw = params[name];
  if (raw === undefined || raw === '') return fallback;
  return raw === 'true' || raw === '1';
}

function required(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') {
    throw new SlackApiError('invalid_arguments', {
      response_metadata: { messages: [`[ERROR] missing required field: ${name}`] },
    });
  }
  return value;
}

const encodeCursor = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function decodeCursor(params: Params, prefix: string): string | undefined {
  const raw = params.cursor;
  if (raw === undefined || raw === '') return undefined;
  const text = Buffer.from(raw, 'base64').toString('utf8');
  if (!text.startsWith(`${prefix}:`)) throw new SlackApiError('invalid_cursor');
  return text.slice(prefix.length + 1);
}

/** A fixed one-minute window per method. */
class MethodCounters {
  readonly #windows = new Map<string, { start: number; count: number }>();

  /** Retry-After seconds when over the limit, else undefined (and the call is counted). */
  take(key: string, perMinute: number, now: number): number | undefined {
    let window = this.#windows.get(key);
    if (window === undefined || now - window.start >= 60_000) {
      window = { start: now, count: 0 };
      this.#windows.set(key, window);
    }
    if (window.count >= perMinute) return Math.max(1, Math.ceil((window.start + 60_000 - now) / 1000));
    window.count += 1;
    return undefined;
  }

  clear(): void {
    this.#windows.clear();
  }
}

/** A token bucket per channel for chat.postMessage. */
class PostBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {}

  take(channelId: string, now: number): number | undefined {
    const bucket = this.#buckets.get(channelId) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate);
    bucket.at = now;
    this.#buckets.set(channelId, bucket);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate));
    bucket.tokens -= 1;
    return undefined;
  }

  clear(): void {
    this.#buckets.clear();
  }
}

function isMethod(name: string): name is SlackSandboxMethod {
  return (SLACK_SANDBOX_METHODS as readonly string[]).includes(name);
}

export async function startSlackSandbox(options: SlackSandboxOptions = {}): Promise<SlackSandbox> {
  const dataset = options.dataset ?? demoDataset();
  const workspace = new SlackWorkspace(dataset, options.asOf, options.botChannels);
  const botToken = options.botToken ?? 'xoxb-sandbox-bot-token';
  const userToken = options.userToken === undefined ? 'xoxp-sandbox-user-token' : options.userToken;
  const supportLead = dataset.seller.staff.find((member) => member.key === 'tom-okafor');
  const userTokenOwner =
    workspace.users.find((user) => user.id === supportLead?.ids.slackUserId) ??
    workspace.users.find((user) => !user.isBot && !user.isExternal);
  const botUser = workspace.users.find((user) => user.botId !== undefined);
  if (userTokenOwner === undefined || botUser === undefined) throw new Error('Slack dataset has no users');
  const rateLimits = options.rateLimits;
  const counters = new MethodCounters();
  const posts = new PostBuckets(options.postsPerChannelPerSecond ?? 1, options.postBurst ?? 3);
  const historyMaxLimit = options.historyMaxLimit ?? 999;
  const faultRetryAfter = options.faultRetryAfterSeconds ?? 1;

  const authenticate = (request: FastifyRequest, params: Params): Caller => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : params.token;
    if (token === undefined || token === '') throw new SlackApiError('not_authed');
    if (token === botToken) return { kind: 'bot', user: botUser };
    if (userToken !== null && token === userToken) return { kind: 'user', user: userTokenOwner };
    throw new SlackApiError('invalid_auth');
  };

  const rateLimited = (method: SlackSandboxMethod, params: Params): number | undefined => {
    if (rateLimits === false) return undefined;
    const now = Date.now();
    if (method === 'chat.postMessage') {
      const channel = workspace.channel(params.channel ?? '');
      return channel === undefined ? undefined : posts.take(channel.id, now);
    }
    return counters.take(method, rateLimits?.[method] ?? SLACK_RATE_TIERS[method], now);
  };

  const visibleChannel = (idOrName: string | undefined, caller: Caller): WsChannel => {
    const channel = idOrName === undefined ? undefined : workspace.channel(idOrName);
    if (channel === undefined || (channel.isPrivate && !channel.members.has(caller.user.id))) {
      throw new SlackApiError('channel_not_found');
    }
    return channel;
  };

  /** conversations.history/replies by id only; bots must be members to read. */
  const readableChannel = (params: Params, caller: Caller): WsChannel => {
    const id = required(params, 'channel');
    const channel = workspace.channels.find((candidate) => candidate.id === id);
    if (channel === undefined || (channel.isPrivate && !channel.members.has(caller.user.id))) {
      throw new SlackApiError('channel_not_found');
    }
    if (caller.kind === 'bot' && !channel.members.has(caller.user.id))
      throw new SlackApiError('not_in_channel');
    return channel;
  };

  const handlers: Record<SlackSandboxMethod, (params: Params, caller: Caller) => Record<string, unknown>> = {
    'auth.test': (_params, caller) => ({
      url: `https://${workspace.teamDomain}.slack.com/`,
      team: dataset.seller.name,
      user: caller.user.name,
      team_id: workspace.teamId,
      user_id: caller.user.id,
      ...(caller.kind === 'bot' ? { bot_id: caller.user.botId } : {}),
      is_enterprise_install: false,
    }),

    'conversations.list': (params, caller) => {
      const types = (params.types ?? 'public_channel').split(',').map((type) => type.trim());
      const excludeArchived = boolParam(params, 'exclude_archived', false);
      const limit = Math.min(Math.max(intParam(params, 'limit', 100), 1), 1000);
      const all = workspace.channels.filter(
        (channel) =>
          (channel.isPrivate
            ? types.includes('private_channel') && channel.members.has(caller.user.id)
            : types.includes('public_channel')) && !(excludeArchived && channel.isArchived),
      );
      const after = decodeCursor(params, 'channel');
      const start = after === undefined ? 0 : all.findIndex((channel) => channel.id === after);
      if (start < 0) throw new SlackApiError('invalid_cursor');
      const page = all.slice(start, start + limit);
      const next = all[start + limit];
      return {
        channels: page.map((channel) => workspace.channelJson(channel, caller.user.id)),
        response_metadata: { next_cursor: next === undefined ? '' : encodeCursor(`channel:${next.id}`) },
      };
    },

    'conversations.history': (params, caller) => {
      const channel = readableChannel(params, caller);
      const limit = Math.min(Math.max(intParam(params, 'limit', 100), 1), historyMaxLimit);
      const inclusive = boolParam(params, 'inclusive', false);
      const oldest = params.oldest || '0';
      const latest = params.latest || undefined;
      const before = decodeCursor(params, 'next_ts');
      const all = workspace.messages
        .filter(
          (m) =>
            m.channelId === channel.id &&
            (m.threadTs === undefined || m.threadTs === m.ts) &&
            (inclusive ? compareTs(m.ts, oldest) >= 0 : compareTs(m.ts, oldest) > 0) &&
            (latest === undefined ||
              (inclusive ? compareTs(m.ts, latest) <= 0 : compareTs(m.ts, latest) < 0)) &&
            (before === undefined || compareTs(m.ts, before) <= 0),
        )
        .sort((a, b) => compareTs(b.ts, a.ts));
      const page = all.slice(0, limit);
      const next = all[limit];
      return {
        messages: page.map((message) => workspace.messageJson(message, true)),
        has_more: next !== undefined,
        pin_count: 0,
        channel_actions_ts: null,
        channel_actions_count: 0,
        response_metadata: { next_cursor: next === undefined ? '' : encodeCursor(`next_ts:${next.ts}`) },
      };
    },

    'conversations.replies': (params, caller) => {
      const channel = readableChannel(params, caller);
      const ts = required(params, 'ts');
      const found = workspace.findMessage(channel.id, ts);
      if (found === undefined) throw new SlackApiError('thread_not_found');
      const root =
        found.threadTs === undefined ? found : (workspace.findMessage(channel.id, found.threadTs) ?? found);
      const limit = Math.min(Math.max(intParam(params, 'limit', 1000), 1), 1000);
      const from = decodeCursor(params, 'next_ts');
      // The parent first, then replies oldest first; continuation pages start after the parent.
      const all = [root, ...workspace.replies(channel.id, root.ts)].filter(
        (m) => from === undefined || compareTs(m.ts, from) >= 0,
      );
      const page = all.slice(0, limit);
      const next = all[limit];
      return {
        messages: page.map((message) => workspace.messageJson(message, true)),
        has_more: next !== undefined,
        response_metadata: { next_cursor: next === undefined ? '' : encodeCursor(`next_ts:${next.ts}`) },
      };
    },

    'users.lookupByEmail': (params) => {
      const user = workspace.userByEmail(required(params, 'email'));
      if (user === undefined) throw new SlackApiError('users_not_found');
      return { user: workspace.userJson(user) };
    },

    'users.info': (params) => {
      const user = workspace.user(required(params, 'user'));
      if (user === undefined) throw new SlackApiError('user_not_found');
      return { user: workspace.userJson(user) };
    },

    'chat.postMessage': (params, caller) => {
      const channel = visibleChannel(params.channel || undefined, caller);
      if (channel.isArchived) throw new SlackApiError('is_archived');
      if (!channel.members.has(caller.user.id)) throw new SlackApiError('not_in_channel');
      const text = params.text ?? '';
      if (text.trim() === '' && (params.blocks ?? '') === '') throw new SlackApiError('no_text');
      if (text.length > 40_000) throw new SlackApiError('msg_too_long');
      const threadTs = params.thread_ts || undefined;
      if (threadTs !== undefined && workspace.findMessage(channel.id, threadTs) === undefined) {
        throw new SlackApiError('thread_not_found');
      }
      const message = workspace.post(channel, caller.user, text, threadTs);
      return { channel: channel.id, ts: message.ts, message: workspace.messageJson(message, false) };
    },

    'search.messages': (params, caller) => {
      if (caller.kind !== 'user') throw new SlackApiError('not_allowed_token_type');
      const query = params.query ?? '';
      if (query.trim() === '') throw new SlackApiError('no_query');
      const count = Math.min(Math.max(intParam(params, 'count', 20), 1), 100);
      const page = Math.min(Math.max(intParam(params, 'page', 1), 1), 100);
      const byScore = (params.sort ?? 'score') === 'score';
      const ascending = (params.sort_dir ?? 'desc') === 'asc';
      const hits = searchMessages(workspace, parseSearchQuery(query), caller.user.id).sort((a, b) => {
        const order = (byScore ? a.score - b.score : 0) || compareTs(a.message.ts, b.message.ts);
        return ascending ? order : -order;
      });
      const total = hits.length;
      const pages = Math.max(1, Math.ceil(total / count));
      const matches = hits.slice((page - 1) * count, page * count).map(({ message }) => {
        const channel = workspace.channels.find((candidate) => candidate.id === message.channelId);
        const author = workspace.user(message.userId);
        return {
          iid: `${message.channelId}-${message.ts}`,
          type: 'message',
          ts: message.ts,
          text: message.text,
          user: message.userId,
          username: author?.name ?? '',
          team: workspace.teamId,
          channel: {
            id: message.channelId,
            name: channel?.name ?? '',
            is_channel: channel?.isPrivate !== true,
            is_private: channel?.isPrivate === true,
            is_shared: channel?.isShared === true,
            is_ext_shared: channel?.isShared === true,
            is_org_shared: false,
          },
          ...(message.threadTs === undefined || message.threadTs === message.ts
            ? {}
            : { thread_ts: message.threadTs }),
          permalink: `https://${workspace.teamDomain}.slack.com/archives/${message.channelId}/p${message.ts.replace('.', '')}`,
        };
      });
      return {
        query,
        messages: {
          total,
          pagination: {
            total_count: total,
            page,
            per_page: count,
            page_count: pages,
            first: total === 0 ? 0 : (page - 1) * count + 1,
            last: Math.min(page * count, total),
          },
          paging: { count, total, page, pages },
          matches,
        },
      };
    },
  };

  const answer = (request: FastifyRequest<{ Params: { method: string } }>): SlackResult => {
    const method = request.params.method;
    const params = toParams(request.query, request.body);
    if (!isMethod(method)) return { body: { ok: false, error: 'unknown_method', req_method: method } };
    try {
      const caller = authenticate(request, params);
      const scopes = { 'x-oauth-scopes': caller.kind === 'bot' ? BOT_SCOPES : USER_SCOPES };
      const retryAfter = rateLimited(method, params);
      if (retryAfter !== undefined) {
        return {
          status: 429,
          headers: { 'retry-after': String(retryAfter) },
          body: { ok: false, error: 'ratelimited' },
        };
      }
      return { headers: scopes, body: { ok: true, ...handlers[method](params, caller) } };
    } catch (error) {
      if (error instanceof SlackApiError) return { body: { ok: false, error: error.code, ...error.extra } };
      throw error;
    }
  };

  const server = await startSandboxServer({
    name: 'slack',
    parseForms: true,
    ...(options.random === undefined ? {} : { random: options.random }),
    serverError: (reply: FastifyReply) =>
      reply
        .code(503)
        .header('content-type', 'text/html')
        .send('<html><body>503 Service Unavailable</body></html>'),
    rateLimited: (reply: FastifyReply) =>
      reply
        .code(429)
        .header('retry-after', String(faultRetryAfter))
        .send({ ok: false, error: 'ratelimited' }),
    routes(app) {
      app.route<{ Params: { method: string } }>({
        method: ['GET', 'POST'],
        url: '/api/:method',
        handler: async (request, reply) => {
          const result = answer(request);
          return reply
            .code(result.status ?? 200)
            .headers(result.headers ?? {})
            .header('content-type', 'application/json; charset=utf-8')
            .send(result.body);
        },
      });
    },
  });

  return {
    url: server.url,
    apiUrl: `${server.url}/api/`,
    server,
    botToken,
    userToken,
    teamId: workspace.teamId,
    workspace,
    channelId(name) {
      const channel = workspace.channel(name);
      if (channel === undefined) throw new Error(`The Slack sandbox has no channel named ${name}.`);
      return channel.id;
    },
    requestsFor(method) {
      return server.requests.filter((request) => request.path === `/api/${method}`);
    },
    resetRateLimits() {
      counters.clear();
      posts.clear();
    },
    close: () => server.close(),
  };
}
