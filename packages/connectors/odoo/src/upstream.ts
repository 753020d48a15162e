import type { UpstreamFailure, UpstreamProfile, UpstreamRule } from '@switchboard/kit';
import pg from 'pg';
import type { OdooConfig } from './config.js';

/**
 * PostgreSQL's failure facts for the kit's upstream engine. Every statement the connector sends is
 * one `upstream.run`; `describePgError` reads the SQLSTATE out of the errors `pg` throws, and the
 * rules say what each code means. The kit matches codes exactly, so a SQLSTATE is described with
 * its class as well (`28P01` also as `28xxx`): one rule then covers a whole class.
 *
 * 57014 (query_canceled) has no rule of its own: see `readOnly` in db.ts, which sets the server's
 * statement_timeout a little above the kit's per-request timeout, so a slow statement is stopped
 * by the kit's timer first and reported on the kit's timeout path. A 57014 that still reaches the
 * rules came from elsewhere (an administrator's pg_cancel_backend, a replica's recovery conflict).
 */

/** The class marker `describePgError` adds to a SQLSTATE: `28P01` -> `28xxx`. */
export function sqlstateClass(sqlstate: string): string {
  return `${sqlstate.slice(0, 2)}xxx`;
}

/** Server shutting down, restarting, crashed or the database dropped: the connection is gone. */
const SERVER_GOING_AWAY = ['57P01', '57P02', '57P03', '57P04', '57P05'];

export const ODOO_RULES: readonly UpstreamRule[] = [
  {
    // 28xxx invalid authorization; 3D000: the database named in databaseUrl does not exist.
    code: [sqlstateClass('28000'), '3D000'],
    means: 'auth',
    message:
      "{title}'s database refused the connector's credentials or database name. An operator must fix " +
      'databaseUrl; retrying will not help.',
  },
  {
    code: '42501',
    means: 'forbidden',
    message:
      "The PostgreSQL role this connector uses may not read a table of {title}'s database. A database " +
      "administrator must grant it SELECT on Odoo's tables (see the connector's README); retrying will not help.",
  },
  {
    // Odoo renames and drops columns between major versions: these mean another schema, not a bug.
    code: ['42703', '42P01'],
    means: 'internal',
    retryable: false,
    message:
      "{title}'s database lacks a table or column this connector reads: it is not the Odoo version the " +
      'connector knows (Odoo 17). An operator must check which Odoo version databaseUrl points at; ' +
      'retrying will not help.',
  },
  {
    code: sqlstateClass('22000'),
    means: 'invalid_input',
    message:
      "{title}'s database refused a value of this request. Check the values passed (ids, dates, codes) and " +
      'try again.',
  },
  {
    // 08xxx connection exception (the driver's own connection failures are described under it too),
    // the server going away, and 53xxx insufficient resources (too many connections, out of memory).
    code: [sqlstateClass('08000'), ...SERVER_GOING_AWAY, sqlstateClass('53000')],
    means: 'unavailable',
    message: "{title}'s database is not reachable right now. Retry in a few seconds.",
  },
  {
    // On a read replica, 40001 is also "canceling statement due to conflict with recovery".
    code: ['40001', '40P01', '57014'],
    means: 'unavailable',
    message:
      "{title}'s database cancelled the query (a conflict with replication or another transaction, or an " +
      'administrator). Retry in a moment.',
  },
];

/** Socket-level failures Node reports while connecting to or talking with the server. */
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

/** What pg and pg-pool throw, with no code, when a connection cannot be made or is lost. */
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /timeout expired/i,
  /not queryable/i,
];

const SQLSTATE = /^[0-9A-Z]{5}$/;

function stringProperty(value: object, key: string): string | undefined {
  const found: unknown = Reflect.get(value, key);
  return typeof found === 'string' ? found : undefined;
}

/** The SQLSTATE of an error the server sent; undefined for anything else. */
export function sqlstateOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = stringProperty(error, 'code');
  if (code === undefined || !SQLSTATE.test(code)) return undefined;
  // Another copy of pg-protocol (a second pg in the tree) still sets severity on what the server sent.
  const fromServer = error instanceof pg.DatabaseError || stringProperty(error, 'severity') !== undefined;
  return fromServer ? code : undefined;
}

/**
 * What went wrong, read out of an error thrown by `pg` or `pg-pool`; undefined for anything else (a
 * bug in the connector, which the kit reports as `internal`).
 */
export function describePgError(error: unknown): UpstreamFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  const sqlstate = sqlstateOf(error);
  if (sqlstate !== undefined) {
    return { codes: [sqlstate, sqlstateClass(sqlstate)], message: error.message };
  }
  const code = stringProperty(error, 'code');
  if (
    (code !== undefined && NETWORK_CODES.has(code)) ||
    CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message))
  ) {
    return {
      codes: [...(code === undefined ? [] : [code]), sqlstateClass('08000')],
      network: true,
      message: error.message,
    };
  }
  return undefined;
}

/**
 * The upstream profile of one instance. A request is one SQL statement, and its timeout is the
 * configured statement timeout.
 */
export function odooProfile(config: Pick<OdooConfig, 'statementTimeoutMs'>): UpstreamProfile {
  return {
    title: 'Odoo',
    rules: ODOO_RULES,
    describe: describePgError,
    requestTimeoutMs: config.statementTimeoutMs,
    // PostgreSQL has no rate limit and sends no Retry-After: there is never anything to wait for.
    maxRetryWaitMs: 0,
  };
}
