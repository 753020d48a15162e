import { startEmbeddedOdoo } from '@switchboard/sandbox';
import { odooSuite } from './suite.js';

// PGlite accepts one connection at a time: the pool must hold a single one.
odooSuite({
  name: 'embedded PGlite',
  poolMax: 1,
  inProcess: true,
  start: (dataset, asOf) => startEmbeddedOdoo({ dataset, asOf }),
});
