import { slack } from './connector.js';
// Declared for their side effects: each registers its tools or resources with `slack`.
import './tools.js';
import './resources.js';

/** The Slack connector as the gateway mounts it. */
export const slackConnector = slack.build();

export { supportAdapter, withoutLegalForm } from './capability.js';
export type { SlackCallOptions, SlackClient, SlackMethod, TokenKind } from './client.js';
export { createSlackClient, slackCall } from './client.js';
export { SlackConfig } from './config.js';
export { slack } from './connector.js';
export { channelResource } from './resources.js';
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
} from './tools.js';
export { describeSlackError, SLACK_RULES, slackProfile } from './upstream.js';
