import type { Logger } from '@switchboard/kit';
import { ToolError } from '@switchboard/kit';
import pg from 'pg';
import { z } from 'zod';
import type { OdooConfig } from './config.js';

/**
 * The PostgreSQL side of the connector: a pool, a read-only transaction helper that honours the
 * caller's AbortSignal, row validation, and the one place where pg errors become ToolErrors.
 */

export interface OdooClient {
  readonly pool: pg.Pool;
  readonly statementTimeoutMs: number;
  /** The company whose orders and invoices are read (res_company.id). */
  readonly companyId: number;
  /** The company currency (res_currency.id and ISO code), used for every aggregate. */
  readonly currencyId: number;
  readonly currency: string;
  /** Odoo web client base URL without trailing slash, for record links. */
  readonly webUrl: string | undefined;
}

/** Runs parameterized SQL inside a read-only transaction; rows are validated with `schema`. */
export interface Sql {
  rows<S extends z.ZodType>(schema: S, text: string, values?: readonly unknown[]): Promise<z.output<S>[]>;
}

export function createPool(config: OdooConfig, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.poolMax,
    connectionTimeoutMillis: config.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    // Session defaults; every transaction also sets its own statement_timeout.
    statement_timeout: config.statementTimeoutMs,
    // A connection dropped mid-transaction (abort) must not keep a snapshot open on the replica.
    idle_in_transaction_session_timeout: Math.max(config.statementTimeoutMs * 2, 10_000),
    application_name: 'switchboard',
  });
  // Without a listener, an idle connection's error (server restart) would crash the process.
  pool.on('error', (err) =>
    logger.warn({ err: describeError(err) }, 'odoo: idle PostgreSQL connection failed'),
  );
  return pool;
}

export interface ReadOptions {
  signal: AbortSignal;
  /** Overrides the instance's statement timeout for this transaction (milliseconds). */
  timeoutMs?: number;
}

/**
 * Runs `fn` in `BEGIN READ ONLY ... COMMIT` with a transaction-local statement_timeout. The
 * connection is always released; when the signal aborts, the promise rejects at once with a
 * `timeout` ToolError and the busy connection is destroyed rather than returned to the pool (the
 * server-side statement is bounded by statement_timeout).
 */
export async function readOnly<T>(
  client: Pick<OdooClient, 'pool' | 'statementTimeoutMs'>,
  options: ReadOptions,
  fn: (sql: Sql) => Promise<T>,
): Promise<T> {
  const { signal } = options;
  const timeoutMs = options.timeoutMs ?? client.statementTimeoutMs;
  if (signal.aborted) throw abortedError(signal);

  const pending = client.pool.connect();
  let conn: pg.PoolClient;
  try {
    conn = await abortable(pending, signal);
  } catch (err) {
    // The pool may still hand the connection over later: give it straight back.
    if (signal.aborted)
      pending.then(
        (late) => late.release(),
        () => {},
      );
    throw mapPgError(err);
  }

  let broken = false;
  const run = async (text: string, values: readonly unknown[]): Promise<unknown[]> => {
    if (signal.aborted) {
      broken = true;
      throw abortedError(signal);
    }
    try {
      const result = await abortable(conn.query<Record<string, unknown>>(text, [...values]), signal);
      return result.rows;
    } catch (err) {
      if (signal.aborted) broken = true;
      throw err;
    }
  };

  try {
    await run('BEGIN READ ONLY', []);
    // SET cannot take bind parameters; set_config(..., true) is the parameterized SET LOCAL.
    await run("SELECT set_config('statement_timeout', $1, true)", [String(timeoutMs)]);
    const sql: Sql = {
      async rows(schema, text, values = []) {
        const raw = await run(text, values);
        return raw.map((row) => parseRow(schema, row));
      },
    };
    const result = await fn(sql);
    await run('COMMIT', []);
    return result;
  } catch (err) {
    if (!broken) {
      try {
        await run('ROLLBACK', []);
      } catch {
        broken = true;
      }
    }
    throw mapPgError(err);
  } finally {
    // release(true) destroys the connection: a query may still be running on it.
    conn.release(broken || signal.aborted);
  }
}

function parseRow<S extends z.ZodType>(schema: S, row: unknown): z.output<S> {
  const parsed = schema.safeParse(row);
  if (!parsed.success) {
    throw new ToolError('internal', 'Odoo returned data in an unexpected shape. This is a connector bug.', {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** Resolves with `promise` or rejects with a `timeout` ToolError as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortedError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function abortedError(signal: AbortSignal): ToolError {
  return new ToolError(
    'timeout',
    'The Odoo query was stopped before it finished (the deadline passed or the request was cancelled). ' +
      'Retry, or narrow the request (a smaller limit, a customer id or a shorter date range).',
    { cause: signal.reason },
  );
}

// PostgreSQL error classes that mean the database is unreachable or not accepting work right now.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400', '40001', '40P01']);
const CONFIG_SQLSTATE_PREFIXES = ['28', '3D'];
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /client has encountered a connection error/i,
  /not queryable/i,
];

/** Turns anything thrown by pg into a ToolError; the original error travels only as `cause`. */
export function mapPgError(err: unknown): ToolError {
  if (err instanceof ToolError) return err;
  const code = errorCode(err);
  if (code === '57014') {
    return new ToolError(
      'timeout',
      'The Odoo query took longer than the configured statement timeout and was cancelled. ' +
        'Narrow the request (a customer id, a shorter date range or a smaller limit) and retry.',
      { cause: err },
    );
  }
  if (code !== undefined && CONFIG_SQLSTATE_PREFIXES.some((prefix) => code.startsWith(prefix))) {
    return new ToolError(
      'upstream_unavailable',
      "Odoo's database refused the connector's credentials or database name. An operator must fix the " +
        'connector configuration; retrying will not help.',
      { cause: err, retryable: false },
    );
  }
  const message = err instanceof Error ? err.message : '';
  if (
    (code !== undefined &&
      (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || NETWORK_CODES.has(code))) ||
    CONNECTION_MESSAGES.some((pattern) => pattern.test(message))
  ) {
    return new ToolError(
      'upstream_unavailable',
      "Odoo's database is not reachable right now. Retry in a few seconds.",
      { cause: err, retryable: true, retryAfterMs: 2000 },
    );
  }
  return new ToolError(
    'internal',
    'The Odoo query failed unexpectedly. This is a connector or database problem.',
    {
      cause: err,
    },
  );
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

/** A loggable summary of an error without connection strings. */
export function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { name: err.name, message: err.message, code: errorCode(err) };
  return { value: String(err) };
}

// ---------------------------------------------------------------------------------------------
// Row field parsers: pg hands numeric/bigint as strings and we select dates with to_char.

/** A PostgreSQL numeric or bigint, which pg returns as a string, converted to a JS number. */
export const pgNumber = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i)])
  .transform((value) => (typeof value === 'number' ? value : Number(value)));

export const pgNumberOrZero = pgNumber.nullable().transform((value) => value ?? 0);
export const pgId = z.number().int();
export const pgText = z.string().nullable();
