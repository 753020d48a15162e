import { readFileSync } from 'node:fs';
import { connectorContract, contractProblems } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE, SlackConfig, slackConnector } from '../src/index.js';

/** The contract agents and operators see: a change to it must be a visible diff. */

const READ_ONLY = { readOnlyHint: true, idempotentHint: true, openWorldHint: true };

describe('tool contract', () => {
  it('matches the snapshot of names, descriptions, schemas, scopes, annotations and cache policies', () => {
    expect(connectorContract(slackConnector)).toMatchSnapshot();
  });

  it('keeps the contract rules every connector keeps', () => {
    expect(contractProblems(slackConnector)).toEqual([]);
  });

  it('reads are read-only, cached and scoped support:read; the one write is truthful and scoped support:write', () => {
    for (const tool of slackConnector.tools) {
      const limit = tool.input.shape.limit;
      if (limit !== undefined) {
        expect(limit.safeParse(MAX_PAGE).success).toBe(true);
        expect(limit.safeParse(MAX_PAGE + 1).success).toBe(false);
      }
      if (tool.name === 'post_message') {
        expect(tool.scopes).toEqual(['support:write']);
        expect(tool.annotations).toEqual({
          readOnlyHint: false,
          destructiveHint: false,
          idempotentHint: false,
          openWorldHint: true,
        });
        expect(tool.cache).toBeUndefined();
        expect(
          tool.invalidates?.(
            { channel: 'support-escalations', text: 'x', threadTs: '1.000001' },
            { channel: 'C0ABCDEFGH1', ts: '2.000001', at: '' },
          ),
        ).toEqual(['slack:channel:C0ABCDEFGH1', 'slack:search', 'slack:thread:C0ABCDEFGH1:1.000001']);
      } else {
        expect(tool.scopes).toEqual(['support:read']);
        expect(tool.annotations).toEqual(READ_ONLY);
        expect(tool.cache?.scope).toBe('shared');
        expect(tool.invalidates).toBeUndefined();
      }
    }
    for (const resource of slackConnector.resources) expect(resource.scopes).toEqual(['support:read']);
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  /** First-column names of the README's tables (tools and configuration fields). */
  const rows = new Map(
    [...readme.matchAll(/^\| `([a-zA-Z_]+)` +\|(.*)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']),
  );

  it('documents every tool, resource and configuration field, and nothing that does not exist', () => {
    const tools = slackConnector.tools.map((tool) => tool.name);
    const fields = Object.keys(SlackConfig.shape);
    for (const name of [...tools, ...fields]) expect(rows.has(name), name).toBe(true);
    expect([...rows.keys()].filter((name) => !tools.includes(name) && !fields.includes(name))).toEqual([]);
    for (const resource of slackConnector.resources)
      expect(readme).toContain(`<namespace>://${resource.uriTemplate}`);
  });

  it('states the page cap, the scopes and each cache TTL the code uses', () => {
    expect(readme).toContain(`at most ${MAX_PAGE}`);
    expect(readme).toContain('`support:read`');
    expect(readme).toContain('`support:write`');
    for (const tool of slackConnector.tools) {
      const row = rows.get(tool.name) ?? '';
      expect(row, tool.name).toContain(
        tool.cache === undefined ? 'not cached' : `${tool.cache.ttlSeconds} s`,
      );
    }
  });
});
