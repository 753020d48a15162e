import { randomBytes } from 'node:crypto';
import type { Logger } from '@switchboard/kit';
import { silentLogger } from '@switchboard/kit/testing';
import { postgresAvailable as probePostgres, withPgClient } from '@switchboard/pg-support';
import type pg from 'pg';
import { startEmbeddedPostgres } from '../src/index.js';

/** The local PostgreSQL the tests expect (trust auth); DATABASE_URL overrides it. */
export const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** A URL the pg driver can use. */
  url: string;
  drop(): Promise<void>;
}

export interface LogRecord {
  level: string;
  obj: object;
  msg?: string;
}

export function recordingLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { logger: silentLogger(records), records };
}

export function messages(records: readonly LogRecord[], level: string): string[] {
  return records.filter((record) => record.level === level).map((record) => record.msg ?? '');
}

function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withPgClient({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2_000 }, work);
}

export function postgresAvailable(): Promise<boolean> {
  return probePostgres(ADMIN_URL);
}

/** A new, empty database `sb_store_<hex>` on the server at ADMIN_URL. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `sb_store_${randomBytes(6).toString('hex')}`;
  // Hex digits only, so quoting the name as an identifier is safe.
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(async (admin) => {
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
          name,
        ]);
        await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
      });
    },
  };
}

/** A new, empty PGlite served on a loopback port (one connection at a time). */
export async function createPgliteDatabase(): Promise<TestDatabase> {
  const embedded = await startEmbeddedPostgres();
  return { url: embedded.connectionString, drop: () => embedded.close() };
}
