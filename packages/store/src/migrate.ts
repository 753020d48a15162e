import type { Logger } from '@switchboard/kit';
import pg from 'pg';
import { z } from 'zod';
import { describeError, ignore, parseRows, query, sqlState } from './db.js';
import { MigrationError, StoreError } from './errors.js';
import type { Migration } from './migrations.js';
import { migrationChecksum } from './migrations.js';

/** One arbitrary constant: every replica must contend for the same advisory lock. */
const MIGRATION_LOCK_KEY = '6472557436602286931';

const CREATE_HISTORY = `
CREATE TABLE IF NOT EXISTS switchboard_migrations (
  id         text PRIMARY KEY,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

const Settings = z.object({ statement_timeout: z.string(), lock_timeout: z.string() });
const HistoryRow = z.object({ id: z.string(), checksum: z.string() });
type HistoryRow = z.infer<typeof HistoryRow>;

export interface MigrateOptions {
  logger: Logger;
  /** How long to wait for another replica's migration run before giving up. */
  lockTimeoutMs: number;
}

/** Refuses a malformed list at start-up rather than at the first migrate(). */
export function checkMigrationList(list: readonly Migration[]): void {
  let previous = '';
  for (const migration of list) {
    if (!/^\d{4}_[a-z0-9_]+$/.test(migration.id)) {
      throw new StoreError(`Migration id "${migration.id}" must look like 0003_snake_case.`);
    }
    if (migration.id <= previous) {
      throw new StoreError(`Migration "${migration.id}" is out of order or repeated after "${previous}".`);
    }
    previous = migration.id;
  }
}

/**
 * Applies every pending migration, each in its own transaction, under a session advisory lock so
 * that replicas starting together apply each migration once: the others wait, then find nothing to do.
 */
export async function applyMigrations(
  pool: pg.Pool,
  list: readonly Migration[],
  options: MigrateOptions,
): Promise<{ applied: string[] }> {
  const client = await pool.connect();
  let healthy = true;
  // Without a listener, a socket failure while the client is checked out would crash the process.
  const onError = () => {
    healthy = false;
  };
  client.on('error', onError);
  try {
    // Saved rather than RESET: PGlite does not keep the connection's startup values as the defaults.
    const saved = await client.query(
      "SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('lock_timeout') AS lock_timeout",
    );
    const [settings] = parseRows(Settings, saved.rows, 'settings');
    await client.query("SELECT set_config('lock_timeout', $1, false)", [String(options.lockTimeoutMs)]);
    try {
      await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    } catch (err) {
      if (sqlState(err) !== '55P03') throw err;
      throw new StoreError(
        `Another process has held the migration lock for more than ${options.lockTimeoutMs} ms (a replica ` +
          'still migrating, or a stuck session). Retry, or look for it in pg_locks (locktype advisory).',
        { cause: err },
      );
    }
    try {
      // A migration may legitimately outlast the pool's statement timeout (an index on a big table).
      await client.query(
        "SELECT set_config('statement_timeout', '0', false), set_config('lock_timeout', '0', false)",
      );
      await client.query(CREATE_HISTORY);
      const pending = plan(list, await readHistory(client), options.logger);
      for (const migration of pending) {
        await applyOne(client, migration);
        options.logger.info({ migration: migration.id }, 'store: migration applied');
      }
      return { applied: pending.map((migration) => migration.id) };
    } finally {
      try {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
        // Back to the values the pool's connection was opened with.
        await client.query(
          "SELECT set_config('statement_timeout', $1, false), set_config('lock_timeout', $2, false)",
          [settings?.statement_timeout ?? '0', settings?.lock_timeout ?? '0'],
        );
      } catch {
        // Closing the session is what releases the lock then.
        healthy = false;
      }
    }
  } catch (err) {
    if (!(err instanceof StoreError)) healthy = false;
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(!healthy);
  }
}

/** The known migrations not yet applied; throws like migrate() when the history disagrees. */
export async function listPendingMigrations(
  pool: pg.Pool,
  list: readonly Migration[],
  logger: Logger,
): Promise<string[]> {
  const exists = await query(pool, "SELECT to_regclass('switchboard_migrations') IS NOT NULL AS present");
  const [row] = parseRows(z.object({ present: z.boolean() }), exists.rows, 'migration history');
  if (row?.present !== true) return list.map((migration) => migration.id);
  return plan(list, await readHistory(pool), logger).map((migration) => migration.id);
}

async function readHistory(db: pg.Pool | pg.PoolClient): Promise<HistoryRow[]> {
  const sql = 'SELECT id, checksum FROM switchboard_migrations ORDER BY id';
  const result = await (db instanceof pg.Pool ? query(db, sql) : db.query(sql));
  return parseRows(HistoryRow, result.rows, 'switchboard_migrations');
}

function plan(list: readonly Migration[], history: readonly HistoryRow[], logger: Logger): Migration[] {
  const applied = new Map(history.map((row) => [row.id, row.checksum]));
  const known = new Set(list.map((migration) => migration.id));
  const unknown = history.filter((row) => !known.has(row.id)).map((row) => row.id);
  if (unknown.length > 0) {
    // A newer build migrated this database; this one can still run if the change was additive.
    logger.warn({ unknown }, 'store: the database has migrations this build does not know');
  }

  const pending: Migration[] = [];
  for (const migration of list) {
    const recorded = applied.get(migration.id);
    if (recorded === undefined) {
      pending.push(migration);
      continue;
    }
    const expected = migrationChecksum(migration);
    if (recorded !== expected) {
      throw new MigrationError(
        migration.id,
        `Migration ${migration.id} was changed after it was applied to this database (recorded checksum ` +
          `${recorded.slice(0, 12)}..., this build ${expected.slice(0, 12)}...). Restore its original SQL ` +
          'and put the change in a new migration.',
      );
    }
    const skipped = pending[0];
    if (skipped !== undefined) {
      throw new MigrationError(
        skipped.id,
        `Migration ${skipped.id} is not applied but the later ${migration.id} is: migrations must be ` +
          'appended to the list, never inserted before applied ones.',
      );
    }
  }
  return pending;
}

async function applyOne(client: pg.PoolClient, migration: Migration): Promise<void> {
  await client.query('BEGIN');
  try {
    // No parameters: the simple query protocol, which accepts several statements.
    await client.query(migration.sql);
    await client.query('INSERT INTO switchboard_migrations (id, checksum) VALUES ($1, $2)', [
      migration.id,
      migrationChecksum(migration),
    ]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(ignore);
    throw new MigrationError(
      migration.id,
      `Migration ${migration.id} failed and was rolled back: ${String(describeError(err).message ?? err)}`,
      { cause: err },
    );
  }
}
