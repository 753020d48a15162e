import { allPages, sharedFixture } from '@switchboard/kit/testing';
import { demoDataset, HERO, HERO_EMAILS, instantToDate } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  channelHistoryTool,
  channelResource,
  findUserTool,
  listChannelsTool,
  postMessageTool,
  searchMessagesTool,
  threadRepliesTool,
} from '../src/index.js';
import { asOf, harness } from './helpers.js';

/** Every tool through the real @slack/web-api WebClient against the Slack sandbox on loopback. */

const dataset = demoDataset();
const channelByName = (name: string) => {
  const channel = dataset.slack.channels.find((candidate) => candidate.name === name);
  if (channel === undefined) throw new Error(`no channel ${name}`);
  return channel;
};
const escalations = channelByName('support-escalations');
const helixChannel = channelByName(`ext-${HERO.everywhere}`);
const topLevel = (channelId: string) =>
  dataset.slack.messages
    .filter((message) => message.channelId === channelId && message.threadRootKey === undefined)
    .sort((a, b) => instantToDate(b.postedAt, asOf).getTime() - instantToDate(a.postedAt, asOf).getTime());

describe('read tools', () => {
  const h = sharedFixture(beforeAll, afterAll, () => harness());

  it('list_channels pages through every public channel exactly once, with the bot token, form-encoded', async () => {
    h().sandbox.server.clearLog();
    const pages = await allPages((cursor) => h().run(listChannelsTool, { limit: 3, cursor }), 50);
    const items = pages.flatMap((page) => page.channels);
    expect(items.map((channel) => channel.id)).toEqual(dataset.slack.channels.map((channel) => channel.id));
    expect(pages).toHaveLength(Math.ceil(dataset.slack.channels.length / 3));
    const requests = h().sandbox.requestsFor('conversations.list');
    expect(requests).toHaveLength(pages.length);
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${h().sandbox.botToken}`);
    expect(requests[0]?.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(items.find((channel) => channel.id === escalations.id)).toMatchObject({
      name: 'support-escalations',
      postingAllowed: true,
      isSharedWithCustomer: false,
      isMember: true,
    });
    expect(items.find((channel) => channel.id === helixChannel.id)).toMatchObject({
      isSharedWithCustomer: true,
      postingAllowed: false,
      purpose: expect.stringContaining('Helix Robotics AB'),
    });
  });

  it('list_channels refuses a cursor issued for other filters', async () => {
    const first = await h().run(listChannelsTool, { limit: 2 });
    await expect(
      h().run(listChannelsTool, { limit: 2, includeArchived: true, cursor: first.nextCursor }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('channel_history pages a channel by name, newest first, every top-level message exactly once', async () => {
    const pages = await allPages(
      (cursor) => h().run(channelHistoryTool, { channel: '#support-escalations', limit: 2, cursor }),
      50,
    );
    for (const page of pages) expect(page.channel.id).toBe(escalations.id);
    const items = pages.flatMap((page) => page.messages);
    const expected = topLevel(escalations.id);
    expect(items.map((message) => message.text)).toEqual(expected.map((message) => message.text));
    expect(pages).toHaveLength(Math.ceil(expected.length / 2));
    const parent = items.find(
      (message) => message.text.includes('Urgent ticket') && message.text.includes('Helix'),
    );
    expect(parent).toMatchObject({ replyCount: 2, threadTs: parent?.ts });
    const source = dataset.slack.messages.find((message) => message.text === parent?.text);
    expect(parent?.at).toBe(source && instantToDate(source.postedAt, asOf).toISOString());
  });

  it('channel_history by id honours since', async () => {
    const since = instantToDate({ day: -3, minuteOfDay: 0 }, asOf).toISOString();
    const out = await h().run(channelHistoryTool, { channel: escalations.id, since, limit: 100 });
    const expected = topLevel(escalations.id).filter(
      (m) => instantToDate(m.postedAt, asOf).toISOString() > since,
    );
    expect(out.messages.map((message) => message.text)).toEqual(expected.map((message) => message.text));
    expect(out.messages.length).toBeLessThan(topLevel(escalations.id).length);
    expect(out.nextCursor).toBeUndefined();
  });

  it('thread_replies returns the parent then every reply exactly once across pages', async () => {
    const history = await h().run(channelHistoryTool, { channel: escalations.id, limit: 100 });
    const parent = history.messages.find((message) => (message.replyCount ?? 0) >= 2);
    if (parent === undefined) throw new Error('no thread with two replies');
    const pages = await allPages(
      (cursor) =>
        h().run(threadRepliesTool, { channel: 'support-escalations', ts: parent.ts, limit: 1, cursor }),
      50,
    );
    for (const page of pages) expect(page.threadTs).toBe(parent.ts);
    const items = pages.flatMap((page) => page.messages);
    expect(pages).toHaveLength(3);
    expect(items.map((message) => message.ts)).toEqual([...new Set(items.map((message) => message.ts))]);
    expect(items[0]?.ts).toBe(parent.ts);
    expect(items.slice(1).every((reply) => reply.threadTs === parent.ts)).toBe(true);
    expect(items).toHaveLength(1 + (parent.replyCount ?? 0));
  });

  it('find_user finds a Slack Connect customer contact by email and a staff member by id', async () => {
    const maya = await h().run(findUserTool, { email: HERO_EMAILS.everywhere.toUpperCase() });
    expect(maya.user).toMatchObject({
      realName: 'Maya Lindqvist',
      email: HERO_EMAILS.everywhere,
      isBot: false,
    });
    expect(maya.user.teamId).not.toBe(dataset.slack.teamId);
    const staff = dataset.seller.staff[0];
    const byId = await h().run(findUserTool, { userId: staff?.ids.slackUserId ?? '' });
    expect(byId.user).toMatchObject({ email: staff?.email, teamId: dataset.slack.teamId });
    expect(h().sandbox.requestsFor('users.lookupByEmail').length).toBeGreaterThan(0);
    expect(h().sandbox.requestsFor('users.info').length).toBeGreaterThan(0);
  });

  it('search_messages pages every match exactly once with the user token, and reports the total', async () => {
    h().sandbox.server.clearLog();
    const expected = dataset.slack.messages.filter((message) =>
      message.text.toLowerCase().includes('helix robotics'),
    );
    const pages = await allPages(
      (cursor) => h().run(searchMessagesTool, { query: '"Helix Robotics"', limit: 2, cursor }),
      50,
    );
    const items = pages.flatMap((page) => page.matches);
    expect(pages.at(-1)?.total).toBe(expected.length);
    expect(pages).toHaveLength(Math.ceil(expected.length / 2));
    expect(items.map((match) => match.text).sort()).toEqual(expected.map((message) => message.text).sort());
    expect(new Set(items.map((match) => `${match.channel.id}:${match.ts}`)).size).toBe(items.length);
    expect(items[0]?.permalink).toMatch(/^https:\/\/.+\/archives\/C0/);
    const reply = items.find((match) => match.threadTs !== undefined);
    expect(reply?.channel.name).toBe('support-escalations');
    for (const request of h().sandbox.requestsFor('search.messages')) {
      expect(request.headers.authorization).toBe(`Bearer ${h().sandbox.userToken}`);
    }
  });

  it('serves the channel resource as the first page of channel_history', async () => {
    const { json } = await channelResource.read({ channel: 'support-escalations' }, h().context());
    expect(json).toEqual(await h().run(channelHistoryTool, { channel: 'support-escalations', limit: 20 }));
  });
});

describe('post_message', () => {
  const h = sharedFixture(beforeAll, afterAll, () => harness());

  it('posts to an allowed channel; the message is the newest in the next channel_history', async () => {
    const posted = await h().run(postMessageTool, {
      channel: '#Support-Escalations',
      text: 'Helix: drives shipped today.',
    });
    expect(posted.channel).toBe(escalations.id);
    const history = await h().run(channelHistoryTool, { channel: escalations.id, limit: 1 });
    expect(history.messages[0]).toMatchObject({ ts: posted.ts, text: 'Helix: drives shipped today.' });
    expect(history.messages[0]?.botId).toBeDefined();
    expect(h().sandbox.requestsFor('chat.postMessage')).toHaveLength(1);
  });

  it('replies in a thread; the reply is last in thread_replies', async () => {
    const history = await h().run(channelHistoryTool, { channel: escalations.id, limit: 100 });
    const parent = history.messages.find((message) => (message.replyCount ?? 0) > 0);
    if (parent === undefined) throw new Error('no thread');
    const posted = await h().run(postMessageTool, {
      channel: 'support-escalations',
      text: 'Update: fixed.',
      threadTs: parent.ts,
    });
    expect(posted.threadTs).toBe(parent.ts);
    const thread = await h().run(threadRepliesTool, { channel: escalations.id, ts: parent.ts });
    expect(thread.messages.at(-1)).toMatchObject({ ts: posted.ts, text: 'Update: fixed.' });
  });
});
