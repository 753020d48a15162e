import { isSecretSchema } from '@switchboard/kit';
import { countingHooks, silentLogger, testInstance, testUpstream, toolError } from '@switchboard/kit/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { describePgError, OdooConfig, odooConnector, odooProfile } from '../src/index.js';
import { likeContains } from '../src/sql/common.js';

/** Backend-independent behaviour: the failure rules, configuration, text escaping. */

function serverError(code: string, message: string): Error {
  const error = new pg.DatabaseError(message, message.length, 'error');
  error.code = code;
  error.severity = 'ERROR';
  return error;
}

const profile = odooProfile(OdooConfig.parse({ databaseUrl: 'postgres://x@db/odoo' }));

/** What a statement failing with `cause` becomes through the kit's engine and the connector's rules. */
async function mapped(cause: unknown) {
  const hooks = countingHooks();
  const error = await toolError(
    testUpstream(profile, { hooks }).run('partners.find', async () => {
      throw cause;
    }),
  );
  expect(hooks.requests).toEqual([{ name: 'partners.find', outcome: error.code }]);
  return error;
}

describe('describePgError', () => {
  it('reports a server error by its SQLSTATE and class', () => {
    expect(describePgError(serverError('28P01', 'password authentication failed'))).toEqual({
      codes: ['28P01', '28xxx'],
      message: 'password authentication failed',
    });
  });

  it('reports the driver losing or not getting a connection as a network failure of class 08', () => {
    for (const cause of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      expect(describePgError(cause), cause.message).toMatchObject({
        network: true,
        codes: expect.arrayContaining(['08xxx']),
      });
    }
  });

  it('leaves anything else undescribed (a connector bug)', () => {
    expect(describePgError(new TypeError('x is undefined'))).toBeUndefined();
    expect(describePgError(Object.assign(new Error('no'), { code: 'EPIPX' }))).toBeUndefined();
    expect(describePgError('text')).toBeUndefined();
  });
});

describe('failure rules', () => {
  it('refused credentials or database name: not retryable, naming no role', async () => {
    for (const cause of [
      serverError('28P01', 'password authentication failed for user "odoo_ro"'),
      serverError('28000', 'role "odoo_ro" does not exist'),
      serverError('3D000', 'database "odoo_x" does not exist'),
    ]) {
      const error = await mapped(cause);
      expect(error, cause.message).toMatchObject({ code: 'upstream_unavailable', retryable: false });
      expect(error.message).toMatch(/databaseUrl/);
      expect(error.message).not.toMatch(/odoo_ro|odoo_x/);
      expect(error.cause).toBe(cause);
    }
  });

  it('connection failures and a server going away: retryable upstream_unavailable', async () => {
    for (const cause of [
      serverError('08006', 'connection failure'),
      serverError('57P01', 'terminating connection due to administrator command'),
      serverError('57P03', 'the database system is starting up'),
      serverError('53300', 'sorry, too many clients already'),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
    ]) {
      const error = await mapped(cause);
      expect(error, cause.message).toMatchObject({ code: 'upstream_unavailable', retryable: true });
      expect(error.message).toBe("Odoo's database is not reachable right now. Retry in a few seconds.");
    }
  });

  it('a missing privilege: forbidden, saying who must grant what', async () => {
    const error = await mapped(serverError('42501', 'permission denied for table res_partner'));
    expect(error).toMatchObject({ code: 'forbidden', retryable: false });
    expect(error.message).toMatch(/grant it SELECT/);
  });

  it('a missing column or table: internal, naming the Odoo version as the likely cause', async () => {
    for (const cause of [
      serverError('42703', 'column p.email_normalized does not exist'),
      serverError('42P01', 'relation "sale_order" does not exist'),
    ]) {
      const error = await mapped(cause);
      expect(error, cause.message).toMatchObject({ code: 'internal', retryable: false });
      expect(error.message).toMatch(/not the Odoo version the connector knows \(Odoo 17\)/);
      expect(error.message).not.toMatch(/email_normalized|sale_order/);
    }
  });

  it('a value the database refuses: invalid_input', async () => {
    const error = await mapped(serverError('22P02', 'invalid input syntax for type integer: "x"'));
    expect(error.code).toBe('invalid_input');
    expect(error.message).not.toMatch(/syntax/);
  });

  it('a query cancelled by the server, not by the kit: retryable upstream_unavailable', async () => {
    for (const code of ['57014', '40001', '40P01']) {
      const error = await mapped(serverError(code, 'canceling statement'));
      expect(error, code).toMatchObject({ code: 'upstream_unavailable', retryable: true });
      expect(error.message).not.toMatch(/canceling/);
    }
  });

  it('any other server error: internal, keeping the database error only as cause', async () => {
    const cause = serverError('XX000', 'internal error in secret_table');
    const error = await mapped(cause);
    expect(error.code).toBe('internal');
    expect(error.message).not.toContain('secret_table');
    expect(error.cause).toBe(cause);
  });
});

describe('configuration', () => {
  it('marks databaseUrl as a secret and applies the documented defaults', () => {
    expect(isSecretSchema(OdooConfig.shape.databaseUrl)).toBe(true);
    expect(OdooConfig.parse({ databaseUrl: 'postgres://x@db/odoo' })).toEqual({
      databaseUrl: 'postgres://x@db/odoo',
      statementTimeoutMs: 5000,
      poolMax: 10,
      connectTimeoutMs: 5000,
    });
    expect(
      OdooConfig.safeParse({ databaseUrl: 'postgres://x@db/odoo', webUrl: 'javascript:alert(1)' }).success,
    ).toBe(false);
    expect(OdooConfig.safeParse({ databaseUrl: '' }).success).toBe(false);
  });

  it('times every request out after the statement timeout', () => {
    const config = OdooConfig.parse({ databaseUrl: 'postgres://x@db/odoo', statementTimeoutMs: 1234 });
    expect(odooProfile(config)).toMatchObject({ title: 'Odoo', requestTimeoutMs: 1234 });
  });

  it('fails to connect to an unreachable database with upstream_unavailable, naming no address', async () => {
    const config = OdooConfig.parse({
      databaseUrl: 'postgres://postgres:pw@127.0.0.1:1/odoo',
      connectTimeoutMs: 1000,
    });
    const error = await toolError(
      odooConnector.connect(config, { logger: silentLogger(), instance: testInstance('odoo') }),
    );
    expect(error.code).toBe('upstream_unavailable');
    expect(error.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|pw/);
  });
});

describe('text escaping', () => {
  it('escapes LIKE wildcards and the escape character', () => {
    expect(likeContains(String.raw`50%_a\b`)).toBe(String.raw`%50\%\_a\\b%`);
  });
});
