import { intSetting, secret } from '@switchboard/kit';
import { z } from 'zod';

const channelRef = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .describe('A channel id (C0123ABCD) or name (support-escalations or #support-escalations).');

/** Configuration of one Slack connector instance. */
export const SlackConfig = z.object({
  botToken: secret(
    'Bot token of the Slack app (xoxb-...), with channels:read, channels:history, groups:read, ' +
      'groups:history, users:read, users:read.email and chat:write. Used for every call but search.',
  ),
  userToken: secret(
    'Optional user token (xoxp-...) with search:read. Slack serves search.messages to user tokens only: ' +
      'without it search_messages is refused and the support capability scans the escalation channels instead.',
  ).optional(),
  slackApiUrl: z
    .url({ protocol: /^https?$/ })
    .refine((url) => url.endsWith('/'), 'slackApiUrl must end with a slash, e.g. https://slack.com/api/')
    .default('https://slack.com/api/')
    .describe('Base URL of the Web API, ending with a slash (default https://slack.com/api/).'),
  allowedChannels: z
    .array(channelRef)
    .max(100)
    .default([])
    .describe(
      'Channels post_message may post to, by id or name (matched literally, case-insensitive, "#" ignored). ' +
        'Empty (the default): posting is refused everywhere.',
    ),
  escalationChannels: z
    .array(channelRef)
    .max(20)
    .default(['support-escalations'])
    .describe(
      'Internal channels the support capability scans for mentions of a customer when no userToken is ' +
        'configured (default support-escalations).',
    ),
  sharedChannelPrefix: z
    .string()
    .trim()
    .max(40)
    .default('ext-')
    .describe(
      'Name prefix of the Slack Connect channels shared with customers, followed by the customer slug ' +
        '(default "ext-", e.g. ext-helix-robotics).',
    ),
  requestTimeoutMs: intSetting(100, 60_000, 5000).describe(
    'Timeout of each request to Slack, in milliseconds (default 5000).',
  ),
});

/** The configuration as a connector receives it (defaults applied). */
export type SlackConfig = z.output<typeof SlackConfig>;
