import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, AuditSink, NewApiKey, Store } from '../src/index.js';
import { AuditWriter, MigrationError, migrations, openStore, StoreConflictError } from '../src/index.js';
import type { Migration } from '../src/migrations.js';
import { createStore } from '../src/store.js';
import { TcpProxy } from './proxy.js';
import type { TestDatabase } from './support.js';
import { messages, recordingLogger } from './support.js';

export interface Backend {
  name: string;
  /** The store the repository tests share, opened the way the gateway opens it. */
  openDefault(): Promise<{ store: Store; close(): Promise<void> }>;
  expectedKind: Store['kind'];
  /** A fresh, empty database. */
  createDatabase(): Promise<TestDatabase>;
  /** Connections the database accepts at once (PGlite: one). */
  poolMax: number;
}

const ALL_MIGRATIONS = migrations.map((migration) => migration.id);

function suffix(): string {
  return randomBytes(4).toString('hex');
}

function storeOver(pool: pg.Pool, list: readonly Migration[] = migrations, lockTimeoutMs = 10_000): Store {
  return createStore(pool, {
    kind: 'postgres',
    logger: recordingLogger().logger,
    migrations: list,
    lockTimeoutMs,
    lastUsedGranularityMs: 60_000,
    onClose: async () => {},
  });
}

function newKey(overrides: Partial<NewApiKey> = {}): NewApiKey {
  const tag = suffix();
  return {
    id: randomUUID(),
    name: `key-${tag}`,
    prefix: `sb_${tag}`,
    hash: randomBytes(32).toString('hex'),
    scopes: ['crm:read', 'erp:read'],
    expiresAt: null,
    ...overrides,
  };
}

function event(principal: string, index: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    at: new Date(Date.UTC(2026, 0, 1) + index * 1000),
    requestId: `req-${index}`,
    principal,
    tool: 'crm__search_accounts',
    inputDigest: `digest-${index}`,
    input: { query: `acme ${index}`, limit: 10 },
    outcome: 'ok',
    durationMs: 12.5,
    cacheStatus: 'miss',
    upstreamCalls: 1,
    ...overrides,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The whole store suite, run once per backend. */
export function storeSuite(backend: Backend): void {
  describe(`store on ${backend.name}`, () => {
    describe('migrations', () => {
      it('applies every migration once, then nothing: migrate() is idempotent', async () => {
        const database = await backend.createDatabase();
        const { logger } = recordingLogger();
        const store = await openStore({ databaseUrl: database.url, poolMax: backend.poolMax, logger });
        try {
          expect(await store.pendingMigrations()).toEqual(ALL_MIGRATIONS);
          expect(await store.migrate()).toEqual({ applied: ALL_MIGRATIONS });
          expect(await store.pendingMigrations()).toEqual([]);
          expect(await store.migrate()).toEqual({ applied: [] });
          // The session is back to the pool's statement timeout after migrating without one.
          await store.apiKeys.insert(newKey());
        } finally {
          await store.close();
          await database.drop();
        }
      });

      it('applies each migration exactly once when two stores migrate the same database at once', async () => {
        const database = await backend.createDatabase();
        const poolA = new pg.Pool({ connectionString: database.url, max: backend.poolMax });
        // PGlite takes one connection: both stores then share the pool, and the race is on the pool.
        const poolB =
          backend.poolMax > 1 ? new pg.Pool({ connectionString: database.url, max: backend.poolMax }) : poolA;
        try {
          const [a, b] = await Promise.all([storeOver(poolA).migrate(), storeOver(poolB).migrate()]);
          expect([...a.applied, ...b.applied].sort()).toEqual(ALL_MIGRATIONS);
          const history = await poolA.query('SELECT id FROM switchboard_migrations ORDER BY id');
          expect(history.rows).toEqual(ALL_MIGRATIONS.map((id) => ({ id })));
        } finally {
          if (poolB !== poolA) await poolB.end();
          await poolA.end();
          await database.drop();
        }
      });

      // Needs a second session holding the lock; embedded PGlite serves one connection (the same
      // test runs on PostgreSQL, which CI requires).
      it.skipIf(backend.poolMax === 1)(
        'waits for the advisory lock held by another session before migrating, and gives up after the lock timeout',
        async () => {
          const database = await backend.createDatabase();
          const holder = new pg.Client({ connectionString: database.url });
          const pool = new pg.Pool({ connectionString: database.url, max: 3 });
          try {
            await holder.connect();
            await holder.query('SELECT pg_advisory_lock(6472557436602286931)');
            let done = false;
            const migrating = storeOver(pool)
              .migrate()
              .finally(() => {
                done = true;
              });
            await expect(storeOver(pool, migrations, 200).migrate()).rejects.toThrow(
              /held the migration lock for more than 200 ms/,
            );
            expect(done).toBe(false);
            await holder.query('SELECT pg_advisory_unlock(6472557436602286931)');
            expect(await migrating).toEqual({ applied: ALL_MIGRATIONS });
          } finally {
            await holder.end();
            await pool.end();
            await database.drop();
          }
        },
      );

      it('refuses to run when an applied migration was changed, or one was inserted before applied ones', async () => {
        const database = await backend.createDatabase();
        const pool = new pg.Pool({ connectionString: database.url, max: backend.poolMax });
        try {
          const extra: Migration = { id: '0901_extra', sql: 'CREATE TABLE extra (id int)' };
          expect((await storeOver(pool, [...migrations, extra]).migrate()).applied).toEqual([
            ...ALL_MIGRATIONS,
            '0901_extra',
          ]);

          const [first, ...rest] = migrations;
          if (first === undefined) throw new Error('no migrations');
          const edited = storeOver(pool, [{ id: first.id, sql: `${first.sql}\n-- edited` }, ...rest, extra]);
          const refusal = await edited.migrate().then(
            () => undefined,
            (err: unknown) => err,
          );
          expect(refusal).toBeInstanceOf(MigrationError);
          expect(refusal).toMatchObject({ migration: '0001_api_keys' });
          expect(String(refusal)).toContain('0001_api_keys was changed after it was applied');
          await expect(edited.pendingMigrations()).rejects.toThrow(/0001_api_keys/);

          const inserted: Migration = { id: '0900_inserted', sql: 'CREATE TABLE inserted (id int)' };
          await expect(storeOver(pool, [...migrations, inserted, extra]).migrate()).rejects.toThrow(
            /0900_inserted is not applied but the later 0901_extra is/,
          );
          const tables = await pool.query("SELECT to_regclass('inserted') IS NULL AS absent");
          expect(tables.rows).toEqual([{ absent: true }]);
        } finally {
          await pool.end();
          await database.drop();
        }
      });
    });

    describe('repositories', () => {
      let store: Store;
      let close: (() => Promise<void>) | undefined;

      beforeAll(async () => {
        const opened = await backend.openDefault();
        store = opened.store;
        close = opened.close;
        await store.migrate();
      });
      afterAll(async () => {
        await close?.();
      });

      it('opens the expected kind of store and answers ping()', async () => {
        expect(store.kind).toBe(backend.expectedKind);
        await store.ping(AbortSignal.timeout(5_000));
        await expect(store.ping(AbortSignal.abort())).rejects.toThrow(/abandoned/);
      });

      describe('api keys', () => {
        it('stores a key and finds it by prefix, with only the hash of the secret', async () => {
          const key = newKey({ expiresAt: new Date('2030-01-01T00:00:00Z') });
          const inserted = await store.apiKeys.insert(key);
          expect(inserted).toEqual({
            ...key,
            createdAt: expect.any(Date),
            revokedAt: null,
            lastUsedAt: null,
          });
          expect(Math.abs(inserted.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
          expect(await store.apiKeys.findByPrefix(key.prefix)).toEqual(inserted);
          expect(await store.apiKeys.findByPrefix(`${key.prefix}-nope`)).toBeNull();
          expect((await store.apiKeys.list()).map((record) => record.id)).toContain(key.id);
          await expect(store.apiKeys.insert(newKey({ hash: 'not hex!' }))).rejects.toThrow(/hex/);
        });

        it('refuses a second active key with the same name, naming it, until the first is revoked', async () => {
          const first = await store.apiKeys.insert(newKey());
          const clash = await store.apiKeys.insert(newKey({ name: first.name })).then(
            () => undefined,
            (err: unknown) => err,
          );
          expect(clash).toBeInstanceOf(StoreConflictError);
          expect(clash).toMatchObject({ field: 'name', value: first.name });
          expect(String(clash)).toContain(`"${first.name}"`);

          await expect(store.apiKeys.insert(newKey({ prefix: first.prefix }))).rejects.toMatchObject({
            field: 'prefix',
          });

          expect(await store.apiKeys.revoke(first.name)).toMatchObject({
            id: first.id,
            revokedAt: expect.any(Date),
          });
          const second = await store.apiKeys.insert(newKey({ name: first.name }));
          expect(second.name).toBe(first.name);
        });

        it('revokes by name or id, keeps the first revocation time, and hides revoked keys from list()', async () => {
          const byName = await store.apiKeys.insert(newKey());
          const byId = await store.apiKeys.insert(newKey());

          const revokedByName = await store.apiKeys.revoke(byName.name);
          expect(revokedByName?.id).toBe(byName.id);
          const revokedById = await store.apiKeys.revoke(byId.id);
          expect(revokedById?.revokedAt).toBeInstanceOf(Date);
          const again = await store.apiKeys.revoke(byId.id);
          expect(again?.revokedAt).toEqual(revokedById?.revokedAt);
          expect(await store.apiKeys.revoke(byName.name)).toBeNull();
          expect(await store.apiKeys.revoke(randomUUID())).toBeNull();
          expect(await store.apiKeys.revoke('no-such-key')).toBeNull();

          const active = (await store.apiKeys.list()).map((record) => record.id);
          expect(active).not.toContain(byName.id);
          expect(active).not.toContain(byId.id);
          const all = (await store.apiKeys.list({ includeRevoked: true })).map((record) => record.id);
          expect(all).toEqual(expect.arrayContaining([byName.id, byId.id]));
          // A revoked key is still found by prefix: the caller tells "revoked" from "unknown".
          expect((await store.apiKeys.findByPrefix(byName.prefix))?.revokedAt).toBeInstanceOf(Date);
        });

        it('records last use at most once a minute per key and never moves it backwards', async () => {
          const key = await store.apiKeys.insert(newKey());
          const t0 = new Date('2026-03-01T10:00:00Z');
          const lastUsed = async () => (await store.apiKeys.findByPrefix(key.prefix))?.lastUsedAt;

          expect(await store.apiKeys.touchLastUsed(key.id, t0)).toBe(true);
          expect(await lastUsed()).toEqual(t0);
          expect(await store.apiKeys.touchLastUsed(key.id, new Date(t0.getTime() + 30_000))).toBe(false);
          expect(await lastUsed()).toEqual(t0);
          const later = new Date(t0.getTime() + 90_000);
          expect(await store.apiKeys.touchLastUsed(key.id, later)).toBe(true);
          expect(await lastUsed()).toEqual(later);
          expect(await store.apiKeys.touchLastUsed(key.id, t0)).toBe(false);
          expect(await lastUsed()).toEqual(later);
          expect(await store.apiKeys.touchLastUsed(randomUUID(), later)).toBe(false);
        });
      });

      describe('audit events', () => {
        it('inserts a batch in one statement and queries it by principal, tool and time range, newest first', async () => {
          const principal = `key:${suffix()}`;
          const other = `key:${suffix()}`;
          const events = [
            ...Array.from({ length: 6 }, (_, i) =>
              event(principal, i, { tool: i % 2 === 0 ? 'a__x' : 'b__y' }),
            ),
            event(other, 3, { tool: 'a__x' }),
          ];
          expect(await store.audit.insertBatch(events)).toBe(7);

          const mine = await store.audit.query({ principal });
          expect(mine.map((row) => row.requestId)).toEqual([
            'req-5',
            'req-4',
            'req-3',
            'req-2',
            'req-1',
            'req-0',
          ]);
          expect(mine[0]).toEqual({
            ...events[5],
            kind: 'tool',
            id: expect.stringMatching(/^[0-9a-f-]{36}$/),
            seq: expect.any(Number),
          });

          const reader = `key:${suffix()}`;
          const read = { ...event(reader, 9, { tool: 'a__doc' }), kind: 'resource' as const };
          expect(await store.audit.insertBatch([read])).toBe(1);
          const [readRow] = await store.audit.query({ principal: reader });
          expect(readRow?.kind).toBe('resource');

          const toolA = await store.audit.query({ principal, tool: 'a__x' });
          expect(toolA.map((row) => row.requestId)).toEqual(['req-4', 'req-2', 'req-0']);
          const byTool = await store.audit.query({
            tool: 'a__x',
            since: events[3]?.at,
            until: events[4]?.at,
          });
          expect(byTool.map((row) => row.principal)).toEqual([other]);

          // since is inclusive, until exclusive.
          const range = await store.audit.query({ principal, since: events[1]?.at, until: events[4]?.at });
          expect(range.map((row) => row.requestId)).toEqual(['req-3', 'req-2', 'req-1']);
          const limited = await store.audit.query({ principal, limit: 2 });
          expect(limited.map((row) => row.requestId)).toEqual(['req-5', 'req-4']);
        });

        it('caps a query at 1000 rows', async () => {
          const principal = `key:${suffix()}`;
          await store.audit.insertBatch(Array.from({ length: 1005 }, (_, i) => event(principal, i)));
          expect(await store.audit.query({ principal, limit: 5000 })).toHaveLength(1000);
        });

        it('skips events whose id is already stored, so a retried batch is written once', async () => {
          const principal = `key:${suffix()}`;
          const events = Array.from({ length: 3 }, (_, i) => event(principal, i, { id: randomUUID() }));
          expect(await store.audit.insertBatch(events)).toBe(3);
          expect(await store.audit.insertBatch([...events, event(principal, 3, { id: randomUUID() })])).toBe(
            1,
          );
          expect(await store.audit.query({ principal })).toHaveLength(4);
        });

        it('stores inputs PostgreSQL would refuse (NUL, undefined, circular) instead of failing the batch', async () => {
          const principal = `key:${suffix()}`;
          const circular: Record<string, unknown> = { a: 1 };
          circular.self = circular;
          await store.audit.insertBatch([
            event(principal, 0, {
              input: { text: 'nul\u0000here', literal: '\\u0000' },
              requestId: 'r\u00000',
            }),
            event(principal, 1, { input: undefined }),
            event(principal, 2, { input: circular }),
            event(principal, 3, { input: ['a', { b: [1, 2] }], cacheStatus: null, upstreamCalls: null }),
          ]);
          const rows = await store.audit.query({ principal });
          expect(rows.map((row) => row.input)).toEqual([
            ['a', { b: [1, 2] }],
            { $unserializable: expect.stringContaining('circular') },
            null,
            { text: 'nul\uFFFDhere', literal: '\\u0000' },
          ]);
          expect(rows[3]?.requestId).toBe('r\uFFFD0');
          expect(rows[0]).toMatchObject({ cacheStatus: null, upstreamCalls: null });
        });

        it('stores lone surrogates (invalid text jsonb refuses) as U+FFFD, in keys and values, keeping pairs', async () => {
          const principal = `key:${suffix()}`;
          await store.audit.insertBatch([
            event(principal, 0, {
              input: { text: 'a\ud800b', low: '\udc00', pair: '😀', 'k\ud800': 1, literal: '\\ud800' },
              tool: 't\udfff',
            }),
          ]);
          const [row] = await store.audit.query({ principal });
          expect(row?.input).toEqual({
            text: 'a\uFFFDb',
            low: '\uFFFD',
            pair: '😀',
            'k\uFFFD': 1,
            literal: '\\ud800',
          });
          expect(row?.tool).toBe('t\uFFFD');
        });
      });
    });

    describe('audit writer, with the database behind a TCP proxy', () => {
      let database: TestDatabase;
      let proxy: TcpProxy;
      let store: Store;

      beforeAll(async () => {
        database = await backend.createDatabase();
        proxy = await TcpProxy.start(database.url);
        store = await openStore({
          databaseUrl: proxy.url,
          poolMax: backend.poolMax,
          connectTimeoutMs: 1_000,
          logger: recordingLogger().logger,
        });
        await store.migrate();
      });
      afterAll(async () => {
        proxy?.restore();
        await store?.close();
        await proxy?.close();
        await database?.drop();
      });

      const rowsOf = async (principal: string) =>
        (await store.audit.query({ principal, limit: 1000 })).sort((a, b) => a.seq - b.seq);

      it('sets aside an event the database refuses for its content, counts it rejected, and writes the rest', async () => {
        const principal = `key:${suffix()}`;
        const { logger, records } = recordingLogger();
        // A sink that sends the input as given, as a store without the input cleaning would.
        const sink: AuditSink = {
          insertBatch: async (events, options) => {
            const poisoned = events.find((candidate) => candidate.requestId === 'req-poison');
            if (poisoned) {
              throw Object.assign(new Error('invalid input syntax for type json'), { code: '22P02' });
            }
            return store.audit.insertBatch(events, options);
          },
        };
        const writer = new AuditWriter(sink, { batchSize: 10, flushIntervalMs: 60_000, logger });
        writer.record(event(principal, 0));
        writer.record(event(principal, 1, { requestId: 'req-poison' }));
        writer.record(event(principal, 2));
        expect(await writer.close()).toEqual({ written: 2, unwritten: [] });
        expect(writer.stats()).toMatchObject({ written: 2, rejected: 1, buffered: 0, failedFlushes: 0 });
        expect((await rowsOf(principal)).map((row) => row.requestId)).toEqual(['req-0', 'req-2']);
        expect(messages(records, 'error').join('\n')).toContain('set aside');
      });

      it('groups events into batches of at most batchSize rows', async () => {
        const principal = `key:${suffix()}`;
        const sizes: number[] = [];
        const sink: AuditSink = {
          insertBatch: (events, options) => {
            sizes.push(events.length);
            return store.audit.insertBatch(events, options);
          },
        };
        const writer = new AuditWriter(sink, {
          batchSize: 100,
          flushIntervalMs: 60_000,
          logger: recordingLogger().logger,
        });
        for (let i = 0; i < 250; i += 1) writer.record(event(principal, i));
        const result = await writer.close();
        expect(result).toEqual({ written: 250, unwritten: [] });
        expect(sizes).toEqual([100, 100, 50]);
        expect((await rowsOf(principal)).map((row) => row.requestId)).toEqual(
          Array.from({ length: 250 }, (_, i) => `req-${i}`),
        );
      });

      it('returns from record() at once while the database hangs, and writes everything once it answers', async () => {
        const principal = `key:${suffix()}`;
        const { logger, records } = recordingLogger();
        const writer = new AuditWriter(store.audit, {
          batchSize: 50,
          flushIntervalMs: 20,
          retryDelayMs: 50,
          maxRetryDelayMs: 200,
          writeTimeoutMs: 300,
          logger,
        });
        try {
          proxy.hang();
          const started = performance.now();
          let slowest = 0;
          for (let i = 0; i < 500; i += 1) {
            const before = performance.now();
            writer.record(event(principal, i));
            slowest = Math.max(slowest, performance.now() - before);
            if (i % 100 === 99) await sleep(100);
          }
          const elapsed = performance.now() - started;
          // Five 100 ms pauses and nothing else: the database was never waited on.
          expect(elapsed).toBeLessThan(500 + 300);
          expect(slowest).toBeLessThan(50);
          expect(writer.stats()).toMatchObject({ buffered: 500, written: 0, dropped: 0 });
          expect(writer.stats().failedFlushes).toBeGreaterThan(0);
          expect(messages(records, 'warn')).toContain(
            'audit: write failed; the events stay buffered and will be retried',
          );
        } finally {
          proxy.restore();
        }
        expect(await writer.close(10_000)).toEqual({ written: 500, unwritten: [] });
        const rows = await rowsOf(principal);
        expect(rows.map((row) => row.requestId)).toEqual(Array.from({ length: 500 }, (_, i) => `req-${i}`));
      });

      it('loses no event, writes none twice and keeps their order across a database outage mid-run', async () => {
        const principal = `key:${suffix()}`;
        const { logger, records } = recordingLogger();
        const writer = new AuditWriter(store.audit, {
          batchSize: 25,
          flushIntervalMs: 10,
          maxBuffered: 1_000,
          retryDelayMs: 20,
          maxRetryDelayMs: 150,
          writeTimeoutMs: 1_000,
          logger,
        });
        const total = 600;
        const requestIds: string[] = [];
        let writtenBeforeCut = 0;
        try {
          for (let i = 0; i < total; i += 1) {
            if (i === 200) {
              writtenBeforeCut = writer.stats().written;
              proxy.cut();
            }
            if (i === 400) proxy.restore();
            requestIds.push(`req-${i}`);
            writer.record(event(principal, i));
            if (i % 5 === 4) await sleep(4);
          }
        } finally {
          proxy.restore();
        }
        expect(writtenBeforeCut).toBeGreaterThan(0);
        expect(await writer.close(15_000)).toEqual({ written: expect.any(Number), unwritten: [] });
        const stats = writer.stats();
        expect(stats).toMatchObject({ buffered: 0, written: total, dropped: 0, rejected: 0 });
        expect(stats.failedFlushes).toBeGreaterThan(0);
        expect(messages(records, 'info')).toContain(
          'audit: writes resumed; buffered events are being written',
        );

        const rows = await rowsOf(principal);
        expect(rows).toHaveLength(total);
        expect(new Set(rows.map((row) => row.id)).size).toBe(total);
        expect(rows.map((row) => row.requestId)).toEqual(requestIds);
      });

      it('does not write a batch twice when its commit landed but the reply was lost', async () => {
        const principal = `key:${suffix()}`;
        let attempts = 0;
        const sink: AuditSink = {
          async insertBatch(events, options) {
            attempts += 1;
            const inserted = await store.audit.insertBatch(events, options);
            if (attempts === 1) throw new Error('Connection terminated unexpectedly (after COMMIT)');
            return inserted;
          },
        };
        const writer = new AuditWriter(sink, { retryDelayMs: 10, logger: recordingLogger().logger });
        for (let i = 0; i < 30; i += 1) writer.record(event(principal, i));
        expect(await writer.close()).toEqual({ written: 30, unwritten: [] });
        expect(attempts).toBe(2);
        expect(writer.stats()).toMatchObject({ written: 30, failedFlushes: 1 });
        expect((await rowsOf(principal)).map((row) => row.requestId)).toEqual(
          Array.from({ length: 30 }, (_, i) => `req-${i}`),
        );
      });

      it('drops the newest events when the buffer is full, counts them and warns, then writes the rest', async () => {
        const principal = `key:${suffix()}`;
        const { logger, records } = recordingLogger();
        const writer = new AuditWriter(store.audit, {
          batchSize: 10,
          flushIntervalMs: 10,
          maxBuffered: 50,
          retryDelayMs: 20,
          maxRetryDelayMs: 50,
          writeTimeoutMs: 1_000,
          logger,
        });
        proxy.cut();
        try {
          for (let i = 0; i < 80; i += 1) writer.record(event(principal, i));
          expect(writer.stats()).toMatchObject({ buffered: 50, dropped: 30, written: 0 });
          const warnings = records.filter((record) => record.level === 'warn');
          expect(warnings).toHaveLength(1);
          expect(warnings[0]).toMatchObject({
            msg: 'audit: buffer full while the database is unavailable; new events dropped',
            obj: { droppedSinceLastReport: 1, maxBuffered: 50 },
          });
          await sleep(100);
        } finally {
          proxy.restore();
        }
        expect(await writer.close(10_000)).toMatchObject({ unwritten: [] });
        // The summary at recovery accounts for the drops logged after the first one.
        const summary = records.find(
          (record) => 'droppedSinceLastReport' in record.obj && record.obj.droppedSinceLastReport === 29,
        );
        expect(summary).toBeDefined();
        expect((await rowsOf(principal)).map((row) => row.requestId)).toEqual(
          Array.from({ length: 50 }, (_, i) => `req-${i}`),
        );
      });

      it('writes what is buffered on close, and afterwards counts record() as a drop', async () => {
        const principal = `key:${suffix()}`;
        const { logger, records } = recordingLogger();
        const writer = new AuditWriter(store.audit, { batchSize: 1_000, flushIntervalMs: 60_000, logger });
        for (let i = 0; i < 120; i += 1) writer.record(event(principal, i));
        await sleep(50);
        expect(writer.stats()).toMatchObject({ buffered: 120, written: 0 });
        expect(await writer.close()).toEqual({ written: 120, unwritten: [] });
        expect(await rowsOf(principal)).toHaveLength(120);

        writer.record(event(principal, 999));
        expect(writer.stats()).toMatchObject({ dropped: 1, buffered: 0 });
        expect(messages(records, 'warn')).toContain('audit: events recorded after close were dropped');
      });

      it('returns and logs the events it could not write when the database stays down through close', async () => {
        const principal = `key:${suffix()}`;
        const { logger, records } = recordingLogger();
        const writer = new AuditWriter(store.audit, { retryDelayMs: 20, writeTimeoutMs: 200, logger });
        proxy.cut();
        try {
          for (let i = 0; i < 5; i += 1) writer.record(event(principal, i));
          const result = await writer.close(400);
          expect(result.written).toBe(0);
          expect(result.unwritten.map((row) => row.requestId)).toEqual([
            'req-0',
            'req-1',
            'req-2',
            'req-3',
            'req-4',
          ]);
          expect(messages(records, 'error')).toContain('audit: events could not be written before shutdown');
          expect(writer.stats()).toMatchObject({ dropped: 5, written: 0, buffered: 0 });
        } finally {
          proxy.restore();
        }
        expect(await rowsOf(principal)).toHaveLength(0);
      });
    });
  });
}
