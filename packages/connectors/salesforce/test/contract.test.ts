import { readFileSync } from 'node:fs';
import { jsonSchema, undescribed } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE, MAX_QUERY_ROWS, SalesforceConfig, salesforceConnector } from '../src/index.js';

/** The contract agents and operators see: a change to it must be a visible diff. */

const WRITES = new Set(['log_activity', 'update_opportunity_stage']);

describe('tool contract', () => {
  it('matches the snapshot of names, descriptions, schemas, scopes, annotations and cache policies', () => {
    const tools = salesforceConnector.tools.map((tool) => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      scopes: tool.scopes,
      annotations: tool.annotations,
      cache: tool.cache && {
        ttlSeconds: tool.cache.ttlSeconds,
        scope: tool.cache.scope,
        negativeTtlSeconds: tool.cache.negativeTtlSeconds,
      },
      invalidates: tool.invalidates !== undefined,
      timeoutMs: tool.timeoutMs,
      input: jsonSchema(tool.input, 'input'),
      output: jsonSchema(tool.output, 'output'),
    }));
    const resources = salesforceConnector.resources.map((resource) => ({
      name: resource.name,
      uriTemplate: resource.uriTemplate,
      scopes: resource.scopes,
      description: resource.description,
    }));
    expect({ tools, resources }).toMatchSnapshot();
  });

  it('describes every input field and every top-level output field', () => {
    for (const tool of salesforceConnector.tools) {
      expect(undescribed(jsonSchema(tool.input, 'input'), tool.name)).toEqual([]);
      const output = jsonSchema(tool.output, 'output');
      const topLevel = Object.entries(output.properties ?? {}).filter(
        ([, node]) => node.description === undefined,
      );
      expect(topLevel.map(([key]) => `${tool.name}.${key}`)).toEqual([]);
    }
    expect(undescribed(jsonSchema(SalesforceConfig, 'input'), 'config')).toEqual([]);
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

  it('names only sibling tools in {tool:...} references', () => {
    const names = new Set(salesforceConnector.tools.map((tool) => tool.name));
    for (const tool of salesforceConnector.tools) {
      for (const match of tool.description.matchAll(/\{tool:([a-z_]+)\}/g))
        expect(names.has(match[1] ?? ''), match[0]).toBe(true);
    }
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
