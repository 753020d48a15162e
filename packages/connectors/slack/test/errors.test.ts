import { isSecretSchema } from '@switchboard/kit';
import { demoDataset, startSlackSandbox } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { connect, type Harness, harness, toolError } from './helpers.js';

const dataset = demoDataset();

describe('rate limits', () => {
  it('answers rate_limited promptly from a real per-method counter, without retrying or queueing', async () => {
    const h = await harness({ rateLimits: { 'users.info': 1 } });
    try {
      const userId = dataset.seller.staff[0]?.ids.slackUserId ?? '';
      await h.run(findUserTool, { userId });
      const started = Date.now();
      const error = await toolError(h.run(findUserTool, { userId }));
      const elapsed = Date.now() - started;
      expect(error).toMatchObject({ code: 'rate_limited', retryable: true });
      expect(error.retryAfterMs).toBeGreaterThanOrEqual(1000);
      expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
      expect(error.message).toContain('users.info');
      // The library's default would wait Retry-After and retry up to 10 times: here one request, at once.
      expect(elapsed).toBeLessThan(1000);
      expect(h.sandbox.requestsFor('users.info').map((request) => request.status)).toEqual([200, 429]);
      // Other methods have their own counters.
      await expect(
        h.run(findUserTool, { email: 'maya.lindqvist@helix-robotics.com' }),
      ).resolves.toBeDefined();
    } finally {
      await h.close();
    }
  });

  it('answers a forced 429 with retryAfterMs from Retry-After, in one request', async () => {
    const h = await harness({ faultRetryAfterSeconds: 30 });
    try {
      h.sandbox.server.inject({ pathPrefix: '/api/conversations.list', rateLimit: true });
      const started = Date.now();
      const error = await toolError(h.run(listChannelsTool, {}));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 30_000 });
      expect(h.sandbox.requestsFor('conversations.list')).toHaveLength(1);
    } finally {
      await h.close();
    }
  });
});

describe('search and posting guards', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({}, { userToken: undefined, allowedChannels: ['support-escalations', 'general'] });
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses search without a user token with an actionable forbidden, before calling Slack', async () => {
    h.sandbox.server.clearLog();
    const error = await toolError(h.run(searchMessagesTool, { query: 'Helix' }));
    expect(error).toMatchObject({ code: 'forbidden', retryable: false });
    expect(error.message).toContain('userToken');
    expect(error.message).toContain('xoxp-');
    expect(error.message).toContain('slack__channel_history');
    expect(h.sandbox.server.requests).toHaveLength(0);
  });

  it('maps Slack refusing a bot token for search (not_allowed_token_type) to the same guidance', async () => {
    const misconfigured = await connect(h.sandbox, { userToken: h.sandbox.botToken });
    h.sandbox.server.clearLog();
    const input = searchMessagesTool.input.parse({ query: 'Helix' });
    const error = await toolError(searchMessagesTool.handler(input, misconfigured.context()));
    expect(error).toMatchObject({ code: 'forbidden', retryable: false });
    expect(error.message).toContain('userToken');
    expect(error.message).not.toContain(h.sandbox.botToken);
    expect(h.sandbox.requestsFor('search.messages')).toHaveLength(1);
  });

  it('refuses a post outside the allowlist as forbidden and sends nothing at all', async () => {
    h.sandbox.server.clearLog();
    for (const channel of [`ext-helix-robotics`, dataset.slack.channels[1]?.id ?? 'C0X', '#random']) {
      const error = await toolError(h.run(postMessageTool, { channel, text: 'Hello' }));
      expect(error).toMatchObject({ code: 'forbidden', retryable: false });
      expect(error.message).toContain('support-escalations, general');
    }
    expect(h.sandbox.server.requests).toHaveLength(0);
  });

  it('reports an allowed channel the app is not in as forbidden, telling to invite it', async () => {
    const error = await toolError(h.run(postMessageTool, { channel: 'general', text: 'Hello' }));
    expect(error).toMatchObject({ code: 'forbidden' });
    expect(error.message).toContain('invite');
  });

  it('refuses posts when no channel is allowed', async () => {
    const none = await connect(h.sandbox, { allowedChannels: [] });
    const input = postMessageTool.input.parse({ channel: 'support-escalations', text: 'x' });
    const error = await toolError(postMessageTool.handler(input, none.context()));
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('no allowedChannels');
  });
});

describe('not found', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('names an unknown channel name and the tool to find channels', async () => {
    const error = await toolError(h.run(channelHistoryTool, { channel: '#no-such-channel' }));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('#no-such-channel');
    expect(error.message).toContain('slack__list_channels');
  });

  it('names an unknown channel id and the tool to find channels', async () => {
    const error = await toolError(h.run(channelHistoryTool, { channel: 'C0NOPE12345' }));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('C0NOPE12345');
    expect(error.message).toContain('slack__list_channels');
  });

  it('names an unknown thread and where thread timestamps come from', async () => {
    const error = await toolError(
      h.run(threadRepliesTool, { channel: 'support-escalations', ts: '1000000000.000001' }),
    );
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('1000000000.000001');
    expect(error.message).toContain('slack__channel_history');
  });

  it('names an unknown user email or id and the tools to use instead', async () => {
    const byEmail = await toolError(h.run(findUserTool, { email: 'nobody@nowhere.example' }));
    expect(byEmail.code).toBe('not_found');
    expect(byEmail.message).toContain('nobody@nowhere.example');
    expect(byEmail.message).toContain('slack__search_messages');
    const byId = await toolError(h.run(findUserTool, { userId: 'U0NOPE12345' }));
    expect(byId.code).toBe('not_found');
    expect(byId.message).toContain('U0NOPE12345');
    expect(byId.message).toContain('slack__find_user');
  });

  it('reports reading a channel the app is not in as forbidden', async () => {
    const error = await toolError(h.run(channelHistoryTool, { channel: 'general' }));
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('invite');
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

describe('faults and deadlines', () => {
  it('maps a hung Slack to timeout after requestTimeoutMs', async () => {
    const h = await harness({}, { requestTimeoutMs: 200, maxRetries: 0 });
    try {
      h.sandbox.server.inject({ pathPrefix: '/api/conversations.list', hang: true });
      const started = Date.now();
      const error = await toolError(h.run(listChannelsTool, {}));
      expect(error).toMatchObject({ code: 'timeout', retryable: true });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await h.close();
    }
  });

  it('settles at once when the call is aborted (deadline or client gone), even mid-request', async () => {
    const h = await harness({}, { requestTimeoutMs: 20_000 });
    try {
      h.sandbox.server.inject({ pathPrefix: '/api/conversations.list', hang: true });
      const started = Date.now();
      const error = await toolError(h.run(listChannelsTool, {}, { signal: AbortSignal.timeout(150) }));
      expect(error.code).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await h.close();
    }
  });

  it('maps HTTP 5xx to a retryable upstream_unavailable after the configured retries of a read', async () => {
    const h = await harness({}, { maxRetries: 1 });
    try {
      h.sandbox.server.inject({ pathPrefix: '/api/', errorRate: 1 });
      const error = await toolError(h.run(listChannelsTool, {}));
      expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
      expect(error.message).not.toContain('<html>');
      expect(h.sandbox.requestsFor('conversations.list').map((request) => request.status)).toEqual([
        503, 503,
      ]);
    } finally {
      await h.close();
    }
  });

  it('never retries a post, and says its outcome is unknown', async () => {
    const h = await harness({}, { maxRetries: 3 });
    try {
      h.sandbox.server.inject({ pathPrefix: '/api/chat.postMessage', errorRate: 1 });
      const error = await toolError(
        h.run(postMessageTool, { channel: 'support-escalations', text: 'Hello' }),
      );
      expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
      expect(error.message).toContain('slack__channel_history');
      expect(h.sandbox.requestsFor('chat.postMessage')).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('maps refused credentials to a non-retryable upstream_unavailable naming no token', async () => {
    const h = await harness({}, { botToken: 'xoxb-revoked' });
    try {
      const error = await toolError(h.run(listChannelsTool, {}));
      expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
      expect(error.message).toContain('invalid_auth');
      expect(error.message).not.toContain('xoxb-revoked');
    } finally {
      await h.close();
    }
  });

  it('maps an unreachable Slack to upstream_unavailable', async () => {
    const sandbox = await startSlackSandbox();
    const { context } = await connect(sandbox, { maxRetries: 0 });
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
      maxRetries: 1,
    });
    expect(SlackConfig.safeParse({ botToken: 'xoxb-1', slackApiUrl: 'https://slack.com/api' }).success).toBe(
      false,
    );
    expect(SlackConfig.safeParse({ botToken: '' }).success).toBe(false);
  });

  it('checks readiness with auth.test, and fails it on a bad token', async () => {
    const sandbox = await startSlackSandbox();
    try {
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
    } finally {
      await sandbox.close();
    }
  });
});
