import pg from 'pg';

/**
 * Runs `work` on a client of its own and ends the client afterwards, whatever happens: for one-off
 * statements (a probe, CREATE DATABASE) that must not keep a pool open.
 */
export async function withPgClient<T>(
  config: pg.ClientConfig,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client(config);
  // An idle client losing its server emits 'error'; without a listener that would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when a PostgreSQL server at the URL accepts a connection and answers a query within `timeoutMs`. */
export async function postgresAvailable(connectionString: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    await withPgClient(
      { connectionString, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs },
      (client) => client.query('SELECT 1'),
    );
    return true;
  } catch {
    return false;
  }
}
