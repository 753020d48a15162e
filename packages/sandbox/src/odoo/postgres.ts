import { randomBytes } from 'node:crypto';
import { postgresAvailable as probePostgres, withPgClient } from '@switchboard/pg-support';
import type pg from 'pg';
import { demoDataset } from '../dataset/generate.js';
import type { Dataset } from '../dataset/types.js';
import { loadOdooDataset } from './load.js';

/** The local PostgreSQL the tests and the compose file expect (trust auth). */
export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const CONNECT_TIMEOUT_MS = 5_000;
const QUERY_TIMEOUT_MS = 60_000;
const PROBE_TIMEOUT_MS = 2_000;

export interface OdooDatabaseOptions {
  /** A URL whose user may CREATE DATABASE. Default: DATABASE_URL, else DEFAULT_ADMIN_URL. */
  adminUrl?: string;
  /** Default: demoDataset(). */
  dataset?: Dataset;
  /** The day dataset offsets are relative to; default today (UTC). */
  asOf?: Date;
}

export interface OdooDatabase {
  /** URL of the new database (same server and credentials as the admin URL). */
  connectionString: string;
  /** Terminates the database's connections and drops it. Safe to call twice. */
  drop(): Promise<void>;
}

function resolveAdminUrl(adminUrl: string | undefined): string {
  return adminUrl ?? process.env.DATABASE_URL ?? DEFAULT_ADMIN_URL;
}

/**
 * A client for one-off statements. A half-open server must not hang a test run: loading takes well
 * under the query timeout.
 */
function withClient<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withPgClient(
    { connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, query_timeout: QUERY_TIMEOUT_MS },
    work,
  );
}

/** True when a PostgreSQL server answers at the URL within about two seconds. */
export async function postgresAvailable(adminUrl?: string): Promise<boolean> {
  return probePostgres(resolveAdminUrl(adminUrl), PROBE_TIMEOUT_MS);
}

/**
 * Creates a uniquely named database (`sb_odoo_<hex>`) on a real PostgreSQL server and loads the
 * Odoo schema and the dataset into it. Call drop() when done.
 */
export async function createOdooDatabase(options: OdooDatabaseOptions = {}): Promise<OdooDatabase> {
  const adminUrl = resolveAdminUrl(options.adminUrl);
  const databaseName = `sb_odoo_${randomBytes(6).toString('hex')}`;
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${databaseName}`;
  const connectionString = databaseUrl.toString();

  // The name is generated from hex digits only, so quoting it as an identifier is safe.
  await withClient(adminUrl, (admin) => admin.query(`CREATE DATABASE "${databaseName}"`));

  let dropped = false;
  const drop = async (): Promise<void> => {
    if (dropped) return;
    await withClient(adminUrl, async (admin) => {
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [databaseName],
      );
      await admin.query(`DROP DATABASE IF EXISTS "${databaseName}"`);
    });
    dropped = true;
  };

  try {
    await withClient(connectionString, (client) =>
      loadOdooDataset(client, options.dataset ?? demoDataset(), { asOf: options.asOf }),
    );
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  return { connectionString, drop };
}
