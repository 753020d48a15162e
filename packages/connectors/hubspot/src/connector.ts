import { createUpstream, defineConnector } from '@switchboard/kit';
import { crmAdapter } from './capability.js';
import type { HubSpotClient } from './client.js';
import { createHubSpotClient, hubspotRequest } from './client.js';
import { HubSpotConfig } from './config.js';
import { hubspotUpstream } from './profile.js';

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
  upstream: (config) => hubspotUpstream(config),
  async connect(config) {
    // No network here: the client is plain configuration. `check` probes the API.
    return createHubSpotClient(config);
  },
  async check(client, { signal }) {
    // No hooks: a probe is not a tool call, but it shares the failure mapping.
    const upstream = createUpstream({ profile: hubspotUpstream(client.config), signal });
    await hubspotRequest(
      { client, upstream },
      'companies.search',
      (api, options) =>
        api.crm.objects.searchApi.doSearch('companies', { limit: 1, properties: ['name'] }, options),
      { timeoutMs: CHECK_TIMEOUT_MS, retry: false },
    );
  },
  capabilities: {
    crm: (client, instance) => crmAdapter(client, instance),
  },
});
