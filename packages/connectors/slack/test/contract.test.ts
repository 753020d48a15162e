import { readFileSync } from 'node:fs';
import { connectorContract, connectorRulesSuite } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import { MAX_PAGE, slackConnector } from '../src/index.js';

/** The contract agents and operators see: a change to it must be a visible diff. */

describe('tool contract', () => {
  it('matches the snapshot of names, descriptions, schemas, scopes, annotations and cache policies', () => {
    expect(connectorContract(slackConnector)).toMatchSnapshot();
  });

  it('declares the one write truthfully: not idempotent, not destructive, invalidating what it changes', () => {
    const postMessage = slackConnector.tools.find((tool) => tool.name === 'post_message');
    expect(postMessage?.annotations).toEqual({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: true,
    });
    expect(
      postMessage?.invalidates?.(
        { channel: 'support-escalations', text: 'x', threadTs: '1.000001' },
        { channel: 'C0ABCDEFGH1', ts: '2.000001', at: '' },
      ),
    ).toEqual(['slack:channel:C0ABCDEFGH1', 'slack:search', 'slack:thread:C0ABCDEFGH1:1.000001']);
  });
});

connectorRulesSuite({ describe, it }, slackConnector, {
  readme: readFileSync(new URL('../README.md', import.meta.url), 'utf8'),
  maxPage: MAX_PAGE,
  conventions: { writes: ['post_message'], readScopes: ['support:read'], writeScopes: ['support:write'] },
});
