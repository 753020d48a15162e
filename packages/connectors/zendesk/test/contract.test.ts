import { readFileSync } from 'node:fs';
import { connectorContract, connectorRulesSuite, readmeRows } from '@switchboard/kit/testing';
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
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

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

  it('lists the reads first, and declares both writes neither idempotent nor destructive', () => {
    expect(zendeskConnector.tools.map((tool) => tool.name)).toEqual([...READS, ...WRITES]);
    for (const tool of zendeskConnector.tools.filter((each) => WRITES.includes(each.name))) {
      expect(tool.annotations).toEqual({
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      });
    }
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

connectorRulesSuite({ describe, it }, zendeskConnector, {
  readme: README,
  maxPage: MAX_PAGE,
  conventions: { writes: WRITES, readScopes: ['support:read'], writeScopes: ['support:write'] },
  readmeStates: [`${SEARCH_WINDOW.toLocaleString('en-US')} results`],
});

describe('README defaults', () => {
  it('states the defaults of the timeouts', () => {
    const rows = readmeRows(README);
    const defaults = ZendeskConfig.parse({ subdomain: 'x', email: 'a@b.co', apiToken: 't' });
    expect(rows.get('timeoutMs')).toContain(String(defaults.timeoutMs));
    expect(rows.get('maxRetryWaitMs')).toContain(String(defaults.maxRetryWaitMs));
  });
});
