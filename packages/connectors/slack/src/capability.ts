import type { InstanceInfo, MatchMethod, SupportCapability, Upstream } from '@switchboard/kit';
import { type Conversation, isToolError } from '@switchboard/kit';
import type { SlackClient, WireChannel } from './client.js';
import {
  ConversationsHistory,
  channelDirectory,
  isoToTs,
  moreCursorOf,
  normalizeChannelName,
  pagesOf,
  SearchAnswer,
  slackCall,
  tsToIso,
  UserAnswer,
} from './client.js';

/**
 * The support capability over Slack. Tickets live in Zendesk, so `findTickets` finds none. For
 * `recentConversations`:
 *
 * 1. The customer's shared channel: a channel named `<sharedChannelPrefix><slug>` whose slug equals the
 *    customer's domain label (`helix-robotics.com` -> `ext-helix-robotics`; hyphens ignored, so
 *    `deltafabrication.be` -> `ext-delta-fabrication`), else its name without the legal form
 *    ("Helix Robotics AB" -> helix-robotics), else a channel whose purpose names the customer. Its
 *    latest messages.
 * 2. Mentions of the customer's name (without legal form) or domain in other channels: through
 *    search.messages when a user token is configured; otherwise by scanning the last 90 days of the
 *    `escalationChannels` (top-level messages only: a bot cannot search, and reading every thread
 *    would cost a call each).
 *
 * matchedBy is `domain` when the domain found something, else `name`, else null.
 */

const MENTION_LOOKBACK_DAYS = 90;
const SCAN_PAGES = 2;
const AUTHOR_LOOKUPS = 10;

const LEGAL_FORM =
  /[\s,]+(gmbh & co\.? kg|gmbh|ag|se|kg|sas|sarl|s\.?a\.?|b\.?v\.?|n\.?v\.?|ltd\.?|plc|ab|asa|as|oy|aps|sp\. z o\.o\.|s\.l\.|s\.r\.l\.|s\.p\.a\.|llc|inc\.?|corp\.?|co\.?)$/i;

/** "Helix Robotics AB" -> "Helix Robotics". */
export function withoutLegalForm(name: string): string {
  let current = name.trim();
  for (let next = current.replace(LEGAL_FORM, ''); next !== current; next = current.replace(LEGAL_FORM, '')) {
    current = next.trim();
  }
  return current;
}

const compact = (value: string) => value.toLowerCase().replace(/[^a-z0-9]/g, '');

function findSharedChannel(
  client: SlackClient,
  channels: Iterable<WireChannel>,
  domain: string | undefined,
  coreName: string | undefined,
): { channel: WireChannel; matchedBy: MatchMethod } | undefined {
  const prefix = client.config.sharedChannelPrefix.toLowerCase();
  const shared = [...channels].filter((channel) => channel.name?.toLowerCase().startsWith(prefix));
  const slug = (channel: WireChannel) => compact((channel.name ?? '').slice(prefix.length));
  const label = domain?.split('.')[0];
  if (label !== undefined && compact(label).length >= 3) {
    const byDomain = shared.find((channel) => slug(channel) === compact(label));
    if (byDomain !== undefined) return { channel: byDomain, matchedBy: 'domain' };
  }
  if (coreName !== undefined && compact(coreName).length >= 3) {
    const byName =
      shared.find((channel) => slug(channel) === compact(coreName)) ??
      shared.find((channel) => channel.purpose?.value.toLowerCase().includes(coreName.toLowerCase()));
    if (byName !== undefined) return { channel: byName, matchedBy: 'name' };
  }
  return undefined;
}

interface Found {
  channelId: string;
  channelName: string;
  ts: string;
  text: string;
  userId?: string | undefined;
  userName?: string | undefined;
  permalink?: string | undefined;
  method: MatchMethod;
}

export function supportAdapter(client: SlackClient, instance: InstanceInfo): SupportCapability {
  const source = (found: Found) => ({
    system: 'slack',
    instance: instance.namespace,
    id: `${found.channelId}:${found.ts}`,
    ...(found.permalink === undefined ? {} : { url: found.permalink }),
  });

  async function mentionsBySearch(
    upstream: Upstream,
    terms: Array<[MatchMethod, string]>,
    limit: number,
  ): Promise<Found[]> {
    const found: Found[] = [];
    for (const [method, term] of terms) {
      const answer = await slackCall(
        upstream,
        client,
        'search.messages',
        { query: `"${term.replace(/"/g, '')}"`, sort: 'timestamp', sort_dir: 'desc', count: limit, page: 1 },
        SearchAnswer,
        { token: 'user' },
      );
      for (const match of answer.messages.matches) {
        found.push({
          channelId: match.channel.id,
          channelName: match.channel.name ?? match.channel.id,
          ts: match.ts,
          text: match.text,
          userId: match.user,
          userName: match.username,
          permalink: match.permalink,
          method,
        });
      }
    }
    return found;
  }

  async function mentionsByScan(
    upstream: Upstream,
    terms: Array<[MatchMethod, string]>,
    directory: Map<string, WireChannel>,
  ): Promise<Found[]> {
    const found: Found[] = [];
    const oldest = isoToTs(new Date(Date.now() - MENTION_LOOKBACK_DAYS * 86_400_000).toISOString());
    for (const ref of client.config.escalationChannels) {
      const channel =
        directory.get(normalizeChannelName(ref)) ?? [...directory.values()].find((c) => c.id === ref);
      if (channel === undefined) {
        client.logger.warn({ channel: ref }, 'escalation channel not found; skipped');
        continue;
      }
      const history = {
        method: 'conversations.history',
        args: { channel: channel.id, oldest, limit: 100 },
        schema: ConversationsHistory,
      } as const;
      for await (const answer of pagesOf(upstream, client, history, moreCursorOf, SCAN_PAGES)) {
        for (const message of answer.messages) {
          const text = message.text.toLowerCase();
          const hit = terms.find(([, term]) => text.includes(term.toLowerCase()));
          if (hit === undefined) continue;
          found.push({
            channelId: channel.id,
            channelName: channel.name ?? channel.id,
            ts: message.ts,
            text: message.text,
            userId: message.user,
            method: hit[0],
          });
        }
      }
    }
    return found;
  }

  /** Real names of up to AUTHOR_LOOKUPS authors; failures fall back to the user id. */
  async function authorNames(upstream: Upstream, found: Found[]): Promise<Map<string, string>> {
    const ids = [...new Set(found.flatMap((f) => (f.userId === undefined ? [] : [f.userId])))].slice(
      0,
      AUTHOR_LOOKUPS,
    );
    const names = new Map<string, string>();
    await Promise.all(
      ids.map(async (id) => {
        try {
          // Best effort: a rate-limited lookup falls back to the user id instead of waiting.
          const { user } = await slackCall(upstream, client, 'users.info', { user: id }, UserAnswer, {
            retry: false,
          });
          names.set(id, user.real_name ?? user.profile?.real_name ?? user.name);
        } catch (error) {
          if (!isToolError(error)) throw error;
        }
      }),
    );
    return names;
  }

  return {
    async findTickets() {
      return { tickets: [], matchedBy: null };
    },

    async recentConversations(lookup, { limit, upstream, identity }) {
      const rules = identity.with(lookup.freeMailDomains);
      const domain = rules.companyDomain(lookup.domain ?? lookup.email ?? '');
      const name = lookup.name === undefined ? undefined : withoutLegalForm(lookup.name);
      const coreName = name !== undefined && name.length >= 3 ? name : undefined;
      if (domain === undefined && coreName === undefined) return { conversations: [], matchedBy: null };

      const directory = await channelDirectory(upstream, client);
      const shared = findSharedChannel(client, directory.values(), domain, coreName);
      const found: Found[] = [];
      if (shared !== undefined) {
        const answer = await slackCall(
          upstream,
          client,
          'conversations.history',
          { channel: shared.channel.id, limit: Math.min(Math.max(limit, 1), 100) },
          ConversationsHistory,
        );
        for (const message of answer.messages) {
          found.push({
            channelId: shared.channel.id,
            channelName: shared.channel.name ?? shared.channel.id,
            ts: message.ts,
            text: message.text,
            userId: message.user,
            method: shared.matchedBy,
          });
        }
      }

      const terms: Array<[MatchMethod, string]> = [];
      if (domain !== undefined) terms.push(['domain', domain]);
      if (coreName !== undefined) terms.push(['name', coreName]);
      const mentions =
        client.config.userToken !== undefined
          ? await mentionsBySearch(upstream, terms, limit)
          : await mentionsByScan(upstream, terms, directory);
      const seen = new Set(found.map((f) => `${f.channelId}:${f.ts}`));
      for (const mention of mentions) {
        const key = `${mention.channelId}:${mention.ts}`;
        if (mention.channelId === shared?.channel.id || seen.has(key)) continue;
        seen.add(key);
        found.push(mention);
      }

      const newest = found.sort((a, b) => Number(b.ts) - Number(a.ts)).slice(0, limit);
      const names = await authorNames(upstream, newest);
      const conversations: Conversation[] = newest.map((f) => {
        const author = (f.userId === undefined ? undefined : names.get(f.userId)) ?? f.userName ?? f.userId;
        return {
          source: source(f),
          channel: `#${f.channelName}`,
          text: f.text.length > 1000 ? `${f.text.slice(0, 999)}…` : f.text,
          ...(author === undefined ? {} : { author }),
          at: tsToIso(f.ts),
          ...(f.permalink === undefined ? {} : { permalink: f.permalink }),
        };
      });
      const methods = new Set(found.map((f) => f.method));
      const matchedBy: MatchMethod | null = methods.has('domain')
        ? 'domain'
        : methods.has('name')
          ? 'name'
          : null;
      return { conversations, matchedBy };
    },
  };
}
