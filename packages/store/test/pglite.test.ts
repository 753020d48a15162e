import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations, openStore } from '../src/index.js';
import { storeSuite } from './suite.js';
import { createPgliteDatabase, recordingLogger } from './support.js';

storeSuite({
  name: 'embedded PGlite',
  expectedKind: 'pglite',
  poolMax: 1,
  async openDefault() {
    const store = await openStore({ logger: recordingLogger().logger });
    return { store, close: () => store.close() };
  },
  createDatabase: createPgliteDatabase,
});

describe('embedded PGlite persistence', () => {
  it('keeps keys and the migration history in dataDir across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sb-store-'));
    try {
      const first = await openStore({ dataDir, logger: recordingLogger().logger });
      expect(first.kind).toBe('pglite');
      expect((await first.migrate()).applied).toEqual(migrations.map((migration) => migration.id));
      await first.apiKeys.insert({
        id: '6f1c8b9e-4a51-4d55-9a51-2a7c1b8f0e11',
        name: 'ci',
        prefix: 'sb_persist',
        hash: 'ab12',
        scopes: ['crm:read'],
        expiresAt: null,
      });
      await first.close();

      const second = await openStore({ dataDir, logger: recordingLogger().logger });
      try {
        expect(await second.pendingMigrations()).toEqual([]);
        expect(await second.migrate()).toEqual({ applied: [] });
        expect(await second.apiKeys.findByPrefix('sb_persist')).toMatchObject({
          name: 'ci',
          scopes: ['crm:read'],
        });
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
