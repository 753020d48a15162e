import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { expectOdooDatabaseMatches } from '../../test/odoo-expectations.js';
import { useOdooPool } from '../../test/odoo-pool.js';
import { demoDataset, loadOdooDataset, startEmbeddedOdoo } from '../index.js';

// A fixed day in the past: everything must stay relative to it, not to the real today.
const asOf = new Date('2025-03-15T12:00:00Z');

describe('startEmbeddedOdoo (PGlite over the PostgreSQL wire protocol)', () => {
  const odoo = useOdooPool(() => startEmbeddedOdoo({ dataset: demoDataset(), asOf }), {
    // PGlite serves one connection at a time.
    max: 1,
    notOpened: 'Embedded Odoo did not start',
  });
  const connectedPool = odoo.pool;

  it('serves the real pg driver on 127.0.0.1', async () => {
    expect(odoo.connectionString()).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const result = await connectedPool().query('SELECT 1 AS one');
    expect(result.rows).toEqual([{ one: 1 }]);
  });

  expectOdooDatabaseMatches({ pool: connectedPool, dataset: demoDataset(), asOf });

  it('refuses to load twice and rolls the failed load back, leaving the data intact', async () => {
    await expect(loadOdooDataset(connectedPool(), demoDataset(), { asOf })).rejects.toThrow(/already exists/);
    const result = await connectedPool().query('SELECT count(*)::int AS partners FROM res_partner');
    expect(result.rows).toEqual([{ partners: demoDataset().odoo.partners.length }]);
  });

  it('closes the server so that new connections fail', async () => {
    const server = await startEmbeddedOdoo({ dataset: demoDataset(), asOf });
    await server.close();
    const client = new pg.Client({
      connectionString: server.connectionString,
      connectionTimeoutMillis: 2_000,
    });
    await expect(client.connect()).rejects.toThrow();
  });
});
