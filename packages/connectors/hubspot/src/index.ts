import { hubspot } from './connector.js';
// Modules that declare the tools and the resource on `hubspot`, for their side effects.
import './tools.js';
import './resources.js';

/** The HubSpot connector as the gateway mounts it. */
export const hubspotConnector = hubspot.build();

export { crmAdapter } from './capability.js';
export type { HubSpotClient, RequestOptions, Scope } from './client.js';
export { createHubSpotClient, hubspotRequest } from './client.js';
export { HubSpotConfig } from './config.js';
export { hubspot } from './connector.js';
export { describeHubSpotError, hubspotUpstream, msUntilMidnight, SECONDLY } from './profile.js';
export { companyResource } from './resources.js';
export { Company, CompanyDetail, ContactRecord, DealRecord, Note } from './schemas.js';
export {
  createNoteTool,
  getCompanyTool,
  getContactTool,
  listDealsTool,
  MAX_PAGE,
  searchCompaniesTool,
  searchContactsTool,
  updateDealStageTool,
} from './tools.js';
