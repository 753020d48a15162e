import { intSetting, secret } from '@switchboard/kit';
import { z } from 'zod';

/** Configuration of one Odoo connector instance. */
export const OdooConfig = z.object({
  databaseUrl: secret(
    "PostgreSQL connection string of Odoo's database, e.g. postgres://switchboard_ro@replica:5432/odoo. " +
      'In production use a read-only role on a read replica: the connector only ever reads.',
  ),
  statementTimeoutMs: intSetting(100, 120_000, 5000).describe(
    'Server-side statement_timeout applied to every query, in milliseconds (default 5000).',
  ),
  poolMax: intSetting(1, 100, 10).describe(
    'Maximum number of pooled PostgreSQL connections (default 10). Embedded PGlite accepts a single ' +
      'connection: use 1 there.',
  ),
  connectTimeoutMs: intSetting(100, 60_000, 5000).describe(
    'How long to wait for a new PostgreSQL connection, in milliseconds (default 5000).',
  ),
  webUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      'Base URL of the Odoo web client (e.g. https://erp.example.com), used to build record links; ' +
        'records carry no link when absent.',
    ),
  companyId: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      'Odoo company (res_company.id) whose orders and invoices are read, and whose currency is used ' +
        'for totals. Defaults to the first company; set it on multi-company databases.',
    ),
});

/** The configuration as a connector receives it (defaults applied). */
export type OdooConfig = z.output<typeof OdooConfig>;
