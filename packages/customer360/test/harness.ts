import { hubspotConnector } from '@switchboard/connector-hubspot';
import { odooConnector } from '@switchboard/connector-odoo';
import { salesforceConnector } from '@switchboard/connector-salesforce';
import { slackConnector } from '@switchboard/connector-slack';
import { zendeskConnector } from '@switchboard/connector-zendesk';
import { type DemoWorld, startDemoWorld } from '@switchboard/demo';
import type { AnyConnector, CapabilitySource, Identity } from '@switchboard/kit';
import { silentLogger, testInstance, testSource } from '@switchboard/kit/testing';
import { resolveAsOf } from '@switchboard/sandbox';

export { must } from '@switchboard/kit/testing';

const CONNECTORS: readonly AnyConnector[] = [
  salesforceConnector,
  hubspotConnector,
  odooConnector,
  zendeskConnector,
  slackConnector,
];

/** Every sandbox of the demo profile, each with the real connector connected to it. */
export interface World extends DemoWorld {
  asOf: Date;
  /** The capability sources, as the gateway hands them to a composite tool through ctx.sources(). */
  sources: CapabilitySource[];
  /** The same sources under other identity rules (e.g. extra free-mail domains). */
  sourcesWith(identity: Identity): CapabilitySource[];
}

export async function startWorld(): Promise<World> {
  const asOf = resolveAsOf();
  const logger = silentLogger();
  const world = await startDemoWorld({ asOf, slack: { rateLimits: false }, customer360: false });
  try {
    const connected = await Promise.all(
      CONNECTORS.map(async (connector) => {
        const instance = testInstance(connector.name);
        const given = world.connectors.find((entry) => entry.package === connector.name)?.config ?? {};
        // No retry waits: a failing sandbox must fail fast rather than sleep through the deadline.
        const config = connector.config.parse(
          connector.name === 'zendesk' ? { ...given, maxRetryWaitMs: 0 } : given,
        );
        const client = await connector.connect(config, { logger, instance });
        return { connector, instance, config, client };
      }),
    );
    const sourcesWith = (identity?: Identity) =>
      connected.map(({ connector, client, config, instance }) =>
        testSource(connector, client, config, instance, identity ? { identity } : {}),
      );
    return {
      ...world,
      asOf,
      sources: sourcesWith(),
      sourcesWith,
      async close() {
        await Promise.all(connected.map(({ connector, client }) => connector.close?.(client)));
        await world.close();
      },
    };
  } catch (error) {
    await world.close();
    throw error;
  }
}
