import { odoo } from './connector.js';
// Declared for their side effects: each module adds its tools or resources to the connector.
import './tools.js';
import './resources.js';

/** The Odoo connector as the gateway mounts it. */
export const odooConnector = odoo.build();

export { erpAdapter } from './capability.js';
export { OdooConfig } from './config.js';
export { odoo } from './connector.js';
export type { OdooClient, ReadOptions, Sql } from './db.js';
export { readOnly, STATEMENT_TIMEOUT_MARGIN_MS } from './db.js';
export { customerResource, orderResource } from './resources.js';
export {
  AgingRow,
  CustomerDetail,
  CustomerFinancials,
  CustomerMatch,
  CustomerSummary,
  InvoiceSummary,
  OrderDetail,
  OrderLine,
  OrderSummary,
  ProductStock,
} from './schemas.js';
export {
  findCustomersTool,
  getCustomerTool,
  getOrderTool,
  listInvoicesTool,
  listOrdersTool,
  MAX_PAGE,
  productStockTool,
  receivablesAgingTool,
} from './tools.js';
export { describePgError, ODOO_RULES, odooProfile } from './upstream.js';
