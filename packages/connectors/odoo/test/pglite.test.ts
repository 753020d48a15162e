import { BACKENDS } from './harness.js';
import { odooSuite } from './suite.js';

odooSuite(BACKENDS.pglite);
