import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { expectOdooDatabaseMatches } from '../../test/odoo-expectations.js';
import { useOdooPool } from '../../test/odoo-pool.js';
import {
  createOdooDatabase,
  DEFAULT_ADMIN_URL,
  demoDataset,
  generateDataset,
  loadOdooDataset,
  postgresAvailable,
} from '../index.js';

const adminUrl = process.env.DATABASE_URL ?? DEFAULT_ADMIN_URL;
const reachable = await postgresAvailable(adminUrl);
if (!reachable) {
  const message = `PostgreSQL is not reachable at ${new URL(adminUrl).host}; the real-PostgreSQL Odoo tests cannot run.`;
  // In CI a missing database is a broken pipeline, never a silent skip.
  if (process.env.CI === 'true') throw new Error(message);
  process.stderr.write(
    `\n!!!!!!!!!!\n!!! SKIPPED: ${message}\n!!! Start PostgreSQL on 127.0.0.1:5432 (user postgres) or set DATABASE_URL.\n!!!!!!!!!!\n\n`,
  );
}

async function databaseExists(name: string): Promise<boolean> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    const result = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await admin.end();
  }
}

describe.skipIf(!reachable)('createOdooDatabase (real PostgreSQL)', () => {
  // Default asOf: today. The data must be relative to the server's own CURRENT_DATE.
  const asOf = new Date();
  const odoo = useOdooPool(
    async () => {
      const database = await createOdooDatabase({ adminUrl, dataset: demoDataset() });
      return { connectionString: database.connectionString, close: () => database.drop() };
    },
    { max: 2, notOpened: 'Odoo database was not created' },
  );
  const connectedPool = odoo.pool;

  it('creates a uniquely named sb_odoo_ database', async () => {
    const name = new URL(odoo.connectionString() ?? 'postgres://x/none').pathname.slice(1);
    expect(name).toMatch(/^sb_odoo_[0-9a-f]{12}$/);
    expect(await databaseExists(name)).toBe(true);
  });

  expectOdooDatabaseMatches({ pool: connectedPool, dataset: demoDataset(), asOf });

  it("keeps the hero invoice 45 days overdue by the server's CURRENT_DATE", async () => {
    const result = await connectedPool().query(
      `SELECT (CURRENT_DATE - invoice_date_due) AS days_overdue FROM account_move
        WHERE commercial_partner_id = $1 AND state = 'posted' AND payment_state = 'not_paid'
          AND invoice_date_due < CURRENT_DATE - 30`,
      [
        demoDataset().customers.find((customer) => customer.key === 'helix-robotics')?.presence.odoo
          ?.partnerId,
      ],
    );
    expect(result.rows).toEqual([{ days_overdue: 45 }]);
  });

  it('drops the database even while a client is still connected', async () => {
    const extra = await createOdooDatabase({ adminUrl, dataset: generateDataset({ seed: 3 }) });
    const name = new URL(extra.connectionString).pathname.slice(1);
    const client = new pg.Client({ connectionString: extra.connectionString });
    client.on('error', () => undefined);
    await client.connect();
    await extra.drop();
    await extra.drop();
    expect(await databaseExists(name)).toBe(false);
    await client.end().catch(() => undefined);
  });

  it('loads through a pg Pool in one transaction on one checked-out client', async () => {
    const name = `sb_odoo_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const target = new pg.Pool({ connectionString: url.toString(), max: 4, connectionTimeoutMillis: 5_000 });
    try {
      const started = performance.now();
      await loadOdooDataset(target, demoDataset());
      expect(performance.now() - started).toBeLessThan(2_000);
      const result = await target.query('SELECT count(*)::int AS invoices FROM account_move');
      expect(result.rows).toEqual([{ invoices: demoDataset().odoo.invoices.length }]);
    } finally {
      await target.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
      await admin.end();
    }
  });
});

describe('postgresAvailable', () => {
  it('answers false quickly when nothing listens', async () => {
    const started = performance.now();
    expect(await postgresAvailable('postgres://postgres@127.0.0.1:1/postgres')).toBe(false);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
