export { postgresAvailable, withPgClient } from './client.js';
export { type ServedPglite, servePglite } from './pglite.js';
