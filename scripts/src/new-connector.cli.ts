import { cli } from './new-connector.js';

cli();
