import { readFileSync } from 'node:fs';
import { isSecretSchema } from '@switchboard/kit';
import { connectorContract, contractProblems } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import { HubSpotConfig, hubspotConnector, MAX_PAGE } from '../src/index.js';

/** The contract agents and operators see: a change to it must be a visible diff. */

const READS = ['search_contacts', 'get_contact', 'search_companies', 'get_company', 'list_deals'];

describe('tool contract', () => {
  it('matches the snapshot of the listings agents see and the policies operators rely on', () => {
    expect(connectorContract(hubspotConnector)).toMatchSnapshot();
  });

  it('keeps the contract rules: descriptions everywhere, name lengths, write annotations', () => {
    expect(contractProblems(hubspotConnector)).toEqual([]);
    expect(isSecretSchema(HubSpotConfig.shape.accessToken)).toBe(true);
  });

  it('scopes reads crm:read with read-only annotations and a cache, writes crm:write with invalidations', () => {
    for (const tool of hubspotConnector.tools) {
      if (READS.includes(tool.name)) {
        expect(tool.scopes).toEqual(['crm:read']);
        expect(tool.annotations).toEqual({ readOnlyHint: true, idempotentHint: true, openWorldHint: true });
        expect(tool.cache?.scope).toBe('shared');
        expect(tool.invalidates).toBeUndefined();
      } else {
        expect(tool.scopes).toEqual(['crm:write']);
        expect(tool.annotations.readOnlyHint).toBe(false);
        expect(tool.cache).toBeUndefined();
        expect(tool.invalidates).toBeDefined();
      }
      const limit = tool.input.shape.limit;
      if (limit !== undefined) {
        expect(limit.safeParse(MAX_PAGE).success).toBe(true);
        expect(limit.safeParse(MAX_PAGE + 1).success).toBe(false);
      }
    }
    const byName = new Map(hubspotConnector.tools.map((tool) => [tool.name, tool]));
    expect(byName.get('create_note')?.annotations).toMatchObject({
      idempotentHint: false,
      destructiveHint: false,
    });
    expect(byName.get('update_deal_stage')?.annotations).toMatchObject({
      idempotentHint: true,
      destructiveHint: true,
    });
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const rows = new Map(
    [...readme.matchAll(/^\| `([a-zA-Z_]+)` +\|(.*)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']),
  );

  it('documents every tool, resource and configuration field, and nothing that does not exist', () => {
    const tools = hubspotConnector.tools.map((tool) => tool.name);
    const fields = Object.keys(HubSpotConfig.shape);
    for (const name of [...tools, ...fields]) expect(rows.has(name), name).toBe(true);
    expect([...rows.keys()].filter((name) => !tools.includes(name) && !fields.includes(name))).toEqual([]);
    for (const resource of hubspotConnector.resources) {
      expect(readme).toContain(`<namespace>://${resource.uriTemplate}`);
    }
  });

  it('states the page cap, the scopes and each cache TTL the code uses', () => {
    expect(readme).toContain(`at most ${MAX_PAGE}`);
    expect(readme).toContain('`crm:read`');
    expect(readme).toContain('`crm:write`');
    for (const tool of hubspotConnector.tools) {
      const row = rows.get(tool.name) ?? '';
      expect(row, tool.name).toContain(tool.cache ? `${tool.cache.ttlSeconds} s` : 'not cached');
    }
  });
});
