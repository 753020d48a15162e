import { sandboxConfig as hubspotConfig } from '@switchboard/connector-hubspot/testing';
import { sandboxConfig as odooConfig } from '@switchboard/connector-odoo/testing';
import { sandboxConfig as salesforceConfig } from '@switchboard/connector-salesforce/testing';
import { sandboxConfig as slackConfig } from '@switchboard/connector-slack/testing';
import { sandboxConfig as zendeskConfig } from '@switchboard/connector-zendesk/testing';
import {
  type EmbeddedOdoo,
  type HubSpotSandbox,
  type HubSpotSandboxOptions,
  type SalesforceSandbox,
  type SalesforceSandboxOptions,
  type SlackSandbox,
  type SlackSandboxOptions,
  startEmbeddedOdoo,
  startHubSpotSandbox,
  startSalesforceSandbox,
  startSlackSandbox,
  startZendeskSandbox,
  type ZendeskSandbox,
  type ZendeskSandboxOptions,
} from '@switchboard/sandbox';

/** One connector instance as `switchboard.yaml` lists it. */
export interface DemoInstance {
  package: string;
  namespace?: string;
  config: Record<string, unknown>;
}

/**
 * Every vendor system of the demo as a running emulator, seeded with the same fictional company, and
 * the connector instances that point at them (each config typed by its connector's own schema).
 */
export interface DemoWorld {
  asOf: Date | undefined;
  salesforce: SalesforceSandbox;
  hubspot: HubSpotSandbox;
  zendesk: ZendeskSandbox;
  slack: SlackSandbox;
  odoo: EmbeddedOdoo;
  /** The `connectors:` section of a gateway configuration mounting every system and customer 360. */
  connectors: DemoInstance[];
  close(): Promise<void>;
}

export interface DemoWorldOptions {
  /** The dataset's "today"; defaults to the sandbox's (SWITCHBOARD_DEMO_AS_OF or the real date). */
  asOf?: Date;
  salesforce?: SalesforceSandboxOptions;
  hubspot?: HubSpotSandboxOptions;
  zendesk?: ZendeskSandboxOptions;
  slack?: SlackSandboxOptions;
  /** Mount customer 360 as well (default true). */
  customer360?: boolean;
}

/** Starts every emulator (in parallel) and closes the ones that started if any fails. */
export async function startDemoWorld(options: DemoWorldOptions = {}): Promise<DemoWorld> {
  const { asOf } = options;
  const at = asOf === undefined ? {} : { asOf };
  const opened: Array<{ close(): Promise<void> }> = [];
  const track = async <T extends { close(): Promise<void> }>(starting: Promise<T>): Promise<T> => {
    const sandbox = await starting;
    opened.push(sandbox);
    return sandbox;
  };
  const closeAll = async () => {
    await Promise.all(opened.splice(0).map((sandbox) => sandbox.close()));
  };
  const starting = [
    track(startEmbeddedOdoo(at)),
    track(startSalesforceSandbox({ ...at, ...options.salesforce })),
    track(startHubSpotSandbox({ ...at, ...options.hubspot })),
    track(startZendeskSandbox({ ...at, ...options.zendesk })),
    track(startSlackSandbox({ ...at, ...options.slack })),
  ] as const;
  try {
    const [odoo, salesforce, hubspot, zendesk, slack] = await Promise.all(starting);
    const connectors: DemoInstance[] = [
      { package: 'salesforce', config: salesforceConfig(salesforce) },
      { package: 'hubspot', config: hubspotConfig(hubspot) },
      { package: 'odoo', config: odooConfig(odoo) },
      { package: 'zendesk', config: zendeskConfig(zendesk) },
      { package: 'slack', config: slackConfig(slack) },
    ];
    if (options.customer360 !== false) connectors.push({ package: 'customer360', config: {} });
    return { asOf, salesforce, hubspot, zendesk, slack, odoo, connectors, close: closeAll };
  } catch (error) {
    await Promise.allSettled(starting);
    await closeAll();
    throw error;
  }
}
