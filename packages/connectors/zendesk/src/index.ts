import { zendesk } from './connector.js';
import { resources } from './resources.js';
import { tools } from './tools.js';

/** The Zendesk connector as the gateway mounts it. */
export const zendeskConnector = zendesk.build({ tools, resources });

export { supportAdapter } from './capability.js';
export type { ZendeskClient } from './client.js';
export { createClient, parseRetryAfter } from './client.js';
export { ZendeskConfig } from './config.js';
export { zendesk } from './connector.js';
export { SEARCH_WINDOW, ticketQuery } from './operations.js';
export { resources, ticketResource } from './resources.js';
export { Comment, Person, TicketDetail, TicketSummary, UserMatch } from './schemas.js';
export {
  addCommentTool,
  createTicketTool,
  findUserTool,
  getTicketTool,
  MAX_PAGE,
  searchTicketsTool,
  tools,
} from './tools.js';
