import { hubspot } from './connector.js';
import { resources } from './resources.js';
import { tools } from './tools.js';

/** The HubSpot connector as the gateway mounts it. */
export const hubspotConnector = hubspot.build({ tools, resources });

export { crmAdapter } from './capability.js';
export type { CallSpec, HubSpotClient, Scope } from './client.js';
export { createHubSpotClient, hubspotCall, msUntilMidnight } from './client.js';
export { HubSpotConfig } from './config.js';
export { hubspot } from './connector.js';
export { companyResource, resources } from './resources.js';
export { Company, CompanyDetail, ContactRecord, DealRecord, Note } from './schemas.js';
export {
  createNoteTool,
  getCompanyTool,
  getContactTool,
  listDealsTool,
  MAX_PAGE,
  searchCompaniesTool,
  searchContactsTool,
  tools,
  updateDealStageTool,
} from './tools.js';
