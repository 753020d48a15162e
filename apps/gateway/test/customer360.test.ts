import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type DemoWorld, startDemoWorld } from '@switchboard/demo';
import { HERO_EMAILS } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../src/connectors.js';
import { configFor, type RunningGateway, startGateway } from './harness.js';

describe('customer360 through the gateway, every system behind it', () => {
  let world: DemoWorld;
  let gateway: RunningGateway;
  let client: Client;

  beforeAll(async () => {
    world = await startDemoWorld();
    gateway = await startGateway(configFor({ connectors: world.connectors }, CATALOGUE));
    client = await gateway.client();
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await world?.close();
  });

  const vendorRequests = () =>
    world.salesforce.server.requests.length +
    world.hubspot.server.requests.length +
    world.zendesk.server.requests.length +
    world.slack.server.requests.length;

  it('lists the composite tool with every read scope it draws on, and its prompt', async () => {
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === 'customer360__get_customer')).toBeDefined();
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toContain('customer360__account_briefing');
    const entry = gateway.runtime.registry.tools.get('customer360__get_customer');
    expect(entry?.scopes).toEqual(['customer360:read', 'crm:read', 'erp:read', 'support:read']);
  });

  it('sends a progress notification as each source answers when the client asks for progress', async () => {
    const updates: Array<{ progress: number; total?: number; message?: string }> = [];
    const result = await client.callTool(
      { name: 'customer360__get_customer', arguments: { email: HERO_EMAILS.healthy } },
      undefined,
      { onprogress: (update) => updates.push(update) },
    );
    expect(result.isError).toBeFalsy();
    expect(updates.map((update) => update.progress)).toEqual([1, 2, 3, 4, 5]);
    expect(
      updates.every((update) => update.total === 5 && /\): (ok|no_match)$/.test(update.message ?? '')),
    ).toBe(true);
  });

  it('builds a complete profile with every source ok, and a repeat within TTL touches no upstream', async () => {
    const first = await client.callTool({
      name: 'customer360__get_customer',
      arguments: { email: HERO_EMAILS.everywhere },
    });
    expect(first.isError, JSON.stringify(first.content)).toBeFalsy();
    const profile = first.structuredContent;
    expect(JSON.stringify(profile)).toContain('Helix');
    const statuses =
      JSON.stringify(profile).match(/"status":"(ok|timeout|error|not_configured|no_match)"/g) ?? [];
    expect(statuses.length).toBeGreaterThanOrEqual(5);
    expect(statuses.every((s) => s === '"status":"ok"')).toBe(true);

    const misses = async () => {
      const text = await (await fetch(`${gateway.origin}/metrics`)).text();
      return [
        ...text.matchAll(/switchboard_cache_requests_total\{[^}]*status="(?:miss|bypass)"\} (\d+)/g),
      ].reduce((sum, match) => sum + Number(match[1]), 0);
    };
    const missesBefore = await misses();
    const before = vendorRequests();
    const repeat = await client.callTool({
      name: 'customer360__get_customer',
      arguments: { email: HERO_EMAILS.everywhere },
    });
    expect(repeat.isError).toBeFalsy();
    expect(vendorRequests()).toBe(before);
    expect(await misses()).toBe(missesBefore);
    const hits = await (await fetch(`${gateway.origin}/metrics`)).text();
    // Every system, Odoo (PostgreSQL, no HTTP log) included, answered the repeat from the cache.
    for (const source of ['salesforce:crm', 'hubspot:crm', 'odoo:erp', 'zendesk:support', 'slack:support']) {
      const hit = new RegExp(
        `switchboard_cache_requests_total\\{tool="${source}\\.[a-zA-Z]+",status="hit"\\} [1-9]`,
      );
      expect(hits, source).toMatch(hit);
    }
  });

  it('renders the briefing prompt around the tool', async () => {
    const prompt = await client.getPrompt({
      name: 'customer360__account_briefing',
      arguments: { customer: HERO_EMAILS.everywhere },
    });
    expect(JSON.stringify(prompt.messages)).toContain('customer360__get_customer');
  });
});
