import {
  ANNOTATIONS,
  boundCursor,
  categoryScopes,
  emailInput,
  exactlyOne,
  type InstanceInfo,
  pagedInput,
  pagedOutput,
  ToolError,
  textInput,
  totalOutput,
  type UpstreamRule,
} from '@switchboard/kit';
import { z } from 'zod';
import {
  ConversationsHistory,
  ConversationsList,
  isoToTs,
  moreCursorOf,
  nextCursorOf,
  notInChannel,
  noUserToken,
  PostAnswer,
  resolveChannel,
  SearchAnswer,
  slackCall,
  tsToIso,
  UserAnswer,
  wrongSearchToken,
} from './client.js';
import { slack } from './connector.js';
import {
  Channel,
  ChannelRef,
  isAllowedChannel,
  Message,
  postedAt,
  SearchMatch,
  toChannel,
  toMessage,
  toUser,
  User,
} from './schemas.js';

const SCOPES = categoryScopes('support');
/** Hard cap on every page (Slack allows more, but agents never need it). */
export const MAX_PAGE = 100;
/** Slack truncates text above 4,000 characters in most clients; refuse longer posts up front. */
export const MAX_POST_LENGTH = 4000;

const SLACK_TS = /^\d{9,11}\.\d{1,6}$/;

const channelInput = textInput(1, 80).describe(
  'Channel id (C0123ABCD, from {tool:list_channels}) or name (support-escalations, "#" optional).',
);

const tsInput = (description: string) =>
  z.string().trim().regex(SLACK_TS, 'A Slack timestamp such as 1712345678.000100.').describe(description);

/** Slack's own cursor, bound to the arguments it was issued for. */
const slackCursor = boundCursor(z.string().min(1).max(400), { what: 'arguments' });
/** The cursor of the page after a conversations.history or .replies answer, bound to the criteria. */
const cursorAfter = (criteria: { tool: string }, answer: z.output<typeof ConversationsHistory>) =>
  slackCursor.encode(criteria, moreCursorOf(answer));
/** search.messages pages by number; Slack serves at most 100 pages. */
const searchCursor = boundCursor(z.number().int().min(1).max(100), { what: 'arguments' });

const channelTag = (id: string) => `slack:channel:${id}`;
const threadTag = (channelId: string, ts: string) => `slack:thread:${channelId}:${ts}`;

// ---------------------------------------------------------------------------------------------

export const listChannelsTool = slack.tool({
  name: 'list_channels',
  title: 'List Slack channels',
  description:
    'List the Slack channels visible to the connector: public channels, private ones the app was invited to, ' +
    'and Slack Connect channels shared with customers (isSharedWithCustomer; named ext-<customer> by convention). ' +
    'Use it to find a channel id for {tool:channel_history}, or to see where {tool:post_message} may post ' +
    '(postingAllowed). To find messages about a topic use {tool:search_messages} instead.',
  input: pagedInput(50, MAX_PAGE, {
    includePrivate: z
      .boolean()
      .default(false)
      .describe('Also list private channels the app is a member of (default false).'),
    includeArchived: z.boolean().default(false).describe('Also list archived channels (default false).'),
  }),
  output: pagedOutput({
    channels: z.array(Channel).describe('Channels in Slack order; a page may hold fewer than limit.'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: { ttlSeconds: 300, scope: 'shared', tags: () => ['slack:channels'] },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const criteria = { tool: 'list_channels', p: input.includePrivate, a: input.includeArchived };
    const answer = await slackCall(
      ctx.upstream,
      ctx.client,
      'conversations.list',
      {
        types: input.includePrivate ? 'public_channel,private_channel' : 'public_channel',
        exclude_archived: !input.includeArchived,
        limit: input.limit,
        cursor: slackCursor.decode(input.cursor, criteria),
      },
      ConversationsList,
    );
    return {
      channels: answer.channels.map((channel) => toChannel(ctx.config, channel)),
      nextCursor: slackCursor.encode(criteria, nextCursorOf(answer)),
    };
  },
});

// ---------------------------------------------------------------------------------------------

/** How Slack refuses to read a channel: one it does not show the app, or one the app is not in. */
function channelRules(channel: string, instance: InstanceInfo): UpstreamRule[] {
  return [
    {
      code: 'channel_not_found',
      means: 'not_found',
      message:
        `No Slack channel "${channel}" is visible to the connector. Find the channel id with ` +
        `${instance.toolName('list_channels')}.`,
    },
    notInChannel(instance),
  ];
}

export const channelHistoryTool = slack.tool({
  name: 'channel_history',
  title: 'Read a Slack channel',
  description:
    "Read a channel's messages, newest first: top-level messages and thread parents (replyCount); read a " +
    "thread's replies with {tool:thread_replies}. Narrow with since/until. Use it for a customer's shared " +
    'channel (ext-<customer>) or an internal channel such as support-escalations; the app must be a member. ' +
    'Find channels with {tool:list_channels}; to find messages by content across channels use ' +
    '{tool:search_messages}.',
  input: pagedInput(20, MAX_PAGE, {
    channel: channelInput,
    since: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('Only messages posted after this instant (ISO 8601), e.g. 2025-03-01T00:00:00Z.'),
    until: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('Only messages posted before this instant (ISO 8601).'),
  }).refine(
    (input) =>
      input.since === undefined ||
      input.until === undefined ||
      Date.parse(input.since) < Date.parse(input.until),
    'since must be before until.',
  ),
  output: pagedOutput({
    channel: ChannelRef,
    messages: z
      .array(Message)
      .describe('Messages, newest first. Slack may return fewer than limit per page.'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: { ttlSeconds: 30, scope: 'shared', tags: (_input, output) => [channelTag(output.channel.id)] },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const channel = await resolveChannel(ctx.upstream, ctx.client, input.channel);
    const criteria = { tool: 'channel_history', c: channel.id, s: input.since, u: input.until };
    const answer = await slackCall(
      ctx.upstream,
      ctx.client,
      'conversations.history',
      {
        channel: channel.id,
        limit: input.limit,
        oldest: input.since === undefined ? undefined : isoToTs(input.since),
        latest: input.until === undefined ? undefined : isoToTs(input.until),
        cursor: slackCursor.decode(input.cursor, criteria),
      },
      ConversationsHistory,
      { rules: channelRules(input.channel, ctx.instance) },
    );
    return {
      channel,
      messages: answer.messages.map(toMessage),
      nextCursor: cursorAfter(criteria, answer),
    };
  },
});

// ---------------------------------------------------------------------------------------------

export const threadRepliesTool = slack.tool({
  name: 'thread_replies',
  title: 'Read a Slack thread',
  description:
    'Read one thread: the parent message first (on the first page), then its replies oldest first. Take ' +
    'channel and ts from {tool:channel_history} (a message with replyCount) or from {tool:search_messages} ' +
    '(threadTs of a match). For the rest of the channel use {tool:channel_history}.',
  input: pagedInput(50, MAX_PAGE, {
    channel: channelInput,
    ts: tsInput('ts of the thread parent (or of any reply in it), e.g. 1712345678.000100.'),
  }),
  output: pagedOutput({
    channel: ChannelRef,
    threadTs: z.string().describe('ts of the thread parent.'),
    messages: z
      .array(Message)
      .describe('Parent (first page only), then replies oldest first; each exactly once.'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 30,
    scope: 'shared',
    tags: (_input, output) => [channelTag(output.channel.id), threadTag(output.channel.id, output.threadTs)],
  },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const channel = await resolveChannel(ctx.upstream, ctx.client, input.channel);
    const criteria = { tool: 'thread_replies', c: channel.id, t: input.ts };
    const cursor = slackCursor.decode(input.cursor, criteria);
    const answer = await slackCall(
      ctx.upstream,
      ctx.client,
      'conversations.replies',
      { channel: channel.id, ts: input.ts, limit: input.limit, cursor },
      ConversationsHistory,
      {
        rules: [
          ...channelRules(input.channel, ctx.instance),
          {
            code: 'thread_not_found',
            means: 'not_found',
            message:
              `No message with ts ${input.ts} in channel ${input.channel}. Take thread timestamps from ` +
              `${ctx.instance.toolName('channel_history')} or ${ctx.instance.toolName('search_messages')}.`,
          },
        ],
      },
    );
    const first = answer.messages[0];
    const threadTs = first?.thread_ts ?? first?.ts ?? input.ts;
    // Whether Slack repeats the parent on later pages is not documented: keep it on the first page only.
    const messages = answer.messages.filter((message) => cursor === undefined || message.ts !== threadTs);
    return {
      channel,
      threadTs,
      messages: messages.map(toMessage),
      nextCursor: cursorAfter(criteria, answer),
    };
  },
});

// ---------------------------------------------------------------------------------------------

export const findUserTool = slack.tool({
  name: 'find_user',
  title: 'Find a Slack user',
  description:
    'Find one Slack user by email (staff, or a customer contact who is a Slack Connect member) or by user id ' +
    '(the userId of a message). Returns name, title and workspace. A customer contact without Slack is not ' +
    'found: look for their company in {tool:list_channels} (shared channels) or with {tool:search_messages}.',
  input: z
    .object({
      email: emailInput.optional().describe('Exact email address, e.g. maya@example.com.'),
      userId: z
        .string()
        .trim()
        .regex(/^[UW][A-Z0-9]{8,}$/, 'A Slack user id such as U0123ABCD.')
        .optional()
        .describe('Slack user id, e.g. U0123ABCD (the userId of a message).'),
    })
    .refine(exactlyOne('email', 'userId'), 'Pass exactly one of email or userId.'),
  output: z.object({ user: User }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 600,
    scope: 'shared',
    negativeTtlSeconds: 60,
    tags: (_input, output) => [`slack:user:${output.user.id}`],
  },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const tool = ctx.instance.toolName;
    const answer =
      input.email !== undefined
        ? await slackCall(
            ctx.upstream,
            ctx.client,
            'users.lookupByEmail',
            { email: input.email },
            UserAnswer,
            {
              rules: [
                {
                  code: 'users_not_found',
                  means: 'not_found',
                  message:
                    `No Slack user with email ${input.email}: they are not in this workspace or any shared ` +
                    `channel. Look for their company's channel with ${tool('list_channels')} or mentions with ` +
                    `${tool('search_messages')}.`,
                },
              ],
            },
          )
        : await slackCall(ctx.upstream, ctx.client, 'users.info', { user: input.userId }, UserAnswer, {
            rules: [
              {
                code: ['user_not_found', 'user_not_visible'],
                means: 'not_found',
                message:
                  `No Slack user with id ${input.userId}. Take user ids from messages of ` +
                  `${tool('channel_history')}, or look the person up by email with ${tool('find_user')}.`,
              },
            ],
          });
    return { user: toUser(answer.user) };
  },
});

// ---------------------------------------------------------------------------------------------

export const searchMessagesTool = slack.tool({
  name: 'search_messages',
  title: 'Search Slack messages',
  description:
    'Search messages across every channel the configured user can see, with Slack search syntax: words, ' +
    '"exact phrases", in:#channel, from:@user, after:2025-01-31, before:2025-03-01. Use it to find where a ' +
    'customer, order or ticket was discussed; then read the thread with {tool:thread_replies}. Needs a Slack ' +
    'user token in the configuration (Slack refuses search to bots); without one, browse with ' +
    '{tool:channel_history}.',
  input: pagedInput(20, MAX_PAGE, {
    query: textInput(2, 500).describe('Slack search query, e.g. "Helix Robotics" in:#support-escalations.'),
    sort: z
      .enum(['timestamp', 'score'])
      .default('timestamp')
      .describe('timestamp: newest first (default); score: most relevant first.'),
  }),
  output: pagedOutput({
    matches: z.array(SearchMatch).describe('Matching messages, replies included.'),
    total: totalOutput('messages'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: { ttlSeconds: 60, scope: 'shared', tags: () => ['slack:search'] },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    // Checked before any call: Slack would refuse a bot token (not_allowed_token_type) anyway.
    if (ctx.config.userToken === undefined) throw noUserToken(ctx.client);
    const criteria = { tool: 'search_messages', q: input.query, s: input.sort, l: input.limit };
    const page = searchCursor.decode(input.cursor, criteria) ?? 1;
    const answer = await slackCall(
      ctx.upstream,
      ctx.client,
      'search.messages',
      { query: input.query, sort: input.sort, sort_dir: 'desc', count: input.limit, page },
      SearchAnswer,
      { token: 'user', rules: [wrongSearchToken(ctx.instance)] },
    );
    const { messages } = answer;
    const pages = messages.paging?.pages ?? Math.ceil(messages.total / input.limit);
    return {
      matches: messages.matches.map((match) => ({
        channel: { id: match.channel.id, ...(match.channel.name ? { name: match.channel.name } : {}) },
        ts: match.ts,
        at: tsToIso(match.ts),
        ...(match.user === undefined ? {} : { userId: match.user }),
        ...(match.username ? { userName: match.username } : {}),
        text: match.text,
        ...(match.thread_ts === undefined || match.thread_ts === match.ts
          ? {}
          : { threadTs: match.thread_ts }),
        ...(match.permalink === undefined ? {} : { permalink: match.permalink }),
      })),
      total: messages.total,
      // Slack serves at most 100 pages of search results.
      nextCursor: page < Math.min(pages, 100) ? searchCursor.encode(criteria, page + 1) : undefined,
    };
  },
});

// ---------------------------------------------------------------------------------------------

export const postMessageTool = slack.tool({
  name: 'post_message',
  title: 'Post to a Slack channel',
  description:
    'Post a message as the Switchboard app to a channel this connector instance allows (postingAllowed in ' +
    '{tool:list_channels}); any other channel is refused and nothing is sent. Pass threadTs to reply in a ' +
    'thread (from {tool:channel_history}). Not idempotent: every call posts a new message, so after a timeout ' +
    'check {tool:channel_history} before posting again.',
  input: z.object({
    channel: channelInput,
    text: textInput(1, MAX_POST_LENGTH).describe(
      `Message text in Slack markup (*bold*, <@U123> mentions), at most ${MAX_POST_LENGTH} characters.`,
    ),
    threadTs: tsInput('Reply in the thread of this message ts instead of posting top-level.').optional(),
  }),
  output: z.object({
    channel: z.string().describe('Id of the channel posted to.'),
    ts: z.string().describe('ts of the new message.'),
    at: postedAt,
    threadTs: z.string().optional().describe('ts of the thread replied to, when threadTs was given.'),
  }),
  scopes: SCOPES.write,
  annotations: ANNOTATIONS.create,
  invalidates: (input, output) => [
    channelTag(output.channel),
    'slack:search',
    ...(input.threadTs === undefined ? [] : [threadTag(output.channel, input.threadTs)]),
  ],
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const trimmed = input.channel.replace(/^#/, '');
    // The allowlist is checked literally, before any Slack call: a refused post sends nothing at all.
    if (!isAllowedChannel(ctx.config, { id: trimmed, name: trimmed })) {
      const allowed = ctx.config.allowedChannels;
      throw new ToolError(
        'forbidden',
        allowed.length === 0
          ? `Posting to Slack is disabled for connector instance ${ctx.instance.namespace} (no allowedChannels). ` +
              'Ask an operator to allow the channel.'
          : `Posting to "${input.channel}" is not allowed by connector instance ${ctx.instance.namespace}. Allowed ` +
              `channels: ${allowed.join(', ')} (pass one exactly as listed). Ask an operator to add the channel if needed.`,
        { retryable: false },
      );
    }
    const tool = ctx.instance.toolName;
    let answer: z.output<typeof PostAnswer>;
    try {
      // A rate-limited post may be sent again after Slack's wait: Slack refused it, so nothing was posted.
      answer = await slackCall(
        ctx.upstream,
        ctx.client,
        'chat.postMessage',
        { channel: trimmed, text: input.text, thread_ts: input.threadTs, unfurl_links: false },
        PostAnswer,
        {
          rules: [
            {
              code: 'channel_not_found',
              means: 'not_found',
              retryable: false,
              message:
                `Channel "${input.channel}" is allowed but does not exist or is not visible to the app; an operator ` +
                `should fix allowedChannels. Check names with ${tool('list_channels')}.`,
            },
            {
              code: 'thread_not_found',
              means: 'not_found',
              message:
                `No message with ts ${input.threadTs} in "${input.channel}" to reply to. Take it from ` +
                `${tool('channel_history')}, or omit threadTs to post top-level.`,
            },
            {
              code: 'not_in_channel',
              means: 'forbidden',
              message:
                `The Slack app is not a member of "${input.channel}", so it cannot post there. Someone must invite ` +
                'it to the channel (/invite @app) first.',
            },
          ],
        },
      );
    } catch (error) {
      throw outcomeUnknown(error, tool('channel_history'));
    }
    return {
      channel: answer.channel,
      ts: answer.ts,
      at: tsToIso(answer.ts),
      ...(input.threadTs === undefined ? {} : { threadTs: input.threadTs }),
    };
  },
});

/**
 * A post that timed out or met a Slack outage may have been delivered all the same: it must not be
 * repeated blindly, whatever the shared mapping says about retrying.
 */
function outcomeUnknown(error: unknown, historyTool: string): unknown {
  if (!(error instanceof ToolError) || !error.retryable) return error;
  if (error.code !== 'timeout' && error.code !== 'upstream_unavailable') return error;
  const what =
    error.code === 'timeout' ? 'Slack did not answer the post in time.' : 'Slack failed while posting.';
  return new ToolError(
    error.code,
    `${what} The message may or may not have been posted: check the channel with ${historyTool} before ` +
      'posting again.',
    { retryable: false, cause: error },
  );
}
