import type { Logger, Upstream } from '@switchboard/kit';
import { ToolError } from '@switchboard/kit';
import pg from 'pg';
import { z } from 'zod';
import type { OdooConfig } from './config.js';

/**
 * The PostgreSQL side of the connector: a pool, a read-only transaction whose every statement is one
 * request through the call's `Upstream`, and row validation.
 */

export interface OdooClient {
  readonly pool: pg.Pool;
  readonly statementTimeoutMs: number;
  readonly connectTimeoutMs: number;
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
  /** One statement, one request: `name` says what it reads (`partners.find`), for metrics and spans. */
  rows<S extends z.ZodType>(
    name: string,
    schema: S,
    text: string,
    values?: readonly unknown[],
  ): Promise<z.output<S>[]>;
}

export function createPool(config: OdooConfig, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.poolMax,
    connectionTimeoutMillis: config.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    // Session default for the few statements sent before a transaction sets its own.
    statement_timeout: config.statementTimeoutMs + STATEMENT_TIMEOUT_MARGIN_MS,
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

/**
 * How much longer than the kit's per-request timeout the server's statement_timeout is. The kit's
 * timer is armed before a statement is sent and the server's starts when it begins executing; the
 * margin keeps the kit's first even when the client's event loop is late, so a slow statement is
 * reported on the kit's timeout path (its message, its metrics) rather than as a 57014 answer.
 */
export const STATEMENT_TIMEOUT_MARGIN_MS = 250;

export interface ReadOptions {
  /** Overrides the instance's statement timeout for this transaction (milliseconds). */
  timeoutMs?: number;
}

/**
 * Runs `fn` in one `BEGIN READ ONLY ... COMMIT` transaction on a pooled connection. Each statement
 * (the BEGIN, every query, the COMMIT or ROLLBACK) is one `upstream.run`, so quota tokens, metrics
 * and the audit count equal the statements PostgreSQL receives; the kit applies the deadline, the
 * per-request timeout and the failure rules.
 *
 * What stays here is what the kit cannot know about PostgreSQL:
 * - the read-only transaction, which gives a call one consistent snapshot across its statements and
 *   makes any write fail even if the role could write;
 * - a transaction-local statement_timeout, which bounds a statement on the server even after the
 *   client gave up on it (see STATEMENT_TIMEOUT_MARGIN_MS);
 * - cancellation: when the kit abandons a statement (deadline, timeout, client gone), the connection
 *   still has it running and cannot take another, so it is destroyed instead of returned to the pool,
 *   and a connection the pool hands over after the kit gave up waiting goes straight back.
 */
export async function readOnly<T>(
  client: Pick<OdooClient, 'pool' | 'statementTimeoutMs' | 'connectTimeoutMs'>,
  upstream: Upstream,
  fn: (sql: Sql) => Promise<T>,
  options: ReadOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? client.statementTimeoutMs;
  const transaction = new Transaction(upstream, timeoutMs);
  let result: T;
  try {
    await transaction.begin(client.pool, client.connectTimeoutMs);
    result = await fn({
      async rows(name, schema, text, values = []) {
        const raw = await transaction.statement(name, text, values);
        return raw.map((row) => parseRow(schema, row));
      },
    });
    await transaction.commit();
  } catch (error) {
    await transaction.abandon();
    throw error;
  }
  return result;
}

/** One pooled connection holding one read-only transaction. */
class Transaction {
  private connection: pg.PoolClient | undefined;
  /** A statement was sent and not answered: the connection cannot take another. */
  private busy = false;
  /** The transaction is over: a connection the pool hands over late must go straight back. */
  private finished = false;

  constructor(
    private readonly upstream: Upstream,
    private readonly timeoutMs: number,
  ) {
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new Error(`bad statement timeout ${timeoutMs}`);
  }

  begin(pool: pg.Pool, connectTimeoutMs: number): Promise<void> {
    // The integer check in the constructor makes this constant SQL; SET cannot take bind parameters,
    // and one message for both saves a round trip.
    const begin = `BEGIN READ ONLY; SET LOCAL statement_timeout = ${this.timeoutMs + STATEMENT_TIMEOUT_MARGIN_MS}`;
    return this.upstream.run(
      'begin',
      async (signal) => {
        const connection = await pool.connect();
        if (this.finished || signal.aborted) {
          connection.release();
          throw new Error('the transaction ended while waiting for a connection');
        }
        this.connection = connection;
        await this.send(connection, begin);
      },
      // Waiting for a pooled or new connection is part of this request.
      { timeoutMs: connectTimeoutMs + this.timeoutMs },
    );
  }

  async statement(name: string, text: string, values: readonly unknown[]): Promise<unknown[]> {
    const connection = this.open();
    return this.upstream.run(name, () => this.send(connection, text, values), { timeoutMs: this.timeoutMs });
  }

  async commit(): Promise<void> {
    const connection = this.open();
    await this.upstream.run('commit', () => this.send(connection, 'COMMIT').then(() => undefined), {
      timeoutMs: this.timeoutMs,
    });
    this.finished = true;
    this.connection = undefined;
    connection.release();
  }

  /** Ends the transaction after a failure: rolled back if the connection is idle, destroyed if not. */
  async abandon(): Promise<void> {
    this.finished = true;
    const connection = this.connection;
    if (connection === undefined) return;
    this.connection = undefined;
    if (this.busy) {
      connection.release(true);
      return;
    }
    try {
      await this.upstream.run('rollback', () => this.send(connection, 'ROLLBACK'), {
        timeoutMs: this.timeoutMs,
      });
    } catch {
      // Not sent (the call is over) or not answered: either way the transaction may still be open.
      connection.release(true);
      return;
    }
    connection.release();
  }

  private open(): pg.PoolClient {
    if (this.connection === undefined || this.finished) throw new Error('no open transaction');
    return this.connection;
  }

  private async send(
    connection: pg.PoolClient,
    text: string,
    values?: readonly unknown[],
  ): Promise<unknown[]> {
    this.busy = true;
    try {
      const result = await connection.query<Record<string, unknown>>(
        text,
        values === undefined ? undefined : [...values],
      );
      return result.rows;
    } finally {
      this.busy = false;
    }
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
