import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { type ServedPglite, servePglite } from '@switchboard/pg-support';

/** `connectionString` (use it with a pg Pool of max 1) and `close()` (end the pool first). */
export type EmbeddedPostgres = ServedPglite;

/**
 * PGlite (PostgreSQL compiled to WebAssembly, in this process) served over the wire protocol on
 * 127.0.0.1 and a free port, so the store talks to it with the same `pg` code as to a server.
 *
 * One connection at a time: PGlite is a single backend, and pglite-socket interleaves the extended
 * protocol messages of concurrent connections outside a transaction. A second simultaneous
 * connection is refused, so the pool in front of it must have max 1 (queries queue in the pool).
 *
 * `dataDir`: a directory to persist to (created if missing); undefined or 'memory' keeps it in memory.
 */
export async function startEmbeddedPostgres(options: { dataDir?: string } = {}): Promise<EmbeddedPostgres> {
  const inMemory = options.dataDir === undefined || options.dataDir === 'memory';
  if (!inMemory && options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
  return servePglite(await PGlite.create(inMemory ? 'memory://' : options.dataDir));
}
