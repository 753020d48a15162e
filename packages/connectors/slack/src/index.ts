import { slack } from './connector.js';
import { resources } from './resources.js';
import { tools } from './tools.js';

/** The Slack connector as the gateway mounts it. */
export const slackConnector = slack.build({ tools, resources });

export { lookupDomain, supportAdapter, withoutLegalForm } from './capability.js';
export type { CallOptions, SlackClient, SlackMethod, TokenKind } from './client.js';
export { createSlackClient, mapSlackError, slackCall } from './client.js';
export { SlackConfig } from './config.js';
export { slack } from './connector.js';
export { channelResource, resources } from './resources.js';
export { Channel, ChannelRef, Message, SearchMatch, User } from './schemas.js';
export {
  channelHistoryTool,
  findUserTool,
  listChannelsTool,
  MAX_PAGE,
  MAX_POST_LENGTH,
  postMessageTool,
  searchMessagesTool,
  threadRepliesTool,
  tools,
} from './tools.js';
