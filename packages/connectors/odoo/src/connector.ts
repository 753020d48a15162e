import { defineConnector } from '@switchboard/kit';
import { z } from 'zod';
import { erpAdapter } from './capability.js';
import { OdooConfig } from './config.js';
import type { OdooClient } from './db.js';
import { createPool, readOnly } from './db.js';
import { resolveCompany } from './sql/company.js';

/** Readiness probes must answer fast even when queries may take longer. */
const CHECK_TIMEOUT_MS = 2000;

export const odoo = defineConnector<OdooClient, OdooConfig>({
  name: 'odoo',
  title: 'Odoo',
  description:
    "Odoo 17 ERP, read from Odoo's PostgreSQL database: customers, sales orders, invoices, receivables aging and stock.",
  category: 'erp',
  config: OdooConfig,
  async connect(config, deps) {
    const pool = createPool(config, deps.logger);
    const base = { pool, statementTimeoutMs: config.statementTimeoutMs };
    try {
      // Aggregates are in the company currency: resolve it once rather than on every call.
      const company = await readOnly(
        base,
        { signal: AbortSignal.timeout(config.connectTimeoutMs + config.statementTimeoutMs) },
        (sql) => resolveCompany(sql, config.companyId),
      );
      if (company === null) {
        throw new Error(
          config.companyId === undefined
            ? 'The Odoo database has no company (res_company is empty); check databaseUrl.'
            : `The Odoo database has no company with id ${config.companyId}; fix companyId.`,
        );
      }
      return {
        ...base,
        ...company,
        webUrl: config.webUrl?.replace(/\/+$/, ''),
      };
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
  },
  async check(client, { signal }) {
    const timeoutMs = Math.min(CHECK_TIMEOUT_MS, client.statementTimeoutMs);
    await readOnly(
      client,
      { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs + 500)]), timeoutMs },
      (sql) => sql.rows(z.object({ ok: z.literal(1) }), 'SELECT 1 AS ok'),
    );
  },
  async close(client) {
    await client.pool.end();
  },
  capabilities: {
    erp: (client, instance) => erpAdapter({ client, instance }),
  },
});
