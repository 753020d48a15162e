import { defineConnector } from '@switchboard/kit';
import { z } from 'zod';
import { crmAdapter } from './capability.js';
import type { SalesforceClient } from './client.js';
import { createClient, mapSalesforceError } from './client.js';
import { SalesforceConfig } from './config.js';

const Limits = z.object({ DailyApiRequests: z.object({ Max: z.number(), Remaining: z.number() }) });

export const salesforce = defineConnector<SalesforceClient, SalesforceConfig>({
  name: 'salesforce',
  title: 'Salesforce',
  description:
    'Salesforce CRM through its REST API (jsforce): accounts, contacts, opportunities, read-only SOQL, and ' +
    'logging activities and moving opportunity stages.',
  category: 'crm',
  config: SalesforceConfig,
  async connect(config, deps) {
    const client = createClient(config, deps.logger);
    // Log in once now so that bad credentials show at start-up; jsforce's request timeout bounds it.
    try {
      await client.authenticate();
    } catch (error) {
      throw mapSalesforceError(error, client, {
        signal: new AbortController().signal,
        instance: deps.instance,
      });
    }
    return client;
  },
  async check(client, { signal }) {
    // /limits proves the session and the instance URL, and says whether the allocation is spent.
    const raw = await Promise.race([
      client.conn.request('/limits'),
      new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
    ]);
    const limits = Limits.parse(raw);
    if (limits.DailyApiRequests.Remaining <= 0) throw new Error('The daily API allocation is used up.');
  },
  capabilities: {
    crm: (client, instance) => crmAdapter(client, instance),
  },
});
