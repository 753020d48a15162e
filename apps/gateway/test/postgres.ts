import { randomBytes } from 'node:crypto';
import { postgresAvailable, withPgClient } from '@switchboard/pg-support';
import type pg from 'pg';

export const ADMIN_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withPgClient({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2_000 }, work);
}

export function postgresReachable(): Promise<boolean> {
  return postgresAvailable(ADMIN_URL);
}

export function requirePostgres(available: boolean, what: string): void {
  if (available) return;
  if (process.env.CI === 'true')
    throw new Error(`PostgreSQL is not reachable at ${ADMIN_URL}; CI=true requires it for ${what}.`);
  process.stderr.write(`\n*** SKIPPED: ${what} (no PostgreSQL at ${ADMIN_URL}). ***\n\n`);
}

/** A database of its own for one test, dropped afterwards. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sb_gateway_${randomBytes(5).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await withAdmin(async (client) => {
        await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
          name,
        ]);
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
      });
    },
  };
}
