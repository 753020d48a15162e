import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { postgresAvailable, servePglite, withPgClient } from './index.js';

describe('servePglite', () => {
  it('prepares the database, serves the pg driver on 127.0.0.1 and closes once', async () => {
    const served = await servePglite(await PGlite.create(), (db) =>
      db.exec('CREATE TABLE item (n int); INSERT INTO item VALUES (7)'),
    );
    expect(served.connectionString).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const config = { connectionString: served.connectionString, connectionTimeoutMillis: 2_000 };
    const result = await withPgClient(config, (client) => client.query('SELECT n FROM item'));
    expect(result.rows).toEqual([{ n: 7 }]);
    await served.close();
    await served.close();
    expect(await postgresAvailable(served.connectionString)).toBe(false);
  });

  it('closes the database when preparing it fails', async () => {
    const db = await PGlite.create();
    await expect(servePglite(db, () => Promise.reject(new Error('load failed')))).rejects.toThrow(
      'load failed',
    );
    expect(db.closed).toBe(true);
  });
});

describe('withPgClient', () => {
  it('ends the client when the work fails, freeing the single connection PGlite serves', async () => {
    const served = await servePglite(await PGlite.create());
    try {
      const config = { connectionString: served.connectionString, connectionTimeoutMillis: 2_000 };
      await expect(withPgClient(config, () => Promise.reject(new Error('work failed')))).rejects.toThrow(
        'work failed',
      );
      expect(await postgresAvailable(served.connectionString)).toBe(true);
    } finally {
      await served.close();
    }
  });
});
