import { readFileSync } from 'node:fs';
import { connectorContract, connectorRulesSuite } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE, odooConnector } from '../src/index.js';

/** The contract agents and operators see: a change to it must be a visible diff. */

describe('tool contract', () => {
  it('matches the snapshot of what agents and operators see', () => {
    expect(connectorContract(odooConnector)).toMatchSnapshot();
  });

  it('caches every tool between one and five minutes', () => {
    for (const tool of odooConnector.tools) {
      expect(tool.cache?.ttlSeconds, tool.name).toBeGreaterThanOrEqual(60);
      expect(tool.cache?.ttlSeconds, tool.name).toBeLessThanOrEqual(300);
    }
  });
});

// Read-only throughout: no tool writes to Odoo.
connectorRulesSuite({ describe, it }, odooConnector, {
  readme: readFileSync(new URL('../README.md', import.meta.url), 'utf8'),
  maxPage: MAX_PAGE,
  conventions: { writes: [], readScopes: ['erp:read'], writeScopes: [] },
});
