import type { SlackSandbox } from '@switchboard/sandbox';
import type { z } from 'zod';
import type { SlackConfig } from './config.js';

/**
 * The connector configuration that points an instance at a running Slack emulator: both tokens
 * (when the emulator has a user token) and posting allowed in #support-escalations only. Typed by
 * the connector's own configuration, so a renamed field fails the typecheck here.
 */
export function sandboxConfig(sandbox: SlackSandbox): z.input<typeof SlackConfig> {
  return {
    slackApiUrl: sandbox.apiUrl,
    botToken: sandbox.botToken,
    ...(sandbox.userToken === null ? {} : { userToken: sandbox.userToken }),
    allowedChannels: ['support-escalations'],
  };
}
