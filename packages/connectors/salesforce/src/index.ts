import { salesforce } from './connector.js';
import { resources } from './resources.js';
import { tools } from './tools.js';

/** The Salesforce connector as the gateway mounts it. */
export const salesforceConnector = salesforce.build({ tools, resources });

export { crmAdapter } from './capability.js';
export type { CallScope, SalesforceClient } from './client.js';
export { AUTH_COOLDOWN_MS, createClient, mapSalesforceError, sfCall } from './client.js';
export { SalesforceConfig } from './config.js';
export { salesforce } from './connector.js';
export { accountResource, resources } from './resources.js';
export {
  AccountDetail,
  AccountMatch,
  Activity,
  Opportunity,
  SalesforceAccount,
  SalesforceContact,
} from './schemas.js';
export { isSalesforceId, MAX_QUERY_ROWS, prepareQuery, soqlLike, soqlString, toId18 } from './soql.js';
export {
  getAccountTool,
  listOpportunitiesTool,
  logActivityTool,
  MAX_PAGE,
  queryTool,
  searchAccountsTool,
  searchContactsTool,
  tools,
  updateOpportunityStageTool,
} from './tools.js';
