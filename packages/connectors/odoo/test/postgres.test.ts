import { postgresAvailable } from '@switchboard/sandbox';
import { whenPostgres } from '../../../../test-support/postgres.js';
import { BACKENDS } from './harness.js';
import { odooSuite } from './suite.js';

whenPostgres(await postgresAvailable(), 'the Odoo connector suite', () => odooSuite(BACKENDS.postgres));
