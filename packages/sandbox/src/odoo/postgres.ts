import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { demoDataset } from '../dataset/generate.js';
import type { Dataset } from '../dataset/types.js';
import { loadOdooDataset } from './load.js';

/** The local PostgreSQL the tests and the compose file expect (trust auth). */
export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const CONNECT_TIMEOUT_MS = 5_000;
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

async function withClient<T>(
  connectionString: string,
  timeoutMs: number,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: timeoutMs,
    // A half-open server must not hang a test run; loading takes well under this.
    query_timeout: Math.max(timeoutMs, 60_000),
  });
  // An idle client losing its server emits 'error'; without a listener that would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when a PostgreSQL server answers at the URL within about two seconds. */
export async function postgresAvailable(adminUrl?: string): Promise<boolean> {
  try {
    await withClient(resolveAdminUrl(adminUrl), PROBE_TIMEOUT_MS, (client) => client.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
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
  await withClient(adminUrl, CONNECT_TIMEOUT_MS, (admin) => admin.query(`CREATE DATABASE "${databaseName}"`));

  let dropped = false;
  const drop = async (): Promise<void> => {
    if (dropped) return;
    await withClient(adminUrl, CONNECT_TIMEOUT_MS, async (admin) => {
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [databaseName],
      );
      await admin.query(`DROP DATABASE IF EXISTS "${databaseName}"`);
    });
    dropped = true;
  };

  try {
    await withClient(connectionString, CONNECT_TIMEOUT_MS, (client) =>
      loadOdooDataset(client, options.dataset ?? demoDataset(), { asOf: options.asOf }),
    );
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  return { connectionString, drop };
}
