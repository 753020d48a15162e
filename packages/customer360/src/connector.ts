import { defineConnector } from '@switchboard/kit';
import { Customer360Config } from './config.js';

/** The composite has no vendor client: its "client" is its configuration. */
export interface Customer360Client {
  readonly config: Customer360Config;
}

export const customer360 = defineConnector<Customer360Client, Customer360Config>({
  name: 'customer360',
  title: 'Customer 360',
  description:
    'One customer across every mounted CRM, ERP and support system: identity resolution, a merged profile ' +
    'with the source of every fact, conflicts between systems, and a health score.',
  category: 'composite',
  config: Customer360Config,
  // Nothing to open: it reads through the other connectors' capabilities (ctx.sources()).
  connect: async (config) => ({ config }),
});
