import { salesforce } from './connector.js';
import './tools.js';
import './resources.js';

/** The Salesforce connector as the gateway mounts it. */
export const salesforceConnector = salesforce.build();

export { crmAdapter } from './capability.js';
export type { SalesforceClient } from './client.js';
export {
  AUTH_COOLDOWN_MS,
  CredentialsRefused,
  createClient,
  SalesforceHttpError,
} from './client.js';
export { SalesforceConfig } from './config.js';
export { salesforce } from './connector.js';
export { type Call, MAX_PAGE } from './operations.js';
export { describeFailure, SALESFORCE_RULES, salesforceProfile } from './profile.js';
export { accountResource } from './resources.js';
export * from './schemas.js';
export { isSalesforceId, MAX_QUERY_ROWS, prepareQuery, soqlLike, soqlString, toId18 } from './soql.js';
export {
  getAccountTool,
  listOpportunitiesTool,
  logActivityTool,
  queryTool,
  searchAccountsTool,
  searchContactsTool,
  updateOpportunityStageTool,
} from './tools.js';
