import { createUpstream, defineConnector } from '@switchboard/kit';
import { z } from 'zod';
import { supportAdapter } from './capability.js';
import type { ZendeskClient } from './client.js';
import { createClient, ZENDESK_FAILURES, zendeskFetch, zendeskProfile } from './client.js';
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
  upstream: zendeskProfile,
  // Nothing to open: fetch keeps its own connection pool. The readiness check proves the credentials.
  async connect(config) {
    return createClient(config);
  },
  async check(client, { signal }) {
    // A probe is not a call: no quota token, and a 429 fails it at once instead of waiting.
    const upstream = createUpstream({
      profile: { ...ZENDESK_FAILURES, requestTimeoutMs: CHECK_TIMEOUT_MS, maxRetryWaitMs: 0 },
      signal,
    });
    await zendeskFetch(upstream, client, {
      name: 'users.me',
      path: '/users/me.json',
      schema: z.object({ user: z.object({ id: z.number() }).nullable() }),
    });
  },
  capabilities: {
    support: (client, instance) => supportAdapter(client, instance),
  },
});
