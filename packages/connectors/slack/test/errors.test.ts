import { createServer, type Server } from 'node:http';
import type { ToolErrorCode } from '@switchboard/kit';
import { isSecretSchema, upstreamProfileOf } from '@switchboard/kit';
import {
  callTool,
  closeAfterEach,
  countingHooks,
  sharedFixture,
  silentLogger,
  testContext,
  testUpstream,
  toolError,
} from '@switchboard/kit/testing';
import { demoDataset, startSlackSandbox } from '@switchboard/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  channelHistoryTool,
  findUserTool,
  listChannelsTool,
  postMessageTool,
  SlackConfig,
  searchMessagesTool,
  slackConnector,
  threadRepliesTool,
} from '../src/index.js';
import { connect, type Harness, harness, instance } from './helpers.js';

const dataset = demoDataset();
const track = closeAfterEach(afterEach);

/**
 * An upstream with the connector's profile whose waits return at once (and can end the emulated
 * limit window), so Retry-After is exercised without waiting for it.
 */
function instantWaits(h: Harness, onWait: () => void = () => undefined) {
  const hooks = countingHooks();
  const waits: number[] = [];
  const upstream = testUpstream(upstreamProfileOf(slackConnector, h.config), {
    hooks,
    wait: async (ms) => {
      waits.push(ms);
      onWait();
    },
  });
  return { hooks, waits, upstream };
}

describe('rate limits', () => {
  it('answers rate_limited with the wait of a real per-method counter, without queueing', async () => {
    const h = track(await harness({ rateLimits: { 'users.info': 1 } }));
    const userId = dataset.seller.staff[0]?.ids.slackUserId ?? '';
    await h.run(findUserTool, { userId });
    const { waits, upstream } = instantWaits(h);
    const error = await toolError(h.run(findUserTool, { userId }, { upstream }));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(error.message).toContain('Slack');
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
    // A wait of most of a minute is the caller's to make, not this call's.
    expect(waits).toEqual([]);
    expect(h.sandbox.requestsFor('users.info').map((request) => request.status)).toEqual([200, 429]);
    // Other methods have their own counters.
    await expect(h.run(findUserTool, { email: 'maya.lindqvist@helix-robotics.com' })).resolves.toBeDefined();
  });

  it('answers a 429 with a long Retry-After at once, with retryAfterMs from it, in one request', async () => {
    const h = track(await harness({ faultRetryAfterSeconds: 30 }));
    h.sandbox.server.inject({ pathPrefix: '/api/conversations.list', rateLimit: true });
    const { hooks, waits, upstream } = instantWaits(h);
    const error = await toolError(h.run(listChannelsTool, {}, { upstream }));
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 30_000 });
    expect(waits).toEqual([]);
    expect(h.sandbox.requestsFor('conversations.list')).toHaveLength(1);
    expect(hooks.requests).toEqual([{ name: 'conversations.list', outcome: 'rate_limited' }]);
  });

  it('waits a short Retry-After and sends the request once more, counting both', async () => {
    const h = track(await harness({ faultRetryAfterSeconds: 1 }));
    h.sandbox.server.inject({ pathPrefix: '/api/conversations.list', rateLimit: true });
    const { hooks, waits, upstream } = instantWaits(h, () => h.sandbox.server.clearFaults());
    const out = await h.run(listChannelsTool, {}, { upstream });
    expect(out.channels.length).toBeGreaterThan(0);
    expect(waits).toEqual([1000]);
    expect(h.sandbox.requestsFor('conversations.list').map((request) => request.status)).toEqual([429, 200]);
    expect(hooks.acquired).toEqual(['conversations.list', 'conversations.list']);
    expect(hooks.requests.map((request) => request.outcome)).toEqual(['rate_limited', 'ok']);
  });

  it('sends a rate-limited post again after the wait, since Slack posted nothing', async () => {
    const h = track(await harness({ faultRetryAfterSeconds: 1 }));
    h.sandbox.server.inject({ pathPrefix: '/api/chat.postMessage', rateLimit: true });
    const { upstream } = instantWaits(h, () => h.sandbox.server.clearFaults());
    const posted = await h.run(
      postMessageTool,
      { channel: 'support-escalations', text: 'Once only.' },
      { upstream },
    );
    expect(h.sandbox.requestsFor('chat.postMessage').map((request) => request.status)).toEqual([429, 200]);
    const history = await h.run(channelHistoryTool, { channel: 'support-escalations', limit: 5 });
    expect(history.messages.filter((message) => message.text === 'Once only.')).toHaveLength(1);
    expect(history.messages[0]?.ts).toBe(posted.ts);
  });

  it('assumes a minute when a 429 carries no readable Retry-After', async () => {
    const h = track(await harness({ faultRetryAfterSeconds: Number.NaN }));
    h.sandbox.server.inject({ pathPrefix: '/api/conversations.list', rateLimit: true });
    const error = await toolError(h.run(listChannelsTool, {}));
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 60_000 });
    expect(h.sandbox.requestsFor('conversations.list')).toHaveLength(1);
  });
});

describe('search and posting guards', () => {
  const h = sharedFixture(beforeAll, afterAll, () =>
    harness({}, { userToken: undefined, allowedChannels: ['support-escalations', 'general'] }),
  );

  it('refuses search without a user token with an actionable forbidden, before calling Slack', async () => {
    h().sandbox.server.clearLog();
    const error = await toolError(h().run(searchMessagesTool, { query: 'Helix' }));
    expect(error).toMatchObject({ code: 'forbidden', retryable: false });
    expect(error.message).toContain('userToken');
    expect(error.message).toContain('xoxp-');
    expect(error.message).toContain('slack__channel_history');
    expect(h().sandbox.server.requests).toHaveLength(0);
  });

  it('maps Slack refusing a bot token for search (not_allowed_token_type) to the same guidance', async () => {
    const misconfigured = await connect(h().sandbox, { userToken: h().sandbox.botToken });
    h().sandbox.server.clearLog();
    const input = searchMessagesTool.input.parse({ query: 'Helix' });
    const error = await toolError(searchMessagesTool.handler(input, misconfigured.context()));
    expect(error).toMatchObject({ code: 'forbidden', retryable: false });
    expect(error.message).toContain('userToken');
    expect(error.message).toContain('slack__channel_history');
    expect(error.message).not.toContain(h().sandbox.botToken);
    expect(h().sandbox.requestsFor('search.messages')).toHaveLength(1);
  });

  it('refuses a post outside the allowlist as forbidden and sends nothing at all', async () => {
    h().sandbox.server.clearLog();
    for (const channel of [`ext-helix-robotics`, dataset.slack.channels[1]?.id ?? 'C0X', '#random']) {
      const error = await toolError(h().run(postMessageTool, { channel, text: 'Hello' }));
      expect(error).toMatchObject({ code: 'forbidden', retryable: false });
      expect(error.message).toContain('support-escalations, general');
    }
    expect(h().sandbox.server.requests).toHaveLength(0);
  });

  it('reports an allowed channel the app is not in as forbidden, telling to invite it', async () => {
    const error = await toolError(h().run(postMessageTool, { channel: 'general', text: 'Hello' }));
    expect(error).toMatchObject({ code: 'forbidden', retryable: false });
    expect(error.message).toContain('invite');
  });

  it('refuses posts when no channel is allowed', async () => {
    const none = await connect(h().sandbox, { allowedChannels: [] });
    const input = postMessageTool.input.parse({ channel: 'support-escalations', text: 'x' });
    const error = await toolError(postMessageTool.handler(input, none.context()));
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('no allowedChannels');
  });
});

describe('not found', () => {
  const h = sharedFixture(beforeAll, afterAll, () => harness());

  /** Checks that a call answers not_found naming what it did not find and the tool that finds it. */
  async function notFound(call: Promise<unknown>, named: string, tool: string) {
    const error = await toolError(call);
    expect(error.code).toBe('not_found');
    expect(error.message).toContain(named);
    expect(error.message).toContain(tool);
  }

  it.each(['#no-such-channel', 'C0NOPE12345'])(
    'names an unknown channel (%s) and the tool to find channels',
    (channel) => notFound(h().run(channelHistoryTool, { channel }), channel, 'slack__list_channels'),
  );

  it('names an unknown thread and where thread timestamps come from', () =>
    notFound(
      h().run(threadRepliesTool, { channel: 'support-escalations', ts: '1000000000.000001' }),
      '1000000000.000001',
      'slack__channel_history',
    ));

  it('names an unknown user email or id and the tools to use instead', async () => {
    const email = 'nobody@nowhere.example';
    await notFound(h().run(findUserTool, { email }), email, 'slack__search_messages');
    await notFound(h().run(findUserTool, { userId: 'U0NOPE12345' }), 'U0NOPE12345', 'slack__find_user');
  });

  it('reports reading a channel the app is not in as forbidden, with where to find others', async () => {
    const error = await toolError(h().run(channelHistoryTool, { channel: 'general' }));
    expect(error).toMatchObject({ code: 'forbidden', retryable: false });
    expect(error.message).toContain('invite');
    expect(error.message).toContain('slack__list_channels');
  });

  it('rejects inputs that would match nothing useful', () => {
    expect(findUserTool.input.safeParse({}).success).toBe(false);
    expect(findUserTool.input.safeParse({ email: 'a@b.co', userId: 'U0123456789' }).success).toBe(false);
    expect(
      channelHistoryTool.input.safeParse({
        channel: 'x',
        since: '2025-03-02T00:00:00Z',
        until: '2025-03-01T00:00:00Z',
      }).success,
    ).toBe(false);
    expect(threadRepliesTool.input.safeParse({ channel: 'x', ts: 'yesterday' }).success).toBe(false);
    expect(postMessageTool.input.safeParse({ channel: 'x', text: 'y'.repeat(4001) }).success).toBe(false);
  });
});

describe("Slack's error codes (HTTP 200, ok:false) through the real client", () => {
  /** A stand-in Slack answering every method with `answer`: the emulator cannot produce these codes. */
  let server: Server;
  let apiUrl: string;
  let answer: { status: number; body: string } = { status: 200, body: '{"ok":true}' };
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    apiUrl = `http://127.0.0.1:${address.port}/api/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function failureOf(body: Record<string, unknown>, status = 200) {
    answer = { status, body: JSON.stringify(body) };
    const config = SlackConfig.parse({ botToken: 'xoxb-test-token', slackApiUrl: apiUrl });
    const client = await slackConnector.connect(config, { logger: silentLogger(), instance });
    const hooks = countingHooks();
    const error = await toolError(
      callTool(
        listChannelsTool,
        {},
        testContext(client, config, { instance, connector: slackConnector, hooks }),
      ),
    );
    expect(error.message).not.toContain('xoxb-test-token');
    return { error, hooks };
  }

  const cases: Array<[string, ToolErrorCode, boolean, string]> = [
    ['ratelimited', 'rate_limited', true, 'rate limiting'],
    ['rate_limited', 'rate_limited', true, 'rate limiting'],
    ['invalid_auth', 'upstream_unavailable', false, 'invalid_auth'],
    ['not_authed', 'upstream_unavailable', false, 'not_authed'],
    ['token_revoked', 'upstream_unavailable', false, 'token_revoked'],
    ['account_inactive', 'upstream_unavailable', false, 'account_inactive'],
    ['missing_scope', 'forbidden', false, 'channels:read'],
    ['not_allowed_token_type', 'forbidden', false, 'kind of token'],
    ['restricted_action', 'forbidden', false, 'administrator'],
    ['channel_not_found', 'not_found', false, 'no such channel'],
    ['users_not_found', 'not_found', false, 'no such channel, user'],
    ['thread_not_found', 'not_found', false, 'message'],
    ['invalid_arguments', 'invalid_input', false, 'Check the values'],
    ['invalid_ts_oldest', 'invalid_input', false, 'Check the values'],
    ['invalid_cursor', 'invalid_input', false, 'Omit cursor'],
    ['fatal_error', 'upstream_unavailable', true, 'Retry'],
    ['a_code_slack_adds_tomorrow', 'internal', false, 'details are logged'],
  ];

  it.each(cases)('maps %s to %s (retryable %s)', async (code, expected, retryable, says) => {
    const { error, hooks } = await failureOf({ ok: false, error: code, needed: 'channels:read' });
    expect(error).toMatchObject({ code: expected, retryable });
    expect(error.message).toContain(says);
    expect(error.message).toContain('Slack');
    expect(hooks.requests).toEqual([{ name: 'conversations.list', outcome: expected }]);
  });

  it('takes the wait of an ok:false rate limit from response_metadata.retryAfter', async () => {
    const { error } = await failureOf({
      ok: false,
      error: 'ratelimited',
      response_metadata: { retryAfter: 7 },
    });
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 7000 });
  });

  it('reads an HTTP status Slack never uses as a wrong slackApiUrl, not as a missing record', async () => {
    const { error } = await failureOf({ error: 'no such path' }, 404);
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toContain('slackApiUrl');
  });
});

describe('faults and deadlines', () => {
  it('maps a hung Slack to timeout after requestTimeoutMs', async () => {
    const h = track(await harness({}, { requestTimeoutMs: 200 }));
    h.sandbox.server.inject({ pathPrefix: '/api/conversations.list', hang: true });
    const error = await toolError(h.run(listChannelsTool, {}));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(error.message).toContain('200 ms');
  });

  it("settles with timeout when the call's deadline passes mid-request", async () => {
    const h = track(await harness({}, { requestTimeoutMs: 20_000 }));
    h.sandbox.server.inject({ pathPrefix: '/api/conversations.list', hang: true });
    const error = await toolError(h.run(listChannelsTool, {}, { signal: AbortSignal.timeout(150) }));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('deadline');
  });

  it('maps HTTP 5xx to a retryable upstream_unavailable naming the status, in one request', async () => {
    const h = track(await harness());
    h.sandbox.server.inject({ pathPrefix: '/api/', errorRate: 1 });
    const error = await toolError(h.run(listChannelsTool, {}));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).toContain('HTTP 503');
    expect(error.message).not.toContain('<html>');
    expect(h.sandbox.requestsFor('conversations.list').map((request) => request.status)).toEqual([503]);
  });

  it('never retries a failed post, and says its outcome is unknown', async () => {
    const h = track(await harness());
    h.sandbox.server.inject({ pathPrefix: '/api/chat.postMessage', errorRate: 1 });
    const error = await toolError(h.run(postMessageTool, { channel: 'support-escalations', text: 'Hello' }));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toContain('may or may not have been posted');
    expect(error.message).toContain('slack__channel_history');
    expect(h.sandbox.requestsFor('chat.postMessage')).toHaveLength(1);
  });

  it('says a timed-out post may have been delivered, and not to repeat it blindly', async () => {
    const h = track(await harness({}, { requestTimeoutMs: 200 }));
    h.sandbox.server.inject({ pathPrefix: '/api/chat.postMessage', hang: true });
    const error = await toolError(h.run(postMessageTool, { channel: 'support-escalations', text: 'Hello' }));
    expect(error).toMatchObject({ code: 'timeout', retryable: false });
    expect(error.message).toContain('slack__channel_history');
  });

  it('maps refused credentials to a non-retryable upstream_unavailable naming no token', async () => {
    const h = track(await harness({}, { botToken: 'xoxb-revoked' }));
    const error = await toolError(h.run(listChannelsTool, {}));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toContain('invalid_auth');
    expect(error.message).not.toContain('xoxb-revoked');
  });

  it('maps an unreachable Slack to upstream_unavailable', async () => {
    const sandbox = await startSlackSandbox();
    const { context } = await connect(sandbox);
    await sandbox.close();
    const input = listChannelsTool.input.parse({});
    const error = await toolError(listChannelsTool.handler(input, context()));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
  });
});

describe('configuration and readiness', () => {
  it('marks both tokens secret, applies defaults and requires the trailing slash', () => {
    expect(isSecretSchema(SlackConfig.shape.botToken)).toBe(true);
    expect(isSecretSchema(SlackConfig.shape.userToken.unwrap())).toBe(true);
    expect(SlackConfig.parse({ botToken: 'xoxb-1' })).toEqual({
      botToken: 'xoxb-1',
      slackApiUrl: 'https://slack.com/api/',
      allowedChannels: [],
      escalationChannels: ['support-escalations'],
      sharedChannelPrefix: 'ext-',
      requestTimeoutMs: 5000,
    });
    expect(SlackConfig.safeParse({ botToken: 'xoxb-1', slackApiUrl: 'https://slack.com/api' }).success).toBe(
      false,
    );
    expect(SlackConfig.safeParse({ botToken: '' }).success).toBe(false);
  });

  it('declares the configured request timeout to the upstream engine', () => {
    const config = SlackConfig.parse({ botToken: 'xoxb-1', requestTimeoutMs: 1234 });
    expect(upstreamProfileOf(slackConnector, config)).toMatchObject({
      title: 'Slack',
      requestTimeoutMs: 1234,
    });
  });

  it('checks readiness with auth.test, and fails it on a bad token', async () => {
    const sandbox = track(await startSlackSandbox());
    const good = await connect(sandbox);
    await expect(
      slackConnector.check?.(good.client, { signal: AbortSignal.timeout(5000) }),
    ).resolves.toBeUndefined();
    const bad = await connect(sandbox, { botToken: 'xoxb-nope' });
    await expect(
      slackConnector.check?.(bad.client, { signal: AbortSignal.timeout(5000) }),
    ).rejects.toMatchObject({
      code: 'upstream_unavailable',
    });
    expect(sandbox.requestsFor('auth.test')).toHaveLength(2);
  });
});
