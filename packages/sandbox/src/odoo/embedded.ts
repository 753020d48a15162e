import { PGlite } from '@electric-sql/pglite';
import { type ServedPglite, servePglite } from '@switchboard/pg-support';
import { demoDataset } from '../dataset/generate.js';
import type { Dataset } from '../dataset/types.js';
import { loadOdooDataset } from './load.js';

export interface EmbeddedOdooOptions {
  /** Default: demoDataset(). */
  dataset?: Dataset;
  /** The day dataset offsets are relative to; default today (UTC). */
  asOf?: Date;
}

/** `connectionString` (use it with a pg Pool of max 1) and `close()` (end the pool first). */
export type EmbeddedOdoo = ServedPglite;

/**
 * An in-memory Odoo database: PGlite seeded with the dataset and served over the PostgreSQL wire
 * protocol on 127.0.0.1 and a free port, so the real `pg` driver connects to it.
 *
 * One connection at a time: PGlite is a single PostgreSQL backend, and a second simultaneous
 * connection is refused (see servePglite). Use a pg Pool with `max: 1` (queries then queue in the pool).
 */
export async function startEmbeddedOdoo(options: EmbeddedOdooOptions = {}): Promise<EmbeddedOdoo> {
  return servePglite(await PGlite.create(), (db) =>
    loadOdooDataset(db, options.dataset ?? demoDataset(), { asOf: options.asOf }),
  );
}
