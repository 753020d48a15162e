import { countingHooks, must, sharedFixture, testSource } from '@switchboard/kit/testing';
import type { RecordedRequest } from '@switchboard/sandbox';
import { demoDataset, findCustomer, HERO } from '@switchboard/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channelHistoryTool, slackConnector } from '../src/index.js';
import { harness, instance } from './helpers.js';

/**
 * Quota tokens taken, requests recorded and requests Slack received are the same count: the gateway's
 * per-instance quota and the audit row's upstream calls are then true to what Slack saw.
 */

/** The Web API methods of the requests the emulator received, in the order received. */
const methodsOf = (requests: readonly RecordedRequest[]) =>
  requests.map((request) => request.path.replace('/api/', ''));

describe('vendor-request accounting', () => {
  const h = sharedFixture(beforeEach, afterEach, () => harness());

  it('channel_history by name: one token and one record per request Slack received', async () => {
    const hooks = countingHooks();
    await h().run(channelHistoryTool, { channel: '#support-escalations', limit: 5 }, { hooks });
    const received = methodsOf(h().sandbox.server.requests);
    // Resolving the name lists the channels, then the history is read.
    expect(received).toEqual(['conversations.list', 'conversations.history']);
    expect(hooks.acquired).toEqual(received);
    expect(hooks.requests).toEqual(received.map((name) => ({ name, outcome: 'ok' })));

    // The channel directory is cached: the same call again costs Slack one request, and one token.
    h().sandbox.server.clearLog();
    const again = countingHooks();
    await h().run(channelHistoryTool, { channel: '#support-escalations', limit: 5 }, { hooks: again });
    expect(methodsOf(h().sandbox.server.requests)).toEqual(['conversations.history']);
    expect(again.acquired).toEqual(['conversations.history']);
    expect(again.requests).toHaveLength(1);
  });

  it('the support capability: as many tokens and records as requests, however many it makes', async () => {
    const helix = findCustomer(demoDataset(), HERO.everywhere);
    const hooks = countingHooks();
    const support = must(
      testSource(slackConnector, h().client, h().config, instance, { hooks }).support,
      'support capability',
    );
    const { conversations } = await support.recentConversations(
      { domain: helix.domain, name: helix.name },
      { signal: AbortSignal.timeout(10_000), limit: 20 },
    );
    expect(conversations.length).toBeGreaterThan(0);
    const received = methodsOf(h().sandbox.server.requests);
    expect(received.length).toBeGreaterThan(3);
    // Author lookups run in parallel: compare as multisets.
    expect([...hooks.acquired].sort()).toEqual([...received].sort());
    expect(hooks.requests.map((request) => request.name).sort()).toEqual([...received].sort());
    expect(hooks.requests.every((request) => request.outcome === 'ok')).toBe(true);
  });
});
