import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOdooDatabaseMatches } from '../../test/odoo-expectations.js';
import { demoDataset, type EmbeddedOdoo, loadOdooDataset, startEmbeddedOdoo } from '../index.js';

// A fixed day in the past: everything must stay relative to it, not to the real today.
const asOf = new Date('2025-03-15T12:00:00Z');

describe('startEmbeddedOdoo (PGlite over the PostgreSQL wire protocol)', () => {
  let odoo: EmbeddedOdoo | undefined;
  let pool: pg.Pool | undefined;

  beforeAll(async () => {
    odoo = await startEmbeddedOdoo({ dataset: demoDataset(), asOf });
    // PGlite serves one connection at a time.
    pool = new pg.Pool({ connectionString: odoo.connectionString, max: 1, connectionTimeoutMillis: 5_000 });
  });

  afterAll(async () => {
    await pool?.end();
    await odoo?.close();
  });

  const connectedPool = () => {
    if (pool === undefined) throw new Error('Embedded Odoo did not start');
    return pool;
  };

  it('serves the real pg driver on 127.0.0.1', async () => {
    expect(odoo?.connectionString).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
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
