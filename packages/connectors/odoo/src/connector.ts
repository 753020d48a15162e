import { createUpstream, defineConnector } from '@switchboard/kit';
import { z } from 'zod';
import { erpAdapter } from './capability.js';
import { OdooConfig } from './config.js';
import type { OdooClient } from './db.js';
import { createPool, readOnly } from './db.js';
import { resolveCompany } from './sql/company.js';
import { odooProfile } from './upstream.js';

/** Readiness probes must answer fast even when queries may take longer. */
const CHECK_TIMEOUT_MS = 2000;

export const odoo = defineConnector<OdooClient, OdooConfig>({
  name: 'odoo',
  title: 'Odoo',
  description:
    "Odoo 17 ERP, read from Odoo's PostgreSQL database: customers, sales orders, invoices, receivables aging and stock.",
  category: 'erp',
  config: OdooConfig,
  upstream: odooProfile,
  async connect(config, deps) {
    const pool = createPool(config, deps.logger);
    const base = {
      pool,
      statementTimeoutMs: config.statementTimeoutMs,
      connectTimeoutMs: config.connectTimeoutMs,
    };
    try {
      // Aggregates are in the company currency: resolve it once rather than on every call. Start-up
      // is no call, so it has an upstream of its own: the same failure rules, no quota.
      const upstream = createUpstream({
        profile: odooProfile(config),
        signal: AbortSignal.timeout(config.connectTimeoutMs + config.statementTimeoutMs),
      });
      const company = await readOnly(base, upstream, (sql) => resolveCompany(sql, config.companyId));
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
    // The probe's own upstream (no quota, no call to account to) and a shorter timeout than queries.
    const upstream = createUpstream({ profile: odooProfile(client), signal });
    await readOnly(
      client,
      upstream,
      (sql) => sql.rows('ping', z.object({ ok: z.literal(1) }), 'SELECT 1 AS ok'),
      { timeoutMs: Math.min(CHECK_TIMEOUT_MS, client.statementTimeoutMs) },
    );
  },
  async close(client) {
    await client.pool.end();
  },
  capabilities: {
    erp: (client, instance) => erpAdapter(client, instance),
  },
});
