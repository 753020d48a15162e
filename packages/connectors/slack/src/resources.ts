import { z } from 'zod';
import { slack } from './connector.js';
import { channelHistoryTool } from './tools.js';

export const channelResource = slack.resource({
  name: 'channel',
  title: 'Slack channel, latest messages',
  description:
    'The 20 latest top-level messages of a Slack channel, by id or name: the same JSON as the first page of ' +
    'the channel_history tool.',
  uriTemplate: 'channels/{channel}',
  params: z.object({
    channel: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,80}$/, 'A channel id or name without "#".')
      .describe('Channel id (C0123ABCD) or name without "#" (support-escalations).'),
  }),
  scopes: ['support:read'],
  async read(params, ctx) {
    const input = channelHistoryTool.input.parse({ channel: params.channel, limit: 20 });
    return { json: await channelHistoryTool.handler(input, ctx) };
  },
});
