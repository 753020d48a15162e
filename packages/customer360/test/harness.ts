import { HubSpotConfig, hubspotConnector } from '@switchboard/connector-hubspot';
import { OdooConfig, odooConnector } from '@switchboard/connector-odoo';
import { SalesforceConfig, salesforceConnector } from '@switchboard/connector-salesforce';
import { SlackConfig, slackConnector } from '@switchboard/connector-slack';
import { ZendeskConfig, zendeskConnector } from '@switchboard/connector-zendesk';
import type { CapabilitySource } from '@switchboard/kit';
import { silentLogger, testInstance } from '@switchboard/kit/testing';
import {
  type EmbeddedOdoo,
  type HubSpotSandbox,
  hubspotSandboxConfig,
  resolveAsOf,
  type SalesforceSandbox,
  type SlackSandbox,
  salesforceSandboxConfig,
  slackSandboxConfig,
  startEmbeddedOdoo,
  startHubSpotSandbox,
  startSalesforceSandbox,
  startSlackSandbox,
  startZendeskSandbox,
  type ZendeskSandbox,
  zendeskSandboxConfig,
} from '@switchboard/sandbox';

export function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`test setup: missing ${what}`);
  return value;
}

/** Every sandbox of the demo profile, each with the real connector connected to it. */
export interface World {
  asOf: Date;
  salesforce: SalesforceSandbox;
  hubspot: HubSpotSandbox;
  zendesk: ZendeskSandbox;
  slack: SlackSandbox;
  odoo: EmbeddedOdoo;
  /** The capability sources, as the gateway hands them to a composite tool through ctx.sources(). */
  sources: CapabilitySource[];
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const asOf = resolveAsOf();
  const logger = silentLogger();
  const [salesforce, hubspot, zendesk, slack, odoo] = await Promise.all([
    startSalesforceSandbox({ asOf }),
    startHubSpotSandbox({ asOf }),
    startZendeskSandbox({ asOf }),
    startSlackSandbox({ asOf, rateLimits: false }),
    startEmbeddedOdoo({ asOf }),
  ]);

  const sfInstance = testInstance('salesforce');
  const sfClient = await salesforceConnector.connect(
    SalesforceConfig.parse(salesforceSandboxConfig(salesforce)),
    { logger, instance: sfInstance },
  );
  const hsInstance = testInstance('hubspot');
  const hsClient = await hubspotConnector.connect(HubSpotConfig.parse(hubspotSandboxConfig(hubspot)), {
    logger,
    instance: hsInstance,
  });
  const zdInstance = testInstance('zendesk');
  // No retry waits: a failing sandbox must fail fast rather than sleep through the deadline.
  const zdClient = await zendeskConnector.connect(
    ZendeskConfig.parse({ ...zendeskSandboxConfig(zendesk), maxRetryWaitMs: 0 }),
    { logger, instance: zdInstance },
  );
  const slInstance = testInstance('slack');
  const slClient = await slackConnector.connect(SlackConfig.parse(slackSandboxConfig(slack)), {
    logger,
    instance: slInstance,
  });
  const odInstance = testInstance('odoo');
  const odClient = await odooConnector.connect(
    OdooConfig.parse({ databaseUrl: odoo.connectionString, poolMax: 1 }),
    { logger, instance: odInstance },
  );

  const sources: CapabilitySource[] = [
    {
      instance: sfInstance,
      title: salesforceConnector.title,
      crm: must(salesforceConnector.capabilities?.crm, 'salesforce crm')(sfClient, sfInstance),
    },
    {
      instance: hsInstance,
      title: hubspotConnector.title,
      crm: must(hubspotConnector.capabilities?.crm, 'hubspot crm')(hsClient, hsInstance),
    },
    {
      instance: odInstance,
      title: odooConnector.title,
      erp: must(odooConnector.capabilities?.erp, 'odoo erp')(odClient, odInstance),
    },
    {
      instance: zdInstance,
      title: zendeskConnector.title,
      support: must(zendeskConnector.capabilities?.support, 'zendesk support')(zdClient, zdInstance),
    },
    {
      instance: slInstance,
      title: slackConnector.title,
      support: must(slackConnector.capabilities?.support, 'slack support')(slClient, slInstance),
    },
  ];

  return {
    asOf,
    salesforce,
    hubspot,
    zendesk,
    slack,
    odoo,
    sources,
    async close() {
      await odooConnector.close?.(odClient);
      await Promise.all([salesforce.close(), hubspot.close(), zendesk.close(), slack.close()]);
      await odoo.close();
    },
  };
}
