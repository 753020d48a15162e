import { callTool, closeAfterEach, countingHooks, must, testSource } from '@switchboard/kit/testing';
import { demoDataset, findCustomer, HERO, HERO_EMAILS } from '@switchboard/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { getAccountTool, salesforceConnector } from '../src/index.js';
import { instance, startHarness } from './harness.js';

/** One quota token per request Salesforce receives: what the gateway charges is what the org counts. */

const dataset = demoDataset();
const helix = must(findCustomer(dataset, HERO.everywhere).presence.salesforce?.accountId, 'helix');
const API = '/services/data/';

const track = closeAfterEach(afterEach);

describe('request accounting', () => {
  it('get_account takes one token per request Salesforce receives', async () => {
    const h = track(await startHarness());
    h.sandbox.server.clearLog();
    const hooks = countingHooks();
    await callTool(getAccountTool, { id: helix }, h.ctx({ hooks }));
    const received = h.sandbox.server.requestsTo(API);
    // The account, then its contacts, open opportunities and recent tasks.
    expect(received).toHaveLength(4);
    expect(hooks.acquired).toHaveLength(received.length);
    expect(hooks.requests).toHaveLength(received.length);
    expect(hooks.requests.every((r) => r.name === 'query' && r.outcome === 'ok')).toBe(true);
  });

  it('counts each further page of a query as a request of its own', async () => {
    const h = track(await startHarness({}, { queryBatchSize: 2 }));
    const contacts = dataset.salesforce.contacts.filter((c) => c.accountId === helix).length;
    expect(contacts).toBeGreaterThan(2);
    h.sandbox.server.clearLog();
    const hooks = countingHooks();
    const detail = await callTool(getAccountTool, { id: helix }, h.ctx({ hooks }));
    expect(detail.contacts).toHaveLength(contacts);
    const received = h.sandbox.server.requestsTo(API);
    expect(received.length).toBeGreaterThan(4);
    expect(received.filter((r) => r.path.startsWith(`${API}v62.0/query/`)).length).toBeGreaterThan(0);
    expect(hooks.acquired).toHaveLength(received.length);
    expect(hooks.requests).toHaveLength(received.length);
    expect(hooks.requests.filter((r) => r.name === 'query.more')).toHaveLength(received.length - 4);
  });

  it('counts capability calls the same way', async () => {
    const h = track(await startHarness());
    h.sandbox.server.clearLog();
    const hooks = countingHooks();
    const source = testSource(salesforceConnector, h.client, h.config, instance, { hooks });
    const crm = must(source.crm, 'crm capability');
    const matches = await crm.findAccounts(
      { email: HERO_EMAILS.everywhere },
      { signal: AbortSignal.timeout(10_000) },
    );
    expect(matches.map((match) => match.account.source.id)).toEqual([helix]);
    const received = h.sandbox.server.requestsTo(API);
    expect(received.length).toBeGreaterThan(0);
    expect(hooks.acquired).toHaveLength(received.length);
    expect(hooks.requests).toHaveLength(received.length);
  });
});
