import { hubspotConnector } from '@switchboard/connector-hubspot';
import { odooConnector } from '@switchboard/connector-odoo';
import { salesforceConnector } from '@switchboard/connector-salesforce';
import { slackConnector } from '@switchboard/connector-slack';
import { zendeskConnector } from '@switchboard/connector-zendesk';
import { customer360Connector } from '@switchboard/customer360';
import type { AnyConnector } from '@switchboard/kit';

/**
 * The connector packages this gateway can mount, by package name. Explicit on purpose: adding a
 * system is one import and one line here, and nothing is discovered by scanning directories.
 */
export const CATALOGUE: ReadonlyMap<string, AnyConnector> = new Map<string, AnyConnector>(
  [
    salesforceConnector,
    hubspotConnector,
    odooConnector,
    zendeskConnector,
    slackConnector,
    customer360Connector,
  ].map((connector) => [connector.name, connector]),
);
