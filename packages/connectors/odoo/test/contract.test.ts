import { readFileSync } from 'node:fs';
import { connectorContract, contractProblems } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE, OdooConfig, odooConnector } from '../src/index.js';

/** The contract agents and operators see: a change to it must be a visible diff. */

describe('tool contract', () => {
  it('matches the snapshot of what agents and operators see', () => {
    expect(connectorContract(odooConnector)).toMatchSnapshot();
  });

  it('keeps the contract rules every connector keeps', () => {
    expect(contractProblems(odooConnector)).toEqual([]);
  });

  it('is read-only, cacheable and scoped erp:read throughout, with short exposed names', () => {
    for (const tool of odooConnector.tools) {
      expect(tool.scopes).toEqual(['erp:read']);
      expect(tool.annotations).toEqual({ readOnlyHint: true, idempotentHint: true, openWorldHint: true });
      expect(tool.cache?.scope).toBe('shared');
      expect(tool.cache?.ttlSeconds).toBeGreaterThanOrEqual(60);
      expect(tool.cache?.ttlSeconds).toBeLessThanOrEqual(300);
      expect(`odoo__${tool.name}`.length).toBeLessThanOrEqual(45);
      const limit = tool.input.shape.limit;
      if (limit !== undefined) {
        expect(limit.safeParse(MAX_PAGE).success).toBe(true);
        expect(limit.safeParse(MAX_PAGE + 1).success).toBe(false);
      }
    }
    for (const resource of odooConnector.resources) expect(resource.scopes).toEqual(['erp:read']);
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  /** First-column names of the README's tables (tools and configuration fields). */
  const rows = new Map(
    [...readme.matchAll(/^\| `([a-zA-Z_]+)` +\|(.*)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']),
  );

  it('documents every tool, resource and configuration field, and nothing that does not exist', () => {
    const tools = odooConnector.tools.map((tool) => tool.name);
    const fields = Object.keys(OdooConfig.shape);
    for (const name of [...tools, ...fields]) expect(rows.has(name), name).toBe(true);
    expect([...rows.keys()].filter((name) => !tools.includes(name) && !fields.includes(name))).toEqual([]);
    for (const resource of odooConnector.resources)
      expect(readme).toContain(`<namespace>://${resource.uriTemplate}`);
  });

  it('states the page cap, the scope and each cache TTL the code uses', () => {
    expect(readme).toContain(`at most ${MAX_PAGE}`);
    expect(readme).toContain('`erp:read`');
    for (const tool of odooConnector.tools) {
      expect(rows.get(tool.name), tool.name).toContain(`${tool.cache?.ttlSeconds} s`);
    }
  });
});
