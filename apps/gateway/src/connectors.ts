import { odooConnector } from '@switchboard/connector-odoo';
import type { AnyConnector } from '@switchboard/kit';

/**
 * The connector packages this gateway can mount, by package name. Explicit on purpose: adding a
 * system is one import and one line here, and nothing is discovered by scanning directories.
 */
export const CATALOGUE: ReadonlyMap<string, AnyConnector> = new Map<string, AnyConnector>([
  [odooConnector.name, odooConnector],
]);
