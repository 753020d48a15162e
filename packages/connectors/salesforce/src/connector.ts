import { createUpstream, defineConnector } from '@switchboard/kit';
import { z } from 'zod';
import { crmAdapter } from './capability.js';
import type { SalesforceClient } from './client.js';
import { createClient } from './client.js';
import { SalesforceConfig } from './config.js';
import { salesforceProfile } from './profile.js';

const Limits = z.object({ DailyApiRequests: z.object({ Max: z.number(), Remaining: z.number() }) });

export const salesforce = defineConnector<SalesforceClient, SalesforceConfig>({
  name: 'salesforce',
  title: 'Salesforce',
  description:
    'Salesforce CRM through its REST API (jsforce): accounts, contacts, opportunities, read-only SOQL, and ' +
    'logging activities and moving opportunity stages.',
  category: 'crm',
  config: SalesforceConfig,
  upstream: salesforceProfile,
  async connect(config, deps) {
    const client = createClient(config, deps.logger);
    // Log in once now so that bad credentials show at start-up, refused as any request would be.
    const upstream = createUpstream({
      profile: salesforceProfile(config),
      signal: new AbortController().signal,
    });
    await upstream.run('oauth.token', () => client.authenticate());
    return client;
  },
  async check(client, { signal }) {
    // /limits proves the session and the instance URL, and says whether the allocation is spent.
    const upstream = createUpstream({ profile: salesforceProfile(client.config), signal });
    const limits = Limits.parse(await upstream.run('limits', () => client.conn.request('/limits')));
    if (limits.DailyApiRequests.Remaining <= 0) throw new Error('The daily API allocation is used up.');
  },
  capabilities: {
    crm: (client, instance) => crmAdapter(client, instance),
  },
});
