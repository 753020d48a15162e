import { instantToDate } from '../dataset/dates.js';
import type { Dataset } from '../dataset/types.js';

/**
 * The Slack workspace the emulator serves, built from the dataset's Slack part: users (staff,
 * Slack Connect members of key customers, the Zendesk bot, and the app's own bot user), channels and
 * messages with `ts` timestamps derived from the dataset's instants. Mutable: chat.postMessage
 * appends to it.
 */

export interface WsUser {
  id: string;
  teamId: string;
  name: string;
  realName: string;
  email: string;
  title: string;
  isBot: boolean;
  /** A Slack Connect member from a customer's workspace. */
  isExternal: boolean;
  botId?: string;
}

export interface WsChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  isShared: boolean;
  isArchived: boolean;
  purpose: string;
  creatorId: string;
  /** Unix seconds. */
  created: number;
  members: Set<string>;
}

export interface WsMessage {
  channelId: string;
  ts: string;
  userId: string;
  text: string;
  botId?: string;
  /** Root ts of the thread this message belongs to (its own ts for a thread parent). */
  threadTs?: string;
}

/** The app's bot user: what a bot token (`xoxb-`) acts as. */
export const SANDBOX_BOT_USER_ID = 'U0SBXBOT001';
export const SANDBOX_BOT_ID = 'B0SBXBOT001';

/** Slack `ts` (`seconds.micros`) from microseconds since the epoch. */
export function toTs(micros: number): string {
  return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
}

/** A stable `T0…` workspace id for a customer's own Slack organization. */
function externalTeamId(customerKey: string): string {
  let hash = 2166136261;
  for (const char of customerKey) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return `T0${hash.toString(36).toUpperCase().padStart(9, 'X').slice(0, 9)}`;
}

/** Compares two `ts` strings numerically (they are fixed six-digit decimals). */
export function compareTs(left: string, right: string): number {
  const [ls = '0', lf = '0'] = left.split('.');
  const [rs = '0', rf = '0'] = right.split('.');
  return Number(ls) - Number(rs) || Number(lf.padEnd(6, '0')) - Number(rf.padEnd(6, '0'));
}

export class SlackWorkspace {
  readonly teamId: string;
  readonly teamDomain: string;
  readonly users: WsUser[] = [];
  readonly channels: WsChannel[] = [];
  readonly messages: WsMessage[] = [];
  #lastPostedMicros = 0;

  constructor(dataset: Dataset, asOf: Date | undefined, botChannels: readonly string[] | undefined) {
    const slack = dataset.slack;
    this.teamId = slack.teamId;
    this.teamDomain = slack.teamDomain;
    for (const user of slack.users) {
      this.users.push({
        id: user.id,
        // Slack Connect members keep the id of their own organization's workspace.
        teamId: user.customerKey === null ? slack.teamId : externalTeamId(user.customerKey),
        name: user.name,
        realName: user.realName,
        email: user.email,
        title: user.title,
        isBot: user.isBot,
        isExternal: user.customerKey !== null,
      });
    }
    this.users.push({
      id: SANDBOX_BOT_USER_ID,
      teamId: slack.teamId,
      name: 'switchboard',
      realName: 'Switchboard',
      email: '',
      title: '',
      isBot: true,
      isExternal: false,
      botId: SANDBOX_BOT_ID,
    });
    for (const channel of slack.channels) {
      const members = new Set(channel.memberIds);
      // By default the app was invited everywhere except #general (so `not_in_channel` is reachable).
      const botIsMember =
        botChannels === undefined ? channel.name !== 'general' : botChannels.includes(channel.name);
      if (botIsMember) members.add(SANDBOX_BOT_USER_ID);
      this.channels.push({
        id: channel.id,
        name: channel.name,
        isPrivate: channel.isPrivate,
        isShared: channel.isShared,
        isArchived: false,
        purpose: channel.purpose,
        creatorId: channel.creatorId,
        created: Math.floor(instantToDate(channel.createdAt, asOf).getTime() / 1000),
        members,
      });
    }
    const tsByKey = new Map<string, string>();
    slack.messages.forEach((message, index) => {
      // Whole minutes apart per channel; a few microseconds keep ts unique across the workspace.
      const ts = toTs(instantToDate(message.postedAt, asOf).getTime() * 1000 + index + 1);
      tsByKey.set(message.key, ts);
      const threadTs = message.threadRootKey === undefined ? undefined : tsByKey.get(message.threadRootKey);
      this.messages.push({
        channelId: message.channelId,
        ts,
        userId: message.userId,
        text: message.text,
        ...(threadTs === undefined ? {} : { threadTs }),
      });
    });
    // A message with replies is a thread parent: its thread_ts is its own ts.
    for (const message of this.messages) {
      if (message.threadTs !== undefined) {
        const parent = this.findMessage(message.channelId, message.threadTs);
        if (parent !== undefined) parent.threadTs = parent.ts;
      }
    }
  }

  user(id: string): WsUser | undefined {
    return this.users.find((user) => user.id === id);
  }

  userByEmail(email: string): WsUser | undefined {
    const wanted = email.trim().toLowerCase();
    return this.users.find((user) => user.email !== '' && user.email.toLowerCase() === wanted);
  }

  /** By id, or by name with or without `#` (as chat.postMessage accepts). */
  channel(idOrName: string): WsChannel | undefined {
    const name = idOrName.replace(/^#/, '').toLowerCase();
    return this.channels.find((channel) => channel.id === idOrName || channel.name === name);
  }

  findMessage(channelId: string, ts: string): WsMessage | undefined {
    return this.messages.find((message) => message.channelId === channelId && message.ts === ts);
  }

  /** Replies of a thread, oldest first (the parent excluded). */
  replies(channelId: string, threadTs: string): WsMessage[] {
    return this.messages
      .filter((m) => m.channelId === channelId && m.threadTs === threadTs && m.ts !== threadTs)
      .sort((a, b) => compareTs(a.ts, b.ts));
  }

  /** Appends a message with a fresh `ts`, strictly after every earlier post. */
  post(channel: WsChannel, user: WsUser, text: string, threadTs: string | undefined): WsMessage {
    const micros = Math.max(Date.now() * 1000, this.#lastPostedMicros + 1);
    this.#lastPostedMicros = micros;
    const message: WsMessage = {
      channelId: channel.id,
      ts: toTs(micros),
      userId: user.id,
      text,
      ...(user.botId === undefined ? {} : { botId: user.botId }),
      ...(threadTs === undefined ? {} : { threadTs }),
    };
    if (threadTs !== undefined) {
      const parent = this.findMessage(channel.id, threadTs);
      if (parent !== undefined) parent.threadTs = parent.ts;
    }
    this.messages.push(message);
    return message;
  }

  // ---- Wire shapes --------------------------------------------------------------------------

  channelJson(channel: WsChannel, viewerId: string): Record<string, unknown> {
    return {
      id: channel.id,
      name: channel.name,
      is_channel: !channel.isPrivate,
      is_group: channel.isPrivate,
      is_im: false,
      is_mpim: false,
      is_private: channel.isPrivate,
      created: channel.created,
      is_archived: channel.isArchived,
      is_general: channel.name === 'general',
      unlinked: 0,
      name_normalized: channel.name,
      is_shared: channel.isShared,
      is_ext_shared: channel.isShared,
      is_org_shared: false,
      pending_shared: [],
      is_pending_ext_shared: false,
      is_member: channel.members.has(viewerId),
      creator: channel.creatorId,
      topic: { value: '', creator: '', last_set: 0 },
      purpose: { value: channel.purpose, creator: channel.creatorId, last_set: channel.created },
      previous_names: [],
      num_members: channel.members.size,
    };
  }

  messageJson(message: WsMessage, withThread: boolean): Record<string, unknown> {
    const json: Record<string, unknown> = {
      type: 'message',
      user: message.userId,
      text: message.text,
      ts: message.ts,
      team: this.teamId,
    };
    if (message.botId !== undefined) json.bot_id = message.botId;
    if (message.threadTs !== undefined) {
      json.thread_ts = message.threadTs;
      if (message.threadTs === message.ts) {
        const replies = this.replies(message.channelId, message.ts);
        if (withThread && replies.length > 0) {
          const users = [...new Set(replies.map((reply) => reply.userId))];
          json.reply_count = replies.length;
          json.reply_users_count = users.length;
          json.reply_users = users;
          json.latest_reply = replies.at(-1)?.ts;
          json.is_locked = false;
          json.subscribed = false;
        }
      } else {
        json.parent_user_id = this.findMessage(message.channelId, message.threadTs)?.userId;
      }
    }
    return json;
  }

  userJson(user: WsUser): Record<string, unknown> {
    return {
      id: user.id,
      team_id: user.teamId,
      name: user.name,
      deleted: false,
      color: '9f69e7',
      real_name: user.realName,
      tz: 'Europe/Berlin',
      tz_label: 'Central European Time',
      tz_offset: 3600,
      profile: {
        title: user.title,
        phone: '',
        real_name: user.realName,
        real_name_normalized: user.realName,
        display_name: user.name,
        display_name_normalized: user.name,
        email: user.email === '' ? undefined : user.email,
        team: user.teamId,
        ...(user.botId === undefined ? {} : { bot_id: user.botId }),
      },
      is_admin: false,
      is_owner: false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: user.isBot,
      is_app_user: false,
      updated: 1_700_000_000,
    };
  }
}
