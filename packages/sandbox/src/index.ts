export {
  dateFromOffset,
  daysBefore,
  instantToDate,
  isoDate,
  isoDateTime,
  odooDateTime,
  resolveAsOf,
} from './dataset/dates.js';
export {
  DEFAULT_SEED,
  demoDataset,
  findCustomer,
  findPerson,
  type GenerateDatasetOptions,
  generateDataset,
} from './dataset/generate.js';
export { HERO, HERO_EMAILS, type HeroKey } from './dataset/heroes.js';
export {
  AGING_BUCKETS,
  type AgingBucket,
  agingBucket,
  FULLY_RESERVED_CODE,
  OUT_OF_STOCK_CODE,
  odooMoveName,
} from './dataset/odoo.js';
export {
  type CurrencyCode,
  type Customer,
  type CustomerPresence,
  type Dataset,
  type DayOffset,
  type HubSpotCompany,
  type HubSpotContact,
  type HubSpotData,
  type HubSpotDeal,
  type Industry,
  type Instant,
  type OdooCompany,
  type OdooCountry,
  type OdooCurrency,
  type OdooData,
  type OdooInvoice,
  type OdooMoveState,
  type OdooPartner,
  type OdooPaymentState,
  type OdooProduct,
  type OdooSaleOrder,
  type OdooSaleOrderLine,
  type OdooSaleOrderState,
  type OdooStockLocation,
  type OdooStockQuant,
  type OdooUser,
  type Person,
  type PersonSystemIds,
  type SalesforceAccount,
  type SalesforceContact,
  type SalesforceData,
  type SalesforceOpportunity,
  type SellerCompany,
  type SlackChannel,
  type SlackData,
  type SlackMessage,
  type SlackUser,
  type StaffMember,
  SYSTEM_NAMES,
  type SystemName,
  type ZendeskComment,
  type ZendeskData,
  type ZendeskOrganization,
  type ZendeskTicket,
  type ZendeskTicketPriority,
  type ZendeskTicketStatus,
  type ZendeskUser,
} from './dataset/types.js';
export {
  type Fault,
  type FaultRule,
  type RecordedRequest,
  type SandboxServer,
  type SandboxServerOptions,
  startSandboxServer,
  type VendorFaultResponses,
} from './http/server.js';
export {
  DEFAULT_HUBSPOT_TOKEN,
  type HubSpotRateLimitPolicy,
  type HubSpotRateLimitRule,
  type HubSpotSandbox,
  type HubSpotSandboxOptions,
  startHubSpotSandbox,
} from './hubspot/sandbox.js';
export {
  type EmbeddedOdoo,
  type EmbeddedOdooOptions,
  startEmbeddedOdoo,
} from './odoo/embedded.js';
export { type LoadOdooOptions, loadOdooDataset, type Queryable } from './odoo/load.js';
export {
  createOdooDatabase,
  DEFAULT_ADMIN_URL,
  type OdooDatabase,
  type OdooDatabaseOptions,
  postgresAvailable,
} from './odoo/postgres.js';
export { ODOO_SCHEMA_SQL, ODOO_TABLES } from './odoo/schema.js';
export {
  type SalesforceSandbox,
  type SalesforceSandboxOptions,
  startSalesforceSandbox,
} from './salesforce/sandbox.js';
export {
  SLACK_RATE_TIERS,
  SLACK_SANDBOX_METHODS,
  type SlackSandbox,
  type SlackSandboxMethod,
  type SlackSandboxOptions,
  startSlackSandbox,
} from './slack/sandbox.js';
export {
  startZendeskSandbox,
  type ZendeskSandbox,
  type ZendeskSandboxOptions,
} from './zendesk/sandbox.js';
export { BULK_ORGANIZATION, ZendeskStore, zendeskTime } from './zendesk/store.js';
