import type { Logger } from '@switchboard/kit';
import pg from 'pg';
import type { ApiKeyRepository } from './api-keys.js';
import { createApiKeyRepository } from './api-keys.js';
import type { AuditRepository } from './audit.js';
import { createAuditRepository } from './audit.js';
import { describeError, withConnection } from './db.js';
import { startEmbeddedPostgres } from './embedded.js';
import { applyMigrations, checkMigrationList, listPendingMigrations } from './migrate.js';
import type { Migration } from './migrations.js';
import { migrations as builtInMigrations } from './migrations.js';

export interface StoreOptions {
  /** A PostgreSQL server. Without it, embedded PGlite is started in this process. */
  databaseUrl?: string;
  /** Embedded only: directory to persist to; undefined or 'memory' keeps everything in memory. */
  dataDir?: string;
  /** Server only (default 10); the embedded database always gets exactly one connection. */
  poolMax?: number;
  /** Server-side limit of every statement except migrations (default 15000). */
  statementTimeoutMs?: number;
  /**
   * How long to wait for a connection, including for a busy pool to free one (default 5000 for a
   * server, 30000 embedded, where every query queues behind the single connection).
   */
  connectTimeoutMs?: number;
  /** How long migrate() waits for another replica's migration run (default 120000). */
  migrationLockTimeoutMs?: number;
  /** touchLastUsed() writes at most once per key per this interval (default 60000). */
  lastUsedGranularityMs?: number;
  logger: Logger;
}

export interface Store {
  readonly kind: 'postgres' | 'pglite';
  /** Applies pending migrations once across replicas; idempotent. Returns the ids it applied. */
  migrate(): Promise<{ applied: string[] }>;
  /** Ids of the migrations this build would apply. Throws like migrate() when history disagrees. */
  pendingMigrations(): Promise<string[]>;
  /** Resolves when the database answers a query; rejects at once when `signal` aborts (readiness). */
  ping(signal: AbortSignal): Promise<void>;
  readonly apiKeys: ApiKeyRepository;
  readonly audit: AuditRepository;
  /** Ends the pool (and stops embedded PGlite). Close an AuditWriter on it first. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;

export async function openStore(options: StoreOptions): Promise<Store> {
  const { logger } = options;
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const common = {
    logger,
    migrations: builtInMigrations,
    lockTimeoutMs: options.migrationLockTimeoutMs ?? 120_000,
    lastUsedGranularityMs: options.lastUsedGranularityMs ?? 60_000,
  };

  if (options.databaseUrl !== undefined) {
    const pool = createPool(logger, {
      connectionString: options.databaseUrl,
      max: options.poolMax ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: statementTimeoutMs,
      // A connection left in a transaction by a crashed caller must not hold locks for ever.
      idle_in_transaction_session_timeout: Math.max(statementTimeoutMs * 2, 10_000),
      // Lets the server notice a peer that vanished (network cut) rather than keep its backend.
      keepAlive: true,
    });
    return createStore(pool, { ...common, kind: 'postgres', onClose: async () => {} });
  }

  const embedded = await startEmbeddedPostgres(
    options.dataDir === undefined ? {} : { dataDir: options.dataDir },
  );
  const pool = createPool(logger, {
    connectionString: embedded.connectionString,
    max: 1,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 30_000,
    // Keep the one connection open: a reconnect may race the server's cleanup of the old one and be
    // refused as "too many connections".
    idleTimeoutMillis: 0,
    statement_timeout: statementTimeoutMs,
  });
  logger.debug({ dataDir: options.dataDir ?? 'memory' }, 'store: embedded PGlite started');
  return createStore(pool, { ...common, kind: 'pglite', onClose: () => embedded.close() });
}

function createPool(logger: Logger, config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool({ ...config, application_name: 'switchboard' });
  // An idle connection losing its server emits 'error'; without a listener the process would crash.
  pool.on('error', (err) =>
    logger.warn({ err: describeError(err) }, 'store: idle PostgreSQL connection failed'),
  );
  return pool;
}

export interface CreateStoreOptions {
  kind: Store['kind'];
  logger: Logger;
  migrations: readonly Migration[];
  lockTimeoutMs: number;
  lastUsedGranularityMs: number;
  /** Runs after the pool has ended. */
  onClose: () => Promise<void>;
}

/** A store over an existing pool (openStore's second half; tests use it with their own migration lists). */
export function createStore(pool: pg.Pool, options: CreateStoreOptions): Store {
  checkMigrationList(options.migrations);
  let closing: Promise<void> | undefined;
  return {
    kind: options.kind,
    migrate: () =>
      applyMigrations(pool, options.migrations, {
        logger: options.logger,
        lockTimeoutMs: options.lockTimeoutMs,
      }),
    pendingMigrations: () => listPendingMigrations(pool, options.migrations, options.logger),
    async ping(signal) {
      await withConnection(pool, signal, (client) => client.query('SELECT 1'));
    },
    apiKeys: createApiKeyRepository(pool, { lastUsedGranularityMs: options.lastUsedGranularityMs }),
    audit: createAuditRepository(pool),
    close() {
      closing ??= (async () => {
        await pool.end();
        await options.onClose();
      })();
      return closing;
    },
  };
}
