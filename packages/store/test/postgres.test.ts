import { describe, it } from 'vitest';
import { openStore } from '../src/index.js';
import { storeSuite } from './suite.js';
import { createPostgresDatabase, postgresAvailable, recordingLogger } from './support.js';

const available = await postgresAvailable();

if (available) {
  storeSuite({
    name: 'PostgreSQL',
    expectedKind: 'postgres',
    poolMax: 4,
    async openDefault() {
      const database = await createPostgresDatabase();
      const store = await openStore({ databaseUrl: database.url, logger: recordingLogger().logger });
      return {
        store,
        async close() {
          await store.close();
          await database.drop();
        },
      };
    },
    createDatabase: createPostgresDatabase,
  });
} else if (process.env.CI === 'true') {
  throw new Error(
    'PostgreSQL is not reachable at DATABASE_URL or 127.0.0.1:5432, and CI=true requires the PostgreSQL run of the store suite.',
  );
} else {
  process.stderr.write(
    '\n*** SKIPPED: the store suite against a real PostgreSQL. No server answers at DATABASE_URL or ' +
      '127.0.0.1:5432 (user postgres). Start one to run it; CI=true makes this a failure. ***\n\n',
  );
  describe.skip('store on PostgreSQL (server not reachable)', () => {
    it('needs a PostgreSQL server', () => {});
  });
}
