import { readFileSync } from 'node:fs';
import { connectorContract, connectorRulesSuite } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE, MAX_QUERY_ROWS, salesforceConnector } from '../src/index.js';

/** The contract agents and operators see: a change to it must be a visible diff. */

describe('tool contract', () => {
  it('matches the snapshot of the listings, scopes and cache policies', () => {
    expect(connectorContract(salesforceConnector)).toMatchSnapshot();
  });
});

connectorRulesSuite({ describe, it }, salesforceConnector, {
  readme: readFileSync(new URL('../README.md', import.meta.url), 'utf8'),
  maxPage: MAX_PAGE,
  conventions: {
    writes: ['log_activity', 'update_opportunity_stage'],
    readScopes: ['crm:read'],
    writeScopes: ['crm:write'],
    // Raw SOQL reaches every object the integration user can read: it has a scope of its own.
    scopesOf: { query: ['salesforce:query'] },
  },
  // A write's row says what it invalidates where a read's gives its TTL; each row names its scopes.
  readmePolicy: { uncached: 'invalidates', scopesInRows: true },
  readmeStates: [`LIMIT ${MAX_QUERY_ROWS}`],
});
