import { type Cache, createMemoryCache, createRedisCache } from '@switchboard/cache';
import { createIdentity, type Identity } from '@switchboard/kit';
import { type AuditEvent, AuditWriter, openStore, type Store } from '@switchboard/store';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from './config.js';
import { Connections, errorReason, type InstanceCheck } from './connections.js';
import { InFlightCalls } from './inflight.js';
import { Lifecycle } from './lifecycle.js';
import type { GatewayLogger } from './logger.js';
import { Metrics } from './metrics.js';
import { QuotaGuard } from './quota.js';
import { createRedis, pingRedis } from './redis.js';
import { type MountedInstance, Registry } from './registry.js';
import type { Adapters } from './sources.js';
import { Tracing } from './tracing.js';

export type { InstanceCheck } from './connections.js';

/** How often migrations are retried when the database was down at start-up. */
const MIGRATION_RETRY_MS = 5_000;

/**
 * The registry plus one connected client per connector instance. Built once per process; every
 * request (and every per-request MCP server object) shares it. A connector that cannot connect at
 * start-up does not stop the gateway: its instance is reported by /readyz, its tools answer
 * `upstream_unavailable`, and the connection is retried on demand.
 */
export class Runtime {
  private readonly connections: Connections;
  private closed = false;
  /** Shared state across replicas (rate limits, quotas, cache); absent on embedded defaults. */
  readonly redis: Redis | undefined;
  readonly quotas: QuotaGuard;
  readonly lifecycle = new Lifecycle();
  /** Tool calls in progress in this process, for `notifications/cancelled`. */
  readonly inFlight = new InFlightCalls();
  readonly metrics: Metrics;
  readonly tracing: Tracing;
  /** Email and domain rules every connector applies (the built-in free-mail list plus configured ones). */
  readonly identity: Identity;
  /** Results of read-only tools and capability calls: Redis when configured, memory otherwise. */
  readonly cache: Cache | undefined;
  /** PostgreSQL (or embedded PGlite): API keys and the audit trail. */
  store: Store | undefined;
  audit: AuditWriter | undefined;
  private migrated = false;
  private migrationRetry: NodeJS.Timeout | undefined;

  private constructor(
    readonly config: GatewayConfig,
    readonly registry: Registry,
    readonly logger: GatewayLogger,
  ) {
    this.connections = new Connections(logger);
    this.redis = config.redis ? createRedis(config.redis, logger) : undefined;
    this.quotas = new QuotaGuard(this.redis, logger);
    this.tracing = new Tracing(config.tracing.enabled);
    this.identity = createIdentity(config.identity.freeMailDomains);
    const cacheLogger = logger.child({ component: 'cache' });
    this.cache = !config.cache.enabled
      ? undefined
      : this.redis && config.redis
        ? createRedisCache({
            redis: this.redis,
            prefix: 'cache:',
            commandTimeoutMs: config.redis.commandTimeoutMs,
            maxEntryBytes: config.cache.maxEntryBytes,
            logger: cacheLogger,
          })
        : createMemoryCache({
            maxEntries: config.cache.maxEntries,
            maxEntryBytes: config.cache.maxEntryBytes,
            logger: cacheLogger,
          });
    this.metrics = new Metrics({ audit: () => this.audit, ready: () => !this.lifecycle.shuttingDown });
  }

  /** Opens the database when keys or the audit trail need it, and migrates it when configured. */
  private async openStore(): Promise<void> {
    const { config } = this;
    const needed = config.audit.enabled || (config.auth?.apiKeys.enabled ?? false);
    if (!needed) return;
    this.store = await openStore({
      ...(config.database.url ? { databaseUrl: config.database.url } : { dataDir: config.database.dataDir }),
      poolMax: config.database.poolMax,
      logger: this.logger.child({ component: 'store' }),
    });
    if (config.audit.enabled) {
      this.audit = new AuditWriter(this.store.audit, {
        batchSize: config.audit.batchSize,
        flushIntervalMs: config.audit.flushIntervalMs,
        maxBuffered: config.audit.maxBuffered,
        logger: this.logger.child({ component: 'audit' }),
      });
    }
    if (config.database.migrateOnStart) await this.migrate();
    else this.migrated = true;
  }

  /** Applies migrations; while the database is down, retries in the background (audit rows buffer). */
  private async migrate(): Promise<void> {
    const store = this.store;
    if (!store || this.closed) return;
    try {
      const { applied } = await store.migrate();
      this.migrated = true;
      if (applied.length > 0) this.logger.info({ applied }, 'database migrated');
    } catch (error) {
      this.logger.error({ err: error, retryInMs: MIGRATION_RETRY_MS }, 'database migration failed; retrying');
      this.migrationRetry = setTimeout(() => void this.migrate(), MIGRATION_RETRY_MS);
      this.migrationRetry.unref();
    }
  }

  /** Hands an audit event to the batching writer; never blocks or throws. */
  recordAudit(event: AuditEvent): void {
    this.audit?.record(event);
  }

  /**
   * Gives Redis its connect timeout to come up at start-up, so the first requests count against the
   * shared limits; past that the gateway starts degraded and keeps reconnecting in the background.
   */
  private async waitForRedis(): Promise<void> {
    const { redis } = this;
    if (!redis || !this.config.redis || redis.status === 'ready') return;
    const timeoutMs = this.config.redis.connectTimeoutMs;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        redis?.off('ready', done);
        resolve();
      }
      redis.once('ready', done);
    });
    // Re-read: the status changed while waiting.
    const status: string = redis.status;
    if (status !== 'ready')
      this.logger.warn({ timeoutMs }, 'starting without redis: limits are per process until it connects');
  }

  /** Readiness of the shared dependencies (database, Redis), each under the deadline. */
  async checkDependencies(timeoutMs: number): Promise<Record<string, InstanceCheck>> {
    const results: Record<string, InstanceCheck> = {};
    const probe = async (name: string, ping: () => Promise<unknown>) => {
      const started = performance.now();
      const latencyMs = () => Math.round(performance.now() - started);
      try {
        await ping();
        results[name] = { status: 'ok', latencyMs: latencyMs() };
      } catch (error) {
        results[name] = { status: 'error', latencyMs: latencyMs(), reason: errorReason(error) };
      }
    };
    const { store, redis } = this;
    if (store) {
      await probe('database', async () => {
        if (!this.migrated) throw new Error('migrations not applied yet');
        await store.ping(AbortSignal.timeout(timeoutMs));
      });
    }
    if (redis) await probe('redis', () => pingRedis(redis, timeoutMs));
    return results;
  }

  static async start(config: GatewayConfig, logger: GatewayLogger): Promise<Runtime> {
    const registry = new Registry(config.connectors, config.tools);
    registry.logWarnings(logger);
    const runtime = new Runtime(config, registry, logger);
    await runtime.waitForRedis();
    await runtime.openStore();
    await Promise.all(
      registry.instances.map((instance) => runtime.connections.connect(instance).catch(() => undefined)),
    );
    logger.info(
      {
        connectors: registry.instances.map((i) => i.info.namespace),
        tools: registry.tools.size,
        resourceTemplates: registry.resourceTemplates.length,
        prompts: registry.prompts.size,
      },
      'catalogue ready',
    );
    return runtime;
  }

  /** The instance's client, connecting first if needed; `upstream_unavailable` while it cannot. */
  clientFor(instance: MountedInstance): Promise<unknown> {
    return this.connections.clientFor(instance);
  }

  /** The instance's capability adapters, connecting it first if needed. */
  adaptersFor(instance: MountedInstance): Promise<Adapters> {
    return this.connections.adaptersFor(instance);
  }

  /** Every connector instance's readiness check, in parallel, each under the deadline. */
  check(timeoutMs: number): Promise<Record<string, InstanceCheck>> {
    return this.connections.check(this.registry.instances, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connections.close();
    clearTimeout(this.migrationRetry);
    await this.cache?.close();
    if (this.audit) {
      const { unwritten } = await this.audit.close(this.config.server.shutdownGraceMs);
      if (unwritten.length > 0)
        this.logger.error({ unwritten: unwritten.length }, 'audit rows not written at shutdown');
    }
    await this.store?.close();
    if (this.redis) await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
