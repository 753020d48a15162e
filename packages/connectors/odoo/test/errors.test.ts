import { isSecretSchema, ToolError } from '@switchboard/kit';
import { silentLogger, testInstance } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import { mapPgError, OdooConfig, odooConnector } from '../src/index.js';
import { decodeOffsetCursor, encodeOffsetCursor, fingerprint } from '../src/paging.js';
import { likeContains } from '../src/sql/common.js';
import { isDomain, normalizeDomain } from '../src/sql/customers.js';
import { toolError } from './suite.js';

/** Backend-independent behaviour: error mapping, configuration, cursors, text normalization. */

function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

describe('mapPgError', () => {
  it('maps a statement timeout (57014) to a retryable timeout', () => {
    const error = mapPgError(pgError('57014', 'canceling statement due to statement timeout'));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(error.message).not.toMatch(/canceling/);
  });

  it('maps connection failures to a retryable upstream_unavailable', () => {
    for (const cause of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      pgError('08006', 'connection failure'),
      pgError('57P01', 'terminating connection due to administrator command'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      const error = mapPgError(cause);
      expect(error, cause.message).toMatchObject({ code: 'upstream_unavailable', retryable: true });
      expect(error.cause).toBe(cause);
      expect(error.message).not.toContain(cause.message);
    }
  });

  it('maps refused credentials to upstream_unavailable that retrying will not fix', () => {
    const error = mapPgError(pgError('28P01', 'password authentication failed for user "odoo_ro"'));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).not.toContain('odoo_ro');
  });

  it('maps anything else to internal, keeping the database error only as cause', () => {
    const cause = pgError('42P01', 'relation "secret_table" does not exist');
    const error = mapPgError(cause);
    expect(error.code).toBe('internal');
    expect(error.message).not.toContain('secret_table');
    expect(error.cause).toBe(cause);
  });

  it('passes ToolErrors through untouched', () => {
    const original = new ToolError('not_found', 'No such thing.');
    expect(mapPgError(original)).toBe(original);
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

describe('cursors', () => {
  it('round-trips an offset for the same filters and refuses it for others', () => {
    const filters = fingerprint({ tool: 'find_customers', name: 'helix' });
    const cursor = encodeOffsetCursor(filters, 20);
    expect(decodeOffsetCursor(cursor, filters)).toBe(20);
    expect(decodeOffsetCursor(undefined, filters)).toBe(0);
    const other = fingerprint({ tool: 'find_customers', name: 'lumen' });
    expect(() => decodeOffsetCursor(cursor, other)).toThrow(ToolError);
    expect(() => decodeOffsetCursor(Buffer.from('{"f":"x","o":-1}').toString('base64url'), 'x')).toThrow(
      /cursor is not valid/,
    );
  });

  it('fingerprints filters independently of key order', () => {
    expect(fingerprint({ a: 1, b: 'x' })).toBe(fingerprint({ b: 'x', a: 1 }));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
  });
});

describe('text normalization', () => {
  it('reduces websites, URLs and @domains to a lower-case host', () => {
    expect(normalizeDomain('https://www.Helix-Robotics.com/about?x=1')).toBe('helix-robotics.com');
    expect(normalizeDomain('@lumen-analytics.io')).toBe('lumen-analytics.io');
    expect(normalizeDomain('fjordoutdoor.no.')).toBe('fjordoutdoor.no');
    expect(isDomain('example.com')).toBe(true);
    expect(isDomain("x' or 1=1")).toBe(false);
    expect(isDomain('localhost')).toBe(false);
  });

  it('escapes LIKE wildcards and the escape character', () => {
    expect(likeContains(String.raw`50%_a\b`)).toBe(String.raw`%50\%\_a\\b%`);
  });
});
