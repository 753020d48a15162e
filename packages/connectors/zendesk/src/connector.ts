import { defineConnector } from '@switchboard/kit';
import { z } from 'zod';
import { supportAdapter } from './capability.js';
import type { ZendeskClient } from './client.js';
import { createClient, zendeskRequest } from './client.js';
import { ZendeskConfig } from './config.js';

/** Readiness probes must answer fast even when calls may take longer. */
const CHECK_TIMEOUT_MS = 2000;

export const zendesk = defineConnector<ZendeskClient, ZendeskConfig>({
  name: 'zendesk',
  title: 'Zendesk',
  description:
    'Zendesk Support over its REST v2 API: search tickets, read a ticket with its comments, find users, ' +
    'open tickets and add public replies or internal notes.',
  category: 'support',
  quota: {
    limit: 200,
    intervalMs: 60_000,
    source: 'Zendesk: 200 requests per minute on the smallest plan; set quota to your plan',
  },
  config: ZendeskConfig,
  // Nothing to open: fetch keeps its own connection pool. The readiness check proves the credentials.
  async connect(config, deps) {
    return createClient(config, deps.logger);
  },
  async check(client, { signal }) {
    await zendeskRequest(
      { ...client, timeoutMs: Math.min(client.timeoutMs, CHECK_TIMEOUT_MS), maxRetryWaitMs: 0 },
      {
        path: '/users/me.json',
        schema: z.object({ user: z.object({ id: z.number() }).nullable() }),
        signal,
      },
    );
  },
  capabilities: {
    support: (client, instance) => supportAdapter(client, instance),
  },
});
