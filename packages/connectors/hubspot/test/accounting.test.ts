import { callTool, countingHooks, must, testSource } from '@switchboard/kit/testing';
import { demoDataset, findCustomer, HERO, HERO_EMAILS } from '@switchboard/sandbox';
import { describe, expect, it } from 'vitest';
import { getCompanyTool, hubspotConnector } from '../src/index.js';
import { ctx, instance, sandboxHarness } from './helpers.js';

/**
 * One quota token per HubSpot request: every request the client sends goes through the upstream
 * seam once, so tokens taken = requests recorded = requests the sandbox received.
 */

const dataset = demoDataset();
const HELIX = must(findCustomer(dataset, HERO.everywhere).presence.hubspot?.companyId, 'Helix in HubSpot');

const live = sandboxHarness(dataset);

describe('upstream accounting', () => {
  it('get_company takes one token per HubSpot request, and records each', async () => {
    const hooks = countingHooks();
    const detail = await callTool(getCompanyTool, { id: HELIX }, ctx(live(), { hooks }));
    expect(detail.contacts.length).toBeGreaterThan(0);
    expect(detail.deals.length).toBeGreaterThan(0);

    const received = live().sandbox.server.requests;
    // Helix has contacts and deals but no notes: the notes association answers empty, so no notes batch read.
    expect(received).toHaveLength(6);
    expect(hooks.acquired).toHaveLength(received.length);
    expect(hooks.requests).toHaveLength(received.length);
    expect(hooks.requests.every((request) => request.outcome === 'ok')).toBe(true);
    expect([...hooks.acquired].sort()).toEqual([
      'companies.associations.contacts',
      'companies.associations.deals',
      'companies.associations.notes',
      'companies.read',
      'contacts.batchRead',
      'deals.batchRead',
    ]);
  });

  it('the crm capability counts the same way', async () => {
    const hooks = countingHooks();
    const source = testSource(hubspotConnector, live().client, live().config, instance, { hooks });
    const crm = must(source.crm, 'crm capability');
    const matches = await crm.findAccounts(
      { email: HERO_EMAILS.everywhere },
      { signal: AbortSignal.timeout(10_000) },
    );
    expect(matches.map((match) => match.account.source.id)).toEqual([HELIX]);
    expect(hooks.acquired).toEqual(['contacts.search', 'companies.batchRead']);
    expect(hooks.requests).toHaveLength(live().sandbox.server.requests.length);
    expect(hooks.acquired).toHaveLength(live().sandbox.server.requests.length);
  });
});
