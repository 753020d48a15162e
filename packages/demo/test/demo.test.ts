import { HubSpotConfig } from '@switchboard/connector-hubspot';
import { OdooConfig } from '@switchboard/connector-odoo';
import { SalesforceConfig } from '@switchboard/connector-salesforce';
import { SlackConfig } from '@switchboard/connector-slack';
import { ZendeskConfig } from '@switchboard/connector-zendesk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { type DemoWorld, startDemoWorld } from '../src/index.js';

const SCHEMAS: Record<string, z.ZodType> = {
  salesforce: SalesforceConfig,
  hubspot: HubSpotConfig,
  odoo: OdooConfig,
  zendesk: ZendeskConfig,
  slack: SlackConfig,
};

describe('the demo world', () => {
  let world: DemoWorld;
  beforeAll(async () => {
    world = await startDemoWorld();
  }, 120_000);
  afterAll(async () => world?.close());

  it('mounts every system and customer 360, each configured by its connector’s own schema', () => {
    expect(world.connectors.map((instance) => instance.package)).toEqual([
      'salesforce',
      'hubspot',
      'odoo',
      'zendesk',
      'slack',
      'customer360',
    ]);
    for (const instance of world.connectors) {
      const schema = SCHEMAS[instance.package];
      if (schema === undefined) continue;
      const parsed = schema.safeParse(instance.config);
      expect(parsed.success, `${instance.package}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('points every instance at a running emulator', async () => {
    const zendesk = world.connectors.find((instance) => instance.package === 'zendesk');
    expect(zendesk?.config.baseUrl).toBe(world.zendesk.url);
    const answer = await fetch(`${world.zendesk.url}/api/v2/users/me.json`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${world.zendesk.email}/token:${world.zendesk.apiToken}`).toString('base64')}`,
      },
    });
    expect(answer.status).toBe(200);
  });
});
