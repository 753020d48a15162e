import { startEmbeddedOdoo } from '@switchboard/sandbox';
import { odooSuite } from './suite.js';

odooSuite({
  name: 'embedded PGlite',
  inProcess: true,
  async start(dataset, asOf) {
    const sandbox = await startEmbeddedOdoo({ dataset, asOf });
    return { sandbox, close: () => sandbox.close() };
  },
});
