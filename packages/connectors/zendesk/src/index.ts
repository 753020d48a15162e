import { zendesk } from './connector.js';
import './tools.js';
import './resources.js';

/** The Zendesk connector as the gateway mounts it. */
export const zendeskConnector = zendesk.build();

export { supportAdapter } from './capability.js';
export type { ZendeskClient } from './client.js';
export { createClient, ZENDESK_FAILURES, zendeskProfile } from './client.js';
export { ZendeskConfig } from './config.js';
export { zendesk } from './connector.js';
export { SEARCH_WINDOW, ticketQuery } from './operations.js';
export { ticketResource } from './resources.js';
export { Comment, Person, TicketDetail, TicketSummary, UserMatch } from './schemas.js';
export {
  addCommentTool,
  createTicketTool,
  findUserTool,
  getTicketTool,
  MAX_PAGE,
  searchTicketsTool,
} from './tools.js';
