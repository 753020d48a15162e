import { readFileSync } from 'node:fs';
import { jsonSchema, undescribed } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE, SlackConfig, slackConnector } from '../src/index.js';

/** The contract agents and operators see: a change to it must be a visible diff. */

const READ_ONLY = { readOnlyHint: true, idempotentHint: true, openWorldHint: true };

describe('tool contract', () => {
  it('matches the snapshot of names, descriptions, schemas, scopes, annotations and cache policies', () => {
    const tools = slackConnector.tools.map((tool) => ({
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
    const resources = slackConnector.resources.map((resource) => ({
      name: resource.name,
      uriTemplate: resource.uriTemplate,
      scopes: resource.scopes,
      description: resource.description,
    }));
    expect({ tools, resources }).toMatchSnapshot();
  });

  it('describes every input field, every output field and every configuration field', () => {
    for (const tool of slackConnector.tools) {
      expect(undescribed(jsonSchema(tool.input, 'input'), tool.name)).toEqual([]);
      expect(undescribed(jsonSchema(tool.output, 'output'), tool.name)).toEqual([]);
    }
    expect(undescribed(jsonSchema(SlackConfig, 'input'), 'config')).toEqual([]);
  });

  it('names only sibling tools in descriptions', () => {
    const names = new Set(slackConnector.tools.map((tool) => tool.name));
    for (const tool of slackConnector.tools) {
      const text = [
        tool.description,
        JSON.stringify(jsonSchema(tool.input, 'input')),
        JSON.stringify(jsonSchema(tool.output, 'output')),
      ].join(' ');
      for (const [, ref] of text.matchAll(/\{tool:([a-z_]+)\}/g)) {
        expect(names.has(ref ?? ''), `${tool.name} -> ${ref}`).toBe(true);
      }
    }
  });

  it('reads are read-only, cached and scoped support:read; the one write is truthful and scoped support:write', () => {
    for (const tool of slackConnector.tools) {
      expect(`slack__${tool.name}`.length).toBeLessThanOrEqual(45);
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
