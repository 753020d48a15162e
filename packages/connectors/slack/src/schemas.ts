import { model } from '@switchboard/kit';
import { z } from 'zod';
import type { WireChannel, WireMessage, WireUser } from './client.js';
import { normalizeChannelName, tsToIso } from './client.js';
import type { SlackConfig } from './config.js';

/** Tool output models: Slack's records in the shape agents see. */

/** When a message was posted (Slack's `ts` as an instant). */
export const postedAt = z.string().describe('When it was posted, ISO 8601 (UTC).');

export const ChannelRef = model('A Slack channel.', {
  id: z.string().describe('Channel id, e.g. C0123ABCD.'),
  name: z.string().optional().describe('Channel name without "#", when known.'),
});

export const Channel = model('A Slack channel.', {
  id: z.string().describe('Channel id, e.g. C0123ABCD; tools accept it or the name.'),
  name: z.string().describe('Channel name without "#".'),
  isPrivate: z.boolean().describe('Private channel (listed only when the app is a member).'),
  isArchived: z.boolean().describe('Archived: readable, but nothing can be posted.'),
  isSharedWithCustomer: z
    .boolean()
    .describe('A Slack Connect channel shared with another organization, usually a customer.'),
  isMember: z
    .boolean()
    .describe('Whether the app is a member; a bot reads history only of channels it is in.'),
  memberCount: z.number().int().optional().describe('Number of members.'),
  topic: z.string().optional().describe('Channel topic.'),
  purpose: z.string().optional().describe('Channel purpose (often names the customer of a shared channel).'),
  postingAllowed: z
    .boolean()
    .describe("Whether {tool:post_message} may post here (this instance's allowlist)."),
});
export type Channel = z.infer<typeof Channel>;

export const Message = model('A Slack message.', {
  ts: z
    .string()
    .describe(
      'Slack timestamp: the message id within its channel (ts of {tool:thread_replies}, threadTs of {tool:post_message}).',
    ),
  at: postedAt,
  userId: z
    .string()
    .optional()
    .describe('Author user id (look it up with {tool:find_user}), absent for some bots.'),
  botId: z.string().optional().describe('Bot id when an app posted it.'),
  text: z.string().describe('Message text in Slack markup (<@U123> is a user mention).'),
  threadTs: z
    .string()
    .optional()
    .describe('ts of the thread this message belongs to; equals ts for a thread parent.'),
  replyCount: z.number().int().optional().describe('Number of replies, for a thread parent.'),
});
export type Message = z.infer<typeof Message>;

export const User = model('A Slack user.', {
  id: z.string().describe('User id, e.g. U0123ABCD.'),
  name: z.string().describe('Username (handle).'),
  realName: z.string().optional().describe('Full name.'),
  displayName: z.string().optional().describe('Display name, when set.'),
  email: z.string().optional().describe('Email (needs the users:read.email scope).'),
  title: z.string().optional().describe('Job title from the profile.'),
  teamId: z
    .string()
    .optional()
    .describe("Workspace id; Slack Connect members from a customer carry their own organization's id."),
  isBot: z.boolean().describe('Whether this is a bot user.'),
  deleted: z.boolean().describe('Whether the account is deactivated.'),
  timezone: z.string().optional().describe('IANA time zone, e.g. Europe/Berlin.'),
});
export type User = z.infer<typeof User>;

export const SearchMatch = model('A message found by search.', {
  channel: ChannelRef,
  ts: z.string().describe('Slack timestamp of the message.'),
  at: postedAt,
  userId: z.string().optional().describe('Author user id.'),
  userName: z.string().optional().describe('Author username.'),
  text: z.string().describe('Message text in Slack markup.'),
  threadTs: z.string().optional().describe('ts of the thread parent, for a reply.'),
  permalink: z.string().optional().describe('Link to the message in Slack.'),
});
export type SearchMatch = z.infer<typeof SearchMatch>;

// ---- Mapping -------------------------------------------------------------------------------------

export function isAllowedChannel(
  config: SlackConfig,
  channel: { id: string; name?: string | undefined },
): boolean {
  const allowed = new Set(config.allowedChannels.map(normalizeChannelName));
  return (
    allowed.has(channel.id.toLowerCase()) ||
    (channel.name !== undefined && allowed.has(channel.name.toLowerCase()))
  );
}

export function toChannel(config: SlackConfig, wire: WireChannel): Channel {
  const name = wire.name ?? wire.id;
  return {
    id: wire.id,
    name,
    isPrivate: wire.is_private === true,
    isArchived: wire.is_archived === true,
    isSharedWithCustomer: wire.is_ext_shared === true,
    isMember: wire.is_member === true,
    ...(wire.num_members === undefined ? {} : { memberCount: wire.num_members }),
    ...(wire.topic?.value ? { topic: wire.topic.value } : {}),
    ...(wire.purpose?.value ? { purpose: wire.purpose.value } : {}),
    postingAllowed: isAllowedChannel(config, { id: wire.id, name }),
  };
}

export function toMessage(wire: WireMessage): Message {
  return {
    ts: wire.ts,
    at: tsToIso(wire.ts),
    ...(wire.user === undefined ? {} : { userId: wire.user }),
    ...(wire.bot_id === undefined ? {} : { botId: wire.bot_id }),
    text: wire.text,
    ...(wire.thread_ts === undefined ? {} : { threadTs: wire.thread_ts }),
    ...(wire.reply_count === undefined ? {} : { replyCount: wire.reply_count }),
  };
}

export function toUser(wire: WireUser): User {
  const realName = wire.real_name ?? wire.profile?.real_name;
  return {
    id: wire.id,
    name: wire.name,
    ...(realName ? { realName } : {}),
    ...(wire.profile?.display_name ? { displayName: wire.profile.display_name } : {}),
    ...(wire.profile?.email ? { email: wire.profile.email } : {}),
    ...(wire.profile?.title ? { title: wire.profile.title } : {}),
    ...(wire.team_id ? { teamId: wire.team_id } : {}),
    isBot: wire.is_bot === true,
    deleted: wire.deleted === true,
    ...(wire.tz ? { timezone: wire.tz } : {}),
  };
}
