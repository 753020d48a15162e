import { mkdir } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`: use it with a pg Pool of max 1. */
  connectionString: string;
  /** Stops the server (closing client sockets) and PGlite. End your pg pool first. */
  close(): Promise<void>;
}

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
  const db = await PGlite.create(inMemory ? 'memory://' : options.dataDir);
  try {
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
