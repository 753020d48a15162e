import { odoo } from './connector.js';
import { resources } from './resources.js';
import { tools } from './tools.js';

/** The Odoo connector as the gateway mounts it. */
export const odooConnector = odoo.build({ tools, resources });

export { erpAdapter } from './capability.js';
export { OdooConfig } from './config.js';
export { odoo } from './connector.js';
export type { OdooClient, ReadOptions, Sql } from './db.js';
export { mapPgError, readOnly } from './db.js';
export { customerResource, orderResource, resources } from './resources.js';
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
  tools,
} from './tools.js';
