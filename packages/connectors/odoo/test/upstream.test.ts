import type { UpstreamHooks } from '@switchboard/kit';
import {
  callTool,
  countingHooks,
  must,
  silentLogger,
  testContext,
  testSource,
  testUpstream,
  toolError,
} from '@switchboard/kit/testing';
import { demoDataset, HERO_EMAILS, postgresAvailable } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createPool } from '../src/db.js';
import type { OdooClient } from '../src/index.js';
import {
  getCustomerTool,
  type OdooConfig,
  odoo,
  odooConnector,
  odooProfile,
  readOnly,
} from '../src/index.js';
import { BACKENDS, type Backend, connect, instance, type RunningDatabase } from './harness.js';
import { startWireTap, type WireTap } from './wire.js';

/**
 * The upstream seam against a database: every statement is one quota token, one recorded request and
 * one request the database receives, and each rule family the connector declares maps what the
 * database (or the wire tap's fault injection) answers.
 */

// The PostgreSQL run of the suite (postgres.test.ts) says loudly when no server answers.
const backends: Backend[] = [BACKENDS.pglite, ...((await postgresAvailable()) ? [BACKENDS.postgres] : [])];

describe.each(backends)('odoo upstream on $name', (backend) => {
  let running: RunningDatabase | undefined;
  let tap: WireTap;
  let config: OdooConfig;
  let client: OdooClient;
  let heroId: number;

  /** A context whose upstream counts through `hooks`. */
  const context = (hooks: UpstreamHooks, on: OdooClient = client) =>
    testContext(on, config, { instance, connector: odoo.spec, hooks });

  beforeAll(async () => {
    running = await backend.start();
    tap = await startWireTap(running.sandbox.connectionString);
    ({ client, config } = await connect(running.sandbox, {
      databaseUrl: tap.connectionString,
      // Short, so that a hung statement fails the test quickly.
      statementTimeoutMs: 500,
    }));
    const hero = must(
      demoDataset().odoo.partners.find((partner) => partner.emailNormalized === HERO_EMAILS.everywhere),
      'hero contact',
    );
    heroId = hero.commercialPartnerId;
  });

  afterAll(async () => {
    if (client !== undefined) await odooConnector.close?.(client);
    await tap?.close();
    await running?.close();
  });

  describe('accounting', () => {
    it('get_customer: quota tokens = recorded requests = statements the database received', async () => {
      const hooks = countingHooks();
      const before = tap.requests.length;
      const out = await callTool(getCustomerTool, { id: heroId }, context(hooks));
      expect(out.customer.source.id).toBe(String(heroId));
      const received = tap.requests.slice(before);
      expect(hooks.acquired).toEqual([
        'begin',
        'partners.resolve',
        'partners.read',
        'contacts.list',
        'receivables.balances',
        'orders.list',
        'commit',
      ]);
      expect(hooks.requests.map((request) => request.name)).toEqual(hooks.acquired);
      expect(hooks.requests.every((request) => request.outcome === 'ok')).toBe(true);
      expect(received).toHaveLength(hooks.acquired.length);
      expect(received[0]?.text).toMatch(/^BEGIN READ ONLY; SET LOCAL statement_timeout = 750$/);
      expect(received.at(-1)?.text).toBe('COMMIT');
    });

    it('the erp capability: the same accounting through a composite tool', async () => {
      const hooks = countingHooks();
      const erp = must(testSource(odooConnector, client, config, instance, { hooks }).erp, 'erp');
      const before = tap.requests.length;
      const out = await erp.getFinancials(String(heroId), { signal: new AbortController().signal });
      expect(out.account.source.id).toBe(String(heroId));
      expect(hooks.acquired).toHaveLength(8);
      expect(hooks.requests).toHaveLength(8);
      expect(tap.requests.length - before).toBe(8);
    });

    it('a failure rolls back: that statement counts too', async () => {
      const hooks = countingHooks();
      const before = tap.requests.length;
      const error = await toolError(callTool(getCustomerTool, { id: 99_999_999 }, context(hooks)));
      expect(error.code).toBe('not_found');
      expect(hooks.acquired).toEqual(['begin', 'partners.resolve', 'rollback']);
      expect(hooks.requests).toHaveLength(3);
      expect(tap.requests.length - before).toBe(3);
    });

    it('a refused quota token sends nothing', async () => {
      const hooks = countingHooks();
      hooks.refuse = new Error('quota');
      const before = tap.requests.length;
      await expect(callTool(getCustomerTool, { id: heroId }, context(hooks))).rejects.toThrow('quota');
      expect(hooks.requests).toEqual([]);
      expect(tap.requests.length).toBe(before);
    });
  });

  describe('rule families', () => {
    /** A client of its own whose pool has no connection yet, so the next call connects. */
    async function freshClient<T>(work: (fresh: OdooClient) => Promise<T>): Promise<T> {
      const fresh = { ...client, pool: createPool(config, silentLogger()) };
      try {
        return await work(fresh);
      } finally {
        await fresh.pool.end();
      }
    }

    it('refused credentials (28P01): upstream_unavailable that retrying will not fix', async () => {
      tap.refuseConnections({
        sqlstate: '28P01',
        message: 'password authentication failed for user "odoo_ro"',
      });
      try {
        const hooks = countingHooks();
        const error = await freshClient((fresh) =>
          toolError(callTool(getCustomerTool, { id: heroId }, context(hooks, fresh))),
        );
        expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
        expect(error.message).toMatch(/credentials or database name/);
        expect(error.message).not.toMatch(/odoo_ro/);
        expect(hooks.requests).toEqual([{ name: 'begin', outcome: 'upstream_unavailable' }]);
      } finally {
        tap.clearFaults();
      }
    });

    it('a server starting up (57P03): retryable upstream_unavailable', async () => {
      tap.refuseConnections({ sqlstate: '57P03', message: 'the database system is starting up' });
      try {
        const error = await freshClient((fresh) =>
          toolError(callTool(getCustomerTool, { id: heroId }, context(countingHooks(), fresh))),
        );
        expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
      } finally {
        tap.clearFaults();
      }
    });

    it('a hung database: the kit times the statement out and the connection is not reused', async () => {
      tap.inject({ match: /FROM res_partner WHERE id = \$1/, hang: true });
      try {
        const hooks = countingHooks();
        const error = await toolError(callTool(getCustomerTool, { id: heroId }, context(hooks)));
        expect(error.code).toBe('timeout');
        expect(error.message).toBe(
          'Odoo did not answer in time (limit 500 ms per request). Retry, or narrow the request.',
        );
        expect(hooks.requests).toEqual([
          { name: 'begin', outcome: 'ok' },
          { name: 'partners.resolve', outcome: 'timeout' },
        ]);
      } finally {
        tap.clearFaults();
      }
      const again = await callTool(getCustomerTool, { id: heroId }, context(countingHooks()));
      expect(again.customer.source.id).toBe(String(heroId));
    });

    it('a missing privilege (42501): forbidden', async () => {
      tap.inject({
        match: /FROM res_partner WHERE id = \$1/,
        error: { sqlstate: '42501', message: 'permission denied for table res_partner' },
      });
      try {
        const hooks = countingHooks();
        const error = await toolError(callTool(getCustomerTool, { id: heroId }, context(hooks)));
        expect(error.code).toBe('forbidden');
        expect(hooks.acquired).toEqual(['begin', 'partners.resolve', 'rollback']);
      } finally {
        tap.clearFaults();
      }
    });

    it('a column this connector reads is missing (another Odoo version): internal, saying so', async () => {
      const error = await toolError(
        readOnly(client, testUpstream(odooProfile(config)), (sql) =>
          sql.rows('partners.read', z.unknown(), 'SELECT p.partner_share_x FROM res_partner p LIMIT 1'),
        ),
      );
      expect(error).toMatchObject({ code: 'internal', retryable: false, cause: { code: '42703' } });
      expect(error.message).toMatch(/not the Odoo version the connector knows/);
    });

    it('a value the database refuses (22P02): invalid_input', async () => {
      const error = await toolError(
        readOnly(client, testUpstream(odooProfile(config)), (sql) =>
          sql.rows('cast', z.unknown(), 'SELECT $1::int AS n', ['x']),
        ),
      );
      expect(error).toMatchObject({ code: 'invalid_input', cause: { code: '22P02' } });
    });
  });
});
