import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface ServedPglite {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`: use it with a pg Pool of max 1. */
  connectionString: string;
  /** Stops the server (closing client sockets) and PGlite. End your pg pool first. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Serves a PGlite database over the PostgreSQL wire protocol on 127.0.0.1 and a free port, so the
 * real `pg` driver connects to it. `prepare` runs on the database first: loading data straight into
 * PGlite skips the socket round trips. The database belongs to the result from then on: close()
 * closes it, and so does a failure to prepare or serve it.
 *
 * One connection at a time. PGlite is a single PostgreSQL backend, so every wire connection would
 * share one session (prepared statements, SET, transactions). pglite-socket 0.2.x serializes
 * messages through one queue and keeps a BEGIN..COMMIT block on its connection, but outside an
 * explicit transaction it interleaves the Parse/Bind/Execute messages of concurrent connections,
 * which can corrupt the extended protocol. So the server keeps its default `maxConnections: 1`:
 * a second simultaneous connection gets "Too many connections" and is closed, which `pg` reports
 * as a connection error. Use a pg Pool with `max: 1` (queries then queue in the pool).
 */
export async function servePglite(
  db: PGlite,
  prepare?: (db: PGlite) => Promise<unknown>,
): Promise<ServedPglite> {
  try {
    await prepare?.(db);
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
        // stop() detaches connection handlers without awaiting their cleanup, which may still touch
        // the database: let it run before PGlite shuts down.
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
