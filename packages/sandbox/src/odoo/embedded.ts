import { setImmediate as nextTurn } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { demoDataset } from '../dataset/generate.js';
import type { Dataset } from '../dataset/types.js';
import { loadOdooDataset } from './load.js';

export interface EmbeddedOdooOptions {
  /** Default: demoDataset(). */
  dataset?: Dataset;
  /** The day dataset offsets are relative to; default today (UTC). */
  asOf?: Date;
}

export interface EmbeddedOdoo {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`; use it with a pg Pool of max 1. */
  connectionString: string;
  /** Stops the server (closing client sockets) and PGlite. End your pg pool first. */
  close(): Promise<void>;
}

/**
 * An in-memory Odoo database: PGlite seeded with the dataset and served over the PostgreSQL wire
 * protocol on 127.0.0.1 and a free port, so the real `pg` driver connects to it.
 *
 * One connection at a time. PGlite is a single PostgreSQL backend, so every wire connection would
 * share one session (prepared statements, SET, transactions). pglite-socket 0.2.x serializes
 * messages through one queue and keeps a BEGIN..COMMIT block on its connection, but outside an
 * explicit transaction it interleaves the Parse/Bind/Execute messages of concurrent connections,
 * which can corrupt the extended protocol. So the server keeps its default `maxConnections: 1`:
 * a second simultaneous connection gets "Too many connections" and is closed, which `pg` reports
 * as a connection error. Use a pg Pool with `max: 1` (queries then queue in the pool).
 */
export async function startEmbeddedOdoo(options: EmbeddedOdooOptions = {}): Promise<EmbeddedOdoo> {
  const db = await PGlite.create();
  try {
    // Loading straight into PGlite skips the socket round trips.
    await loadOdooDataset(db, options.dataset ?? demoDataset(), { asOf: options.asOf });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    await server.start();
    const port = portOf(server.getServerConn());
    let closed = false;
    return {
      connectionString: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      async close() {
        if (closed) return;
        closed = true;
        await server.stop();
        // stop() detaches connection handlers without awaiting their cleanup, which may still
        // touch the database: let it run before PGlite shuts down.
        await nextTurn();
        await db.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

function portOf(hostAndPort: string): number {
  const port = Number(hostAndPort.slice(hostAndPort.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0) {
    throw new Error(`PGlite socket server reported no port: "${hostAndPort}"`);
  }
  return port;
}
