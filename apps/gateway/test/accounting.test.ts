import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type DemoWorld, startDemoWorld } from '@switchboard/demo';
import { demoDataset, findCustomer, HERO, HERO_EMAILS } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../src/connectors.js';
import { configFor, delta, type RunningGateway, scrape, startGateway } from './harness.js';

const dataset = demoDataset();
const helix = findCustomer(dataset, HERO.everywhere);

/**
 * Upstream accounting is per vendor request: a tool that makes seven HubSpot requests takes seven
 * quota tokens and its audit row says seven, and the emulator received seven.
 */
describe('one quota token, one metric and one audit count per vendor request', () => {
  let world: DemoWorld;
  let gateway: RunningGateway;
  let client: Client;

  beforeAll(async () => {
    world = await startDemoWorld({ slack: { rateLimits: false } });
    // A quota on every instance (none by default for Salesforce), large enough never to refuse.
    const quota = { limit: 100_000, intervalMs: 3_600_000 };
    gateway = await startGateway(
      configFor(
        {
          database: { dataDir: 'memory' },
          audit: { enabled: true, flushIntervalMs: 20 },
          cache: { enabled: false },
          rateLimit: { max: 10_000 },
          connectors: world.connectors.map((instance) =>
            instance.package === 'customer360' ? instance : { ...instance, quota },
          ),
        },
        CATALOGUE,
      ),
    );
    client = await gateway.client();
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await world?.close();
  });

  const measure = async (
    tool: string,
    args: Record<string, unknown>,
    systems: Array<'salesforce' | 'hubspot' | 'zendesk' | 'slack'>,
  ) => {
    const before = await scrape(gateway);
    const sent = systems.map((system) => world[system].server.requests.length);
    const result = await client.callTool({ name: tool, arguments: args });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const after = await scrape(gateway);
    await gateway.runtime.audit?.flush(5_000);
    const [row] = (await gateway.runtime.store?.audit.query({ tool, limit: 1 })) ?? [];
    const perSystem = systems.map((system, index) => ({
      system,
      vendorRequests: world[system].server.requests.length - (sent[index] ?? 0),
      tokens: delta(before, after, 'switchboard_upstream_quota_tokens_total', { instance: system }),
      metered: delta(before, after, 'switchboard_upstream_calls_total', { instance: system, outcome: 'ok' }),
    }));
    return { row, perSystem };
  };

  const ticket = dataset.zendesk.tickets.find((t) => t.customerKey === helix.key);
  // The requests each tool makes for Helix in the demo dataset: HubSpot reads the company, its three
  // association lists and the contacts and deals (Helix has no notes); Salesforce the account, then its
  // contacts, opportunities and open cases in parallel; Zendesk the ticket and its comments.
  it.each([
    {
      system: 'hubspot',
      tool: 'hubspot__get_company',
      args: { id: helix.presence.hubspot?.companyId },
      requests: 6,
    },
    {
      system: 'salesforce',
      tool: 'salesforce__get_account',
      args: { id: helix.presence.salesforce?.accountId },
      requests: 4,
    },
    { system: 'zendesk', tool: 'zendesk__get_ticket', args: { id: ticket?.id }, requests: 2 },
  ] as const)(
    '$tool: $requests vendor requests = quota tokens = metered requests = audited upstream calls',
    async ({ system, tool, args, requests }) => {
      expect(Object.values(args)).not.toContain(undefined);
      const { row, perSystem } = await measure(tool, args, [system]);
      expect(perSystem).toEqual([{ system, vendorRequests: requests, tokens: requests, metered: requests }]);
      expect(row?.upstreamCalls).toBe(requests);
    },
  );

  it('customer360__get_customer counts every source’s requests in its one audit row', async () => {
    const systems = ['salesforce', 'hubspot', 'zendesk', 'slack'] as const;
    const before = await scrape(gateway);
    const { row, perSystem } = await measure('customer360__get_customer', { email: HERO_EMAILS.everywhere }, [
      ...systems,
    ]);
    const after = await scrape(gateway);
    for (const system of perSystem) {
      expect(system.tokens, system.system).toBe(system.vendorRequests);
      expect(system.metered, system.system).toBe(system.vendorRequests);
    }
    // Odoo is read over SQL: its statements are counted by the same seam, with no HTTP log to compare.
    const odoo = delta(before, after, 'switchboard_upstream_calls_total', {
      instance: 'odoo',
      outcome: 'ok',
    });
    expect(odoo).toBeGreaterThan(0);
    const http = perSystem.reduce((sum, system) => sum + system.vendorRequests, 0);
    expect(row?.upstreamCalls).toBe(http + odoo);
  });
});
