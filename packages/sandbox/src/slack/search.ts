import type { SlackWorkspace, WsMessage } from './workspace.js';

/**
 * The subset of Slack's search syntax the emulator understands: words and "quoted phrases" (all
 * must appear, case-insensitive), `in:#channel` / `in:<#C123|name>`, `from:@name` / `from:<@U123>`,
 * `after:YYYY-MM-DD`, `before:YYYY-MM-DD` and `on:YYYY-MM-DD` (UTC days, exclusive like Slack's).
 */
export interface SearchQuery {
  terms: string[];
  channels: string[];
  from: string[];
  afterSec?: number;
  beforeSec?: number;
}

const TOKEN = /"([^"]*)"|(\S+)/g;
const DAY_SECONDS = 86_400;

function daySeconds(value: string): number | undefined {
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

export function parseSearchQuery(query: string): SearchQuery {
  const parsed: SearchQuery = { terms: [], channels: [], from: [] };
  for (const match of query.matchAll(TOKEN)) {
    const phrase = match[1];
    if (phrase !== undefined) {
      if (phrase.trim() !== '') parsed.terms.push(phrase.trim().toLowerCase());
      continue;
    }
    const token = match[2] ?? '';
    const [operator, ...rest] = token.split(':');
    const value = rest.join(':');
    switch (operator?.toLowerCase()) {
      case 'in':
        parsed.channels.push(value.replace(/^<#([A-Z0-9]+)(\|[^>]*)?>$/, '$1').replace(/^#/, ''));
        break;
      case 'from':
        parsed.from.push(value.replace(/^<@([A-Z0-9]+)(\|[^>]*)?>$/, '$1').replace(/^@/, ''));
        break;
      case 'after': {
        const day = daySeconds(value);
        if (day !== undefined) parsed.afterSec = day + DAY_SECONDS;
        break;
      }
      case 'before': {
        const day = daySeconds(value);
        if (day !== undefined) parsed.beforeSec = day;
        break;
      }
      case 'on': {
        const day = daySeconds(value);
        if (day !== undefined) {
          parsed.afterSec = day;
          parsed.beforeSec = day + DAY_SECONDS;
        }
        break;
      }
      default:
        parsed.terms.push(token.toLowerCase());
    }
  }
  return parsed;
}

export interface SearchHit {
  message: WsMessage;
  score: number;
}

/** Messages visible to `viewerId` that match every criterion, with a naive relevance score. */
export function searchMessages(workspace: SlackWorkspace, query: SearchQuery, viewerId: string): SearchHit[] {
  const hits: SearchHit[] = [];
  for (const message of workspace.messages) {
    const channel = workspace.channels.find((candidate) => candidate.id === message.channelId);
    if (channel === undefined) continue;
    if (channel.isPrivate && !channel.members.has(viewerId)) continue;
    if (query.channels.length > 0 && !query.channels.some((c) => c === channel.id || c === channel.name)) {
      continue;
    }
    if (query.from.length > 0) {
      const author = workspace.user(message.userId);
      if (!query.from.some((f) => f === message.userId || f === author?.name)) continue;
    }
    const seconds = Number(message.ts.split('.')[0]);
    if (query.afterSec !== undefined && seconds < query.afterSec) continue;
    if (query.beforeSec !== undefined && seconds >= query.beforeSec) continue;
    const text = message.text.toLowerCase();
    if (!query.terms.every((term) => text.includes(term))) continue;
    const score = query.terms.reduce((sum, term) => sum + text.split(term).length - 1, 0);
    hits.push({ message, score });
  }
  return hits;
}
