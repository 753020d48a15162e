import { createUpstream, defineConnector } from '@switchboard/kit';
import { supportAdapter } from './capability.js';
import type { SlackClient } from './client.js';
import { AuthTestAnswer, createSlackClient, slackCall } from './client.js';
import { SlackConfig } from './config.js';
import { slackProfile } from './upstream.js';

/** Readiness probes must answer fast even when calls may take longer. */
const CHECK_TIMEOUT_MS = 2000;

export const slack = defineConnector<SlackClient, SlackConfig>({
  name: 'slack',
  title: 'Slack',
  description:
    'Slack over the Web API (@slack/web-api): channels, channel history, threads, users, message search and ' +
    'posting to allowed channels; shared customer channels feed the support capability.',
  category: 'support',
  config: SlackConfig,
  // Nothing to open: every request builds its own WebClient (see client.ts). The check proves the token.
  async connect(config, deps) {
    return createSlackClient(config, deps.logger, deps.instance);
  },
  async check(client, { signal }) {
    // Outside any call, so no quota or audit: the probe shares only the failure mapping.
    const upstream = createUpstream({ profile: slackProfile(client.config), signal });
    await slackCall(upstream, client, 'auth.test', {}, AuthTestAnswer, { timeoutMs: CHECK_TIMEOUT_MS });
  },
  capabilities: {
    support: (client, instance) => supportAdapter(client, instance),
  },
  upstream: slackProfile,
});
