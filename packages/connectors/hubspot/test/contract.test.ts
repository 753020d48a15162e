import { readFileSync } from 'node:fs';
import { isSecretSchema } from '@switchboard/kit';
import { connectorContract, connectorRulesSuite } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import { HubSpotConfig, hubspotConnector, MAX_PAGE } from '../src/index.js';

/** The contract agents and operators see: a change to it must be a visible diff. */

describe('tool contract', () => {
  it('matches the snapshot of the listings agents see and the policies operators rely on', () => {
    expect(connectorContract(hubspotConnector)).toMatchSnapshot();
  });

  it('keeps the access token secret, and says which write is idempotent and which destructive', () => {
    expect(isSecretSchema(HubSpotConfig.shape.accessToken)).toBe(true);
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

connectorRulesSuite({ describe, it }, hubspotConnector, {
  readme: readFileSync(new URL('../README.md', import.meta.url), 'utf8'),
  maxPage: MAX_PAGE,
  conventions: {
    writes: ['create_note', 'update_deal_stage'],
    readScopes: ['crm:read'],
    writeScopes: ['crm:write'],
  },
});
