import { defineConnector } from '@switchboard/kit';
import { crmAdapter } from './capability.js';
import type { HubSpotClient } from './client.js';
import { createHubSpotClient, hubspotCall } from './client.js';
import { HubSpotConfig } from './config.js';

/** Readiness probes must answer fast. */
const CHECK_TIMEOUT_MS = 3000;

export const hubspot = defineConnector<HubSpotClient, HubSpotConfig>({
  name: 'hubspot',
  title: 'HubSpot',
  description:
    'HubSpot CRM through its API (@hubspot/api-client): contacts, companies, deals and notes; reads, notes ' +
    'and deal stage changes.',
  category: 'crm',
  quota: {
    limit: 190,
    intervalMs: 10_000,
    source: 'HubSpot private apps: 190 requests per 10 s',
  },
  config: HubSpotConfig,
  async connect(config) {
    // No network here: the client is plain configuration. `check` probes the API.
    return createHubSpotClient(config);
  },
  async check(client, { signal }) {
    await hubspotCall(
      {
        client,
        instance: { namespace: 'hubspot', connector: 'hubspot', toolName: (name) => name },
        signal: AbortSignal.any([signal, AbortSignal.timeout(CHECK_TIMEOUT_MS)]),
      },
      { what: 'probe the companies API' },
      (api, options) =>
        api.crm.objects.searchApi.doSearch('companies', { limit: 1, properties: ['name'] }, options),
    );
  },
  capabilities: {
    crm: (client, instance) => crmAdapter(client, instance),
  },
});
