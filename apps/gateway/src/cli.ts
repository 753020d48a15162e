import { run } from './main.js';

void run(process.argv.slice(2));
