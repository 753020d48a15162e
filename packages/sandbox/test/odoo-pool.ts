import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/** A database holding the dataset's Odoo part, however a suite opens it. */
export interface OpenedOdooDatabase {
  connectionString: string;
  close(): Promise<void>;
}

export interface OdooPool {
  /** The suite's pool; throws when opening the database failed, so that each test reports it. */
  pool(): pg.Pool;
  connectionString(): string | undefined;
}

/**
 * Registers hooks that open the database before the suite's tests, with a pg Pool of `max`
 * connections on it, and end the pool and then the database after them.
 */
export function useOdooPool(
  open: () => Promise<OpenedOdooDatabase>,
  options: { max: number; notOpened: string },
): OdooPool {
  let database: OpenedOdooDatabase | undefined;
  let pool: pg.Pool | undefined;

  beforeAll(async () => {
    database = await open();
    pool = new pg.Pool({
      connectionString: database.connectionString,
      max: options.max,
      connectionTimeoutMillis: 5_000,
    });
  });

  afterAll(async () => {
    await pool?.end();
    await database?.close();
  });

  return {
    pool() {
      if (pool === undefined) throw new Error(options.notOpened);
      return pool;
    },
    connectionString: () => database?.connectionString,
  };
}
