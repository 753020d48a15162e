import { readFileSync } from 'node:fs';
import { connectorContract, contractProblems } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE, MAX_QUERY_ROWS, SalesforceConfig, salesforceConnector } from '../src/index.js';

/** The contract agents and operators see: a change to it must be a visible diff. */

const WRITES = new Set(['log_activity', 'update_opportunity_stage']);

describe('tool contract', () => {
  it('matches the snapshot of the listings, scopes and cache policies', () => {
    expect(connectorContract(salesforceConnector)).toMatchSnapshot();
  });

  it('keeps the contract rules of every connector', () => {
    expect(contractProblems(salesforceConnector)).toEqual([]);
  });

  it('annotates reads and writes truthfully, scopes them, and keeps exposed names short', () => {
    for (const tool of salesforceConnector.tools) {
      expect(`salesforce__${tool.name}`.length).toBeLessThanOrEqual(45);
      if (WRITES.has(tool.name)) {
        expect(tool.scopes).toEqual(['crm:write']);
        expect(tool.annotations.readOnlyHint).toBe(false);
        expect(typeof tool.annotations.destructiveHint).toBe('boolean');
        expect(typeof tool.annotations.idempotentHint).toBe('boolean');
        expect(tool.invalidates).toBeDefined();
        expect(tool.cache).toBeUndefined();
      } else {
        expect(tool.scopes).toEqual(tool.name === 'query' ? ['salesforce:query'] : ['crm:read']);
        expect(tool.annotations).toEqual({ readOnlyHint: true, idempotentHint: true, openWorldHint: true });
        expect(tool.cache?.scope).toBe('shared');
      }
      const limit = tool.input.shape.limit;
      if (limit !== undefined) {
        expect(limit.safeParse(MAX_PAGE).success).toBe(true);
        expect(limit.safeParse(MAX_PAGE + 1).success).toBe(false);
      }
    }
    for (const resource of salesforceConnector.resources) expect(resource.scopes).toEqual(['crm:read']);
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const rows = new Map(
    [...readme.matchAll(/^\| `([a-zA-Z_]+)` +\|(.*)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']),
  );

  it('documents every tool, resource and configuration field, and nothing that does not exist', () => {
    const tools = salesforceConnector.tools.map((tool) => tool.name);
    const fields = Object.keys(SalesforceConfig.shape);
    for (const name of [...tools, ...fields]) expect(rows.has(name), name).toBe(true);
    expect([...rows.keys()].filter((name) => !tools.includes(name) && !fields.includes(name))).toEqual([]);
    for (const resource of salesforceConnector.resources) {
      expect(readme).toContain(`<namespace>://${resource.uriTemplate}`);
    }
  });

  it('states the caps, the scopes and each cache TTL the code uses', () => {
    expect(readme).toContain(`at most ${MAX_PAGE}`);
    expect(readme).toContain(`LIMIT ${MAX_QUERY_ROWS}`);
    for (const tool of salesforceConnector.tools) {
      const row = rows.get(tool.name) ?? '';
      for (const scope of tool.scopes) expect(row, tool.name).toContain(`\`${scope}\``);
      if (tool.cache) expect(row, tool.name).toContain(`${tool.cache.ttlSeconds} s`);
      else expect(row, tool.name).toContain('invalidates');
    }
  });
});
