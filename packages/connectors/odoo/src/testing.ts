import type { EmbeddedOdoo, OdooDatabase } from '@switchboard/sandbox';
import type { z } from 'zod';
import type { OdooConfig } from './config.js';

/**
 * The connector configuration that points at a sandbox database: embedded PGlite, or a database the
 * sandbox loaded on a real PostgreSQL server. Typed by the connector's own configuration, so a renamed
 * field fails the typecheck here rather than at start-up.
 */
export function sandboxConfig(sandbox: EmbeddedOdoo | OdooDatabase): z.input<typeof OdooConfig> {
  // PGlite is a single backend: it accepts one connection at a time, so the pool must hold one.
  const embedded = 'close' in sandbox;
  return { databaseUrl: sandbox.connectionString, ...(embedded ? { poolMax: 1 } : {}) };
}
