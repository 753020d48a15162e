import { untilAborted } from '@switchboard/kit';
import type pg from 'pg';
import type { z } from 'zod';
import { StoreError } from './errors.js';

/**
 * Connection helpers shared by the repositories: a pooled client that honours an AbortSignal, row
 * validation, and SQLSTATE inspection.
 */

/** Runs `fn` on a pooled connection. When `signal` aborts, rejects at once and destroys the connection. */
export async function withConnection<T>(
  pool: pg.Pool,
  signal: AbortSignal | undefined,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  if (signal?.aborted) throw abortError(signal);
  const pending = pool.connect();
  let client: pg.PoolClient;
  try {
    client = await abortable(pending, signal);
  } catch (err) {
    // The pool may still hand the connection over later: give it straight back.
    if (signal?.aborted) pending.then((late) => late.release(), ignore);
    throw err;
  }
  let broken = false;
  // A checked-out client reports a socket failure as an 'error' event too; unheard, it would crash
  // the process. The failing query rejects with the same error, which is what the caller sees.
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  try {
    return await abortable(fn(client), signal);
  } catch (err) {
    // A connection whose query was abandoned, or whose socket failed, must not be reused.
    broken ||= signal?.aborted === true || isConnectionError(err);
    throw err;
  } finally {
    client.removeListener('error', onError);
    client.release(broken);
  }
}

/**
 * `pool.query()` without its habit of destroying the connection after any failed statement: pg-pool
 * discards a client on every query error, and on embedded PGlite the reconnect that follows can race
 * the server's cleanup of the old connection and be refused. Here only socket failures discard it.
 */
export function query(pool: pg.Pool, text: string, values?: readonly unknown[]): Promise<pg.QueryResult> {
  return withConnection(pool, undefined, (client) =>
    values === undefined ? client.query(text) : client.query(text, [...values]),
  );
}

/**
 * Resolves with `promise`, or rejects with a StoreError as soon as `signal` aborts (the promise keeps
 * running; its late failure is ignored).
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return untilAborted(promise, signal).catch((error: unknown) => {
    throw signal.aborted && error === signal.reason ? abortError(signal) : error;
  });
}

function abortError(signal: AbortSignal): StoreError {
  return new StoreError('The database operation was abandoned: its deadline passed.', {
    cause: signal.reason,
  });
}

export function ignore(): void {}

/** The SQLSTATE of a PostgreSQL error, if `err` is one. */
export function sqlState(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = err.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The constraint a PostgreSQL error names, if any. */
export function constraintOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('constraint' in err)) return undefined;
  return typeof err.constraint === 'string' ? err.constraint : undefined;
}

/** True when `err` says the socket failed rather than the statement. */
function isConnectionError(err: unknown): boolean {
  if (sqlState(err) !== undefined) return false;
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return true;
  return err instanceof Error && /connection|terminated|not queryable|timeout/i.test(err.message);
}

export function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const code = typeof err === 'object' && 'code' in err ? err.code : undefined;
    return { name: err.name, message: err.message, ...(code === undefined ? {} : { code }) };
  }
  return { value: String(err) };
}

/** Validates driver rows: a shape mismatch is a bug in this package or a schema drift, never data. */
export function parseRows<S extends z.ZodType>(
  schema: S,
  rows: readonly unknown[],
  what: string,
): z.output<S>[] {
  return rows.map((row) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      throw new StoreError(
        `A ${what} row read from PostgreSQL has an unexpected shape: ${parsed.error.message}`,
        {
          cause: parsed.error,
        },
      );
    }
    return parsed.data;
  });
}
