import { HubSpotConfig, hubspotConnector } from '@switchboard/connector-hubspot';
import { OdooConfig, odooConnector } from '@switchboard/connector-odoo';
import { SalesforceConfig, salesforceConnector } from '@switchboard/connector-salesforce';
import { SlackConfig, slackConnector } from '@switchboard/connector-slack';
import { ZendeskConfig, zendeskConnector } from '@switchboard/connector-zendesk';
import type { CapabilitySource } from '@switchboard/kit';
import { silentLogger, testInstance, testSource } from '@switchboard/kit/testing';
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
  const sfConfig = SalesforceConfig.parse(salesforceSandboxConfig(salesforce));
  const sfClient = await salesforceConnector.connect(sfConfig, { logger, instance: sfInstance });
  const hsInstance = testInstance('hubspot');
  const hsConfig = HubSpotConfig.parse(hubspotSandboxConfig(hubspot));
  const hsClient = await hubspotConnector.connect(hsConfig, {
    logger,
    instance: hsInstance,
  });
  const zdInstance = testInstance('zendesk');
  // No retry waits: a failing sandbox must fail fast rather than sleep through the deadline.
  const zdConfig = ZendeskConfig.parse({ ...zendeskSandboxConfig(zendesk), maxRetryWaitMs: 0 });
  const zdClient = await zendeskConnector.connect(zdConfig, { logger, instance: zdInstance });
  const slInstance = testInstance('slack');
  const slConfig = SlackConfig.parse(slackSandboxConfig(slack));
  const slClient = await slackConnector.connect(slConfig, {
    logger,
    instance: slInstance,
  });
  const odInstance = testInstance('odoo');
  const odConfig = OdooConfig.parse({ databaseUrl: odoo.connectionString, poolMax: 1 });
  const odClient = await odooConnector.connect(odConfig, { logger, instance: odInstance });

  const sources: CapabilitySource[] = [
    testSource(salesforceConnector, sfClient, sfConfig, sfInstance),
    testSource(hubspotConnector, hsClient, hsConfig, hsInstance),
    testSource(odooConnector, odClient, odConfig, odInstance),
    testSource(zendeskConnector, zdClient, zdConfig, zdInstance),
    testSource(slackConnector, slClient, slConfig, slInstance),
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
