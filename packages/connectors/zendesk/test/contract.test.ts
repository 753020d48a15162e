import { readFileSync } from 'node:fs';
import { connectorContract, contractProblems } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import {
  addCommentTool,
  MAX_PAGE,
  SEARCH_WINDOW,
  searchTicketsTool,
  ZendeskConfig,
  zendeskConnector,
} from '../src/index.js';

/** The contract agents and operators see: a change to it must be a visible diff. */

const READS = ['search_tickets', 'get_ticket', 'find_user'];
const WRITES = ['create_ticket', 'add_comment'];

const ticketFixture = {
  source: { system: 'zendesk', instance: 'zendesk', id: '42' },
  id: 42,
  subject: 'x',
  status: 'open',
  createdAt: '2025-01-01T00:00:00Z',
  assigned: false,
};

describe('tool contract', () => {
  it('matches the snapshot of what agents and operators see: listings, scopes, cache policies, deadlines', () => {
    expect(connectorContract(zendeskConnector)).toMatchSnapshot();
  });

  it('keeps the contract rules every connector keeps', () => {
    expect(contractProblems(zendeskConnector)).toEqual([]);
  });

  it('declares reads read-only and cached under support:read, writes truthful under support:write', () => {
    expect(zendeskConnector.tools.map((tool) => tool.name)).toEqual([...READS, ...WRITES]);
    for (const tool of zendeskConnector.tools) {
      expect(`zendesk__${tool.name}`.length).toBeLessThanOrEqual(45);
      if (READS.includes(tool.name)) {
        expect(tool.scopes).toEqual(['support:read']);
        expect(tool.annotations).toEqual({ readOnlyHint: true, idempotentHint: true, openWorldHint: true });
        expect(tool.cache?.scope).toBe('shared');
        expect(tool.invalidates).toBeUndefined();
      } else {
        expect(tool.scopes).toEqual(['support:write']);
        expect(tool.annotations).toEqual({
          readOnlyHint: false,
          destructiveHint: false,
          idempotentHint: false,
          openWorldHint: true,
        });
        expect(tool.cache).toBeUndefined();
        expect(tool.invalidates).toBeTypeOf('function');
      }
      const limit = tool.input.shape.limit;
      if (limit !== undefined) {
        expect(limit.safeParse(MAX_PAGE).success).toBe(true);
        expect(limit.safeParse(MAX_PAGE + 1).success).toBe(false);
      }
    }
    for (const resource of zendeskConnector.resources) expect(resource.scopes).toEqual(['support:read']);
  });

  it('invalidates the tags the reads are cached under', () => {
    const input = addCommentTool.input.parse({ ticketId: 42, body: 'x', visibility: 'internal' });
    const invalidated =
      addCommentTool.invalidates?.(input, {
        ticket: searchTicketsTool.output.shape.tickets.element.parse(ticketFixture),
      }) ?? [];
    expect(invalidated).toEqual(expect.arrayContaining(['zendesk:tickets', 'zendesk:ticket:42']));
    const searchInput = searchTicketsTool.input.parse({});
    const tags =
      searchTicketsTool.cache?.tags?.(searchInput, {
        tickets: [searchTicketsTool.output.shape.tickets.element.parse(ticketFixture)],
        total: 1,
        truncated: false,
      }) ?? [];
    expect(tags).toEqual(['zendesk:tickets', 'zendesk:ticket:42']);
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  /** First-column names of the README's tables (tools and configuration fields). */
  const rows = new Map(
    [...readme.matchAll(/^\| `([a-zA-Z_]+)` +\|(.*)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']),
  );

  it('documents every tool, resource and configuration field, and nothing that does not exist', () => {
    const tools = zendeskConnector.tools.map((tool) => tool.name);
    const fields = Object.keys(ZendeskConfig.shape);
    for (const name of [...tools, ...fields]) expect(rows.has(name), name).toBe(true);
    expect([...rows.keys()].filter((name) => !tools.includes(name) && !fields.includes(name))).toEqual([]);
    for (const resource of zendeskConnector.resources) {
      expect(readme).toContain(`<namespace>://${resource.uriTemplate}`);
    }
  });

  it('states the page cap, the search window, the scopes, each cache TTL and the config defaults', () => {
    expect(readme).toContain(`at most ${MAX_PAGE}`);
    expect(readme).toContain(`${SEARCH_WINDOW.toLocaleString('en-US')} results`);
    expect(readme).toContain('`support:read`');
    expect(readme).toContain('`support:write`');
    for (const tool of zendeskConnector.tools) {
      const row = rows.get(tool.name) ?? '';
      if (tool.cache) expect(row, tool.name).toContain(`${tool.cache.ttlSeconds} s`);
      else expect(row, tool.name).toContain('not cached');
    }
    const defaults = ZendeskConfig.parse({ subdomain: 'x', email: 'a@b.co', apiToken: 't' });
    expect(rows.get('timeoutMs')).toContain(String(defaults.timeoutMs));
    expect(rows.get('maxRetryWaitMs')).toContain(String(defaults.maxRetryWaitMs));
  });
});
