import { testConnect, testInstance } from '@switchboard/kit/testing';
import {
  createOdooDatabase,
  type Dataset,
  type EmbeddedOdoo,
  type OdooDatabase,
  startEmbeddedOdoo,
} from '@switchboard/sandbox';
import type { z } from 'zod';
import { type OdooClient, type OdooConfig, odooConnector } from '../src/index.js';
import { sandboxConfig } from '../src/testing.js';

export const instance = testInstance('odoo');

/** An Odoo database the tests run against. */
export interface RunningDatabase {
  sandbox: EmbeddedOdoo | OdooDatabase;
  close(): Promise<void>;
}

/** Where an Odoo database runs: embedded in this process, or on a PostgreSQL server. */
export interface Backend {
  name: string;
  /**
   * Starts a database holding the dataset's Odoo part (default: the demo dataset), with day offsets
   * relative to asOf (default: today).
   */
  start(options?: { dataset?: Dataset; asOf?: Date }): Promise<RunningDatabase>;
  /**
   * PGlite runs inside this process: statement_timeout never fires, and a running query blocks the
   * event loop (so nothing can abort it midway). Tests of those two behaviours need a real server.
   */
  inProcess: boolean;
}

/** Closes an embedded database; drops one loaded on a server. */
function running(sandbox: EmbeddedOdoo | OdooDatabase): RunningDatabase {
  return { sandbox, close: () => ('close' in sandbox ? sandbox.close() : sandbox.drop()) };
}

export const BACKENDS = {
  pglite: {
    name: 'embedded PGlite',
    inProcess: true,
    start: async (options) => running(await startEmbeddedOdoo(options)),
  },
  /** A database of its own on the server at DATABASE_URL (or 127.0.0.1:5432), dropped after. */
  postgres: {
    name: 'PostgreSQL',
    inProcess: false,
    start: async (options) => running(await createOdooDatabase(options)),
  },
} satisfies Record<string, Backend>;

/** The connector connected to a database, as the gateway would mount it, with config overrides. */
export function connect(
  sandbox: EmbeddedOdoo | OdooDatabase,
  overrides: Partial<z.input<typeof OdooConfig>> = {},
): Promise<{ client: OdooClient; config: OdooConfig }> {
  return testConnect(odooConnector, { ...sandboxConfig(sandbox), ...overrides }, instance);
}
