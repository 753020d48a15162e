import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type DemoWorld, startDemoWorld } from '@switchboard/demo';
import { demoDataset, findCustomer, HERO, HERO_EMAILS } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../src/connectors.js';
import { configFor, type RunningGateway, startGateway } from './harness.js';

/** The value of one sample in Prometheus text format, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const wanted = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`));
    if (wanted) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

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

  const scrape = async () => (await fetch(`${gateway.origin}/metrics`)).text();

  const measure = async (
    tool: string,
    args: Record<string, unknown>,
    systems: Array<'salesforce' | 'hubspot' | 'zendesk' | 'slack'>,
  ) => {
    const before = await scrape();
    const sent = systems.map((system) => world[system].server.requests.length);
    const result = await client.callTool({ name: tool, arguments: args });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const after = await scrape();
    await gateway.runtime.audit?.flush(5_000);
    const [row] = (await gateway.runtime.store?.audit.query({ tool, limit: 1 })) ?? [];
    const perSystem = systems.map((system, index) => {
      const delta = (name: string, labels: Record<string, string>) =>
        sample(after, name, labels) - sample(before, name, labels);
      return {
        system,
        vendorRequests: world[system].server.requests.length - (sent[index] ?? 0),
        tokens: delta('switchboard_upstream_quota_tokens_total', { instance: system }),
        metered: delta('switchboard_upstream_calls_total', { instance: system, outcome: 'ok' }),
      };
    });
    return { row, perSystem };
  };

  it('hubspot__get_company', async () => {
    const id = helix.presence.hubspot?.companyId;
    expect(id).toBeDefined();
    const { row, perSystem } = await measure('hubspot__get_company', { id }, ['hubspot']);
    const [hubspot] = perSystem;
    expect(hubspot?.vendorRequests).toBeGreaterThanOrEqual(3);
    expect(hubspot?.tokens).toBe(hubspot?.vendorRequests);
    expect(hubspot?.metered).toBe(hubspot?.vendorRequests);
    expect(row?.upstreamCalls).toBe(hubspot?.vendorRequests);
  });

  it('salesforce__get_account', async () => {
    const id = helix.presence.salesforce?.accountId;
    expect(id).toBeDefined();
    const { row, perSystem } = await measure('salesforce__get_account', { id }, ['salesforce']);
    const [salesforce] = perSystem;
    expect(salesforce?.vendorRequests).toBeGreaterThanOrEqual(2);
    expect(salesforce?.tokens).toBe(salesforce?.vendorRequests);
    expect(salesforce?.metered).toBe(salesforce?.vendorRequests);
    expect(row?.upstreamCalls).toBe(salesforce?.vendorRequests);
  });

  it('zendesk__get_ticket', async () => {
    const ticket = dataset.zendesk.tickets.find((t) => t.customerKey === helix.key);
    expect(ticket).toBeDefined();
    const { row, perSystem } = await measure('zendesk__get_ticket', { id: ticket?.id }, ['zendesk']);
    const [zendesk] = perSystem;
    expect(zendesk?.vendorRequests).toBeGreaterThanOrEqual(2);
    expect(zendesk?.tokens).toBe(zendesk?.vendorRequests);
    expect(zendesk?.metered).toBe(zendesk?.vendorRequests);
    expect(row?.upstreamCalls).toBe(zendesk?.vendorRequests);
  });

  it('customer360__get_customer counts every source’s requests in its one audit row', async () => {
    const systems = ['salesforce', 'hubspot', 'zendesk', 'slack'] as const;
    const before = await scrape();
    const { row, perSystem } = await measure('customer360__get_customer', { email: HERO_EMAILS.everywhere }, [
      ...systems,
    ]);
    const after = await scrape();
    for (const system of perSystem) {
      expect(system.tokens, system.system).toBe(system.vendorRequests);
      expect(system.metered, system.system).toBe(system.vendorRequests);
    }
    // Odoo is read over SQL: its statements are counted by the same seam, with no HTTP log to compare.
    const odoo =
      sample(after, 'switchboard_upstream_calls_total', { instance: 'odoo', outcome: 'ok' }) -
      sample(before, 'switchboard_upstream_calls_total', { instance: 'odoo', outcome: 'ok' });
    expect(odoo).toBeGreaterThan(0);
    const http = perSystem.reduce((sum, system) => sum + system.vendorRequests, 0);
    expect(row?.upstreamCalls).toBe(http + odoo);
  });
});
