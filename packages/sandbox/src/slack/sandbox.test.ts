import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataset } from '../dataset/generate.js';
import { HERO } from '../dataset/heroes.js';
import { type SlackSandbox, startSlackSandbox } from './sandbox.js';

/** Emulator-only behaviour on the wire; the connector's tests drive it through @slack/web-api. */

const dataset = demoDataset();

async function call(
  sandbox: SlackSandbox,
  method: string,
  params: Record<string, string> = {},
  token: string | null = sandbox.botToken,
): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  const body: Record<string, unknown> = text.startsWith('{') ? JSON.parse(text) : { raw: text };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body };
}

function nextCursor(body: Record<string, unknown>): string {
  const metadata = body.response_metadata;
  if (typeof metadata !== 'object' || metadata === null || !('next_cursor' in metadata)) return '';
  return typeof metadata.next_cursor === 'string' ? metadata.next_cursor : '';
}

function list(body: Record<string, unknown>, key: string): Array<Record<string, unknown>> {
  const value = body[key];
  return Array.isArray(value) ? value : [];
}

describe('Slack sandbox', () => {
  let sandbox: SlackSandbox;
  beforeAll(async () => {
    sandbox = await startSlackSandbox({ rateLimits: false });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('answers API errors with HTTP 200 and ok:false: not_authed, invalid_auth, unknown_method', async () => {
    expect(await call(sandbox, 'auth.test', {}, null)).toMatchObject({
      status: 200,
      body: { ok: false, error: 'not_authed' },
    });
    expect(await call(sandbox, 'auth.test', {}, 'xoxb-wrong')).toMatchObject({
      status: 200,
      body: { ok: false, error: 'invalid_auth' },
    });
    expect(await call(sandbox, 'files.list')).toMatchObject({
      status: 200,
      body: { ok: false, error: 'unknown_method', req_method: 'files.list' },
    });
    const stray = await fetch(`${sandbox.url}/v2/other`, { method: 'POST' });
    expect(stray.status).toBe(404);
  });

  it('accepts the token as a form parameter and JSON bodies', async () => {
    const form = await call(sandbox, 'auth.test', { token: sandbox.botToken }, null);
    expect(form.body).toMatchObject({ ok: true, team_id: dataset.slack.teamId });
    const json = await fetch(`${sandbox.apiUrl}users.lookupByEmail`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${sandbox.botToken}`,
      },
      body: JSON.stringify({ email: 'maya.lindqvist@helix-robotics.com' }),
    });
    expect(await json.json()).toMatchObject({ ok: true, user: { real_name: 'Maya Lindqvist' } });
  });

  it('pages conversations.list with cursors, every channel exactly once, empty next_cursor at the end', async () => {
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    do {
      const { body } = await call(sandbox, 'conversations.list', {
        limit: '3',
        ...(cursor ? { cursor } : {}),
      });
      expect(body.ok).toBe(true);
      for (const channel of list(body, 'channels')) seen.push(String(channel.id));
      cursor = nextCursor(body);
      pages += 1;
    } while (cursor !== '');
    expect(pages).toBe(Math.ceil(dataset.slack.channels.length / 3));
    expect(seen).toEqual(dataset.slack.channels.map((channel) => channel.id));
    expect((await call(sandbox, 'conversations.list', { cursor: 'bogus' })).body.error).toBe(
      'invalid_cursor',
    );
  });

  it('returns top-level history newest first with thread metadata, bounded by oldest and the page cap', async () => {
    const channel = sandbox.channelId(`ext-${HERO.everywhere}`);
    const { body } = await call(sandbox, 'conversations.history', { channel });
    const messages = list(body, 'messages');
    const expected = dataset.slack.messages.filter(
      (m) => m.channelId === channel && m.threadRootKey === undefined,
    );
    expect(messages.map((m) => m.text)).toEqual(expected.map((m) => m.text).reverse());
    const parent = messages.find((m) => m.reply_count !== undefined);
    expect(parent).toMatchObject({ reply_count: 1, thread_ts: parent?.ts });
    const oldest = String(messages[0]?.ts);
    const newer = await call(sandbox, 'conversations.history', { channel, oldest });
    expect(list(newer.body, 'messages')).toEqual([]);

    const capped = await startSlackSandbox({ rateLimits: false, historyMaxLimit: 2 });
    try {
      const escalations = capped.channelId('support-escalations');
      const page = await call(
        capped,
        'conversations.history',
        { channel: escalations, limit: '100' },
        capped.botToken,
      );
      expect(list(page.body, 'messages')).toHaveLength(2);
      expect(page.body.has_more).toBe(true);
    } finally {
      await capped.close();
    }
  });

  it('refuses history of a channel the bot is not in, and unknown channels', async () => {
    const general = sandbox.channelId('general');
    expect((await call(sandbox, 'conversations.history', { channel: general })).body.error).toBe(
      'not_in_channel',
    );
    const asUser = await call(sandbox, 'conversations.history', { channel: general }, sandbox.userToken);
    expect(asUser.body.ok).toBe(true);
    expect((await call(sandbox, 'conversations.history', { channel: 'C0NOPE00000' })).body.error).toBe(
      'channel_not_found',
    );
  });

  it('posts a message that then appears in history and in its thread', async () => {
    const channel = sandbox.channelId('support-escalations');
    const first = list(
      (await call(sandbox, 'conversations.history', { channel, limit: '1' })).body,
      'messages',
    );
    const threadTs = String(first[0]?.ts);
    const posted = await call(sandbox, 'chat.postMessage', {
      channel: '#support-escalations',
      text: 'Hello',
    });
    expect(posted.body).toMatchObject({
      ok: true,
      channel,
      message: { text: 'Hello', bot_id: expect.any(String) },
    });
    const latest = list(
      (await call(sandbox, 'conversations.history', { channel, limit: '1' })).body,
      'messages',
    );
    expect(latest[0]).toMatchObject({ ts: posted.body.ts, text: 'Hello' });
    await call(sandbox, 'chat.postMessage', { channel, text: 'In thread', thread_ts: threadTs });
    const replies = list(
      (await call(sandbox, 'conversations.replies', { channel, ts: threadTs })).body,
      'messages',
    );
    expect(replies.at(-1)).toMatchObject({ text: 'In thread', thread_ts: threadTs });
    expect((await call(sandbox, 'chat.postMessage', { channel: 'general', text: 'x' })).body.error).toBe(
      'not_in_channel',
    );
  });

  it('serves search.messages to user tokens only, with paging and total', async () => {
    expect((await call(sandbox, 'search.messages', { query: 'Helix' })).body.error).toBe(
      'not_allowed_token_type',
    );
    const expected = dataset.slack.messages.filter((m) => m.text.toLowerCase().includes('helix robotics'));
    const seen: string[] = [];
    for (let page = 1; page <= 3; page += 1) {
      const { body } = await call(
        sandbox,
        'search.messages',
        { query: '"Helix Robotics"', count: '2', page: String(page), sort: 'timestamp' },
        sandbox.userToken,
      );
      const messages = body.messages as { total: number; matches: Array<{ text: string }> };
      expect(messages.total).toBe(expected.length);
      seen.push(...messages.matches.map((match) => match.text));
    }
    expect(seen.sort()).toEqual(expected.map((m) => m.text).sort());
  });
});

describe('Slack sandbox rate limits and faults', () => {
  it('counts calls per method and answers 429 with Retry-After over the tier', async () => {
    const sandbox = await startSlackSandbox({ rateLimits: { 'users.info': 2 } });
    try {
      const user = dataset.slack.users[0]?.id ?? '';
      expect((await call(sandbox, 'users.info', { user })).status).toBe(200);
      expect((await call(sandbox, 'users.info', { user })).status).toBe(200);
      const limited = await call(sandbox, 'users.info', { user });
      expect(limited).toMatchObject({ status: 429, body: { ok: false, error: 'ratelimited' } });
      expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(limited.retryAfter)).toBeLessThanOrEqual(60);
      // Another method has its own counter.
      expect((await call(sandbox, 'auth.test')).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });

  it('limits chat.postMessage per channel after a short burst', async () => {
    const sandbox = await startSlackSandbox({ postBurst: 2 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        statuses.push(
          (await call(sandbox, 'chat.postMessage', { channel: 'support-escalations', text: `n${i}` })).status,
        );
      }
      expect(statuses).toEqual([200, 200, 429]);
      const other = await call(sandbox, 'chat.postMessage', { channel: `ext-${HERO.everywhere}`, text: 'x' });
      expect(other.status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });

  it('injects forced 429s and 503s through the shared fault machinery', async () => {
    const sandbox = await startSlackSandbox({ faultRetryAfterSeconds: 7 });
    try {
      sandbox.server.inject({ pathPrefix: '/api/users.info', rateLimit: true });
      sandbox.server.inject({ pathPrefix: '/api/auth.test', errorRate: 1 });
      expect(await call(sandbox, 'users.info', { user: 'U0X' })).toMatchObject({
        status: 429,
        retryAfter: '7',
      });
      expect((await call(sandbox, 'auth.test')).status).toBe(503);
      expect(sandbox.requestsFor('users.info')[0]?.fault).toBe('rate_limit');
    } finally {
      await sandbox.close();
    }
  });
});
