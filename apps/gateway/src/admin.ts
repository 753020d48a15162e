import { randomUUID } from 'node:crypto';
import { generateApiKey, hashApiKey, parseApiKey, parseDuration } from '@switchboard/auth';
import { openStore, type Store, StoreConflictError } from '@switchboard/store';
import type { GatewayConfig } from './config.js';
import type { GatewayLogger } from './logger.js';

/** Administrative commands on the gateway database: migrations, API keys, the audit trail. */

export class AdminError extends Error {
  override readonly name = 'AdminError';
}

export async function withStore<T>(
  config: GatewayConfig,
  logger: GatewayLogger,
  work: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore({
    ...(config.database.url ? { databaseUrl: config.database.url } : { dataDir: config.database.dataDir }),
    poolMax: 2,
    logger,
  });
  try {
    if (config.database.migrateOnStart) await store.migrate();
    return await work(store);
  } finally {
    await store.close();
  }
}

const SCOPE = /^(\*|[a-z][a-z0-9_-]*(:[a-z][a-z0-9_-]*)*)$/;

export function parseScopes(text: string | undefined): string[] {
  const scopes = (text ?? '')
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '');
  if (scopes.length === 0)
    throw new AdminError('Pass --scopes with at least one scope, e.g. --scopes crm:read,erp:read');
  const bad = scopes.filter((scope) => !SCOPE.test(scope));
  if (bad.length > 0) throw new AdminError(`Not a scope: ${bad.join(', ')}. Scopes look like crm:read.`);
  return [...new Set(scopes)];
}

export interface CreatedKey {
  key: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: Date | null;
}

export async function createKey(
  store: Store,
  options: {
    name: string | undefined;
    scopes: string[];
    expires?: string | undefined;
    pepper?: string | undefined;
    /** Register this key instead of generating one (the demo's fixed key). */
    key?: string;
  },
): Promise<CreatedKey> {
  const name = options.name?.trim();
  if (!name) throw new AdminError('Pass --name, e.g. --name sales-agent');
  let expiresAt: Date | null = null;
  if (options.expires !== undefined) {
    try {
      expiresAt = new Date(Date.now() + parseDuration(options.expires));
    } catch (error) {
      throw new AdminError(error instanceof Error ? error.message : String(error));
    }
  }
  const generated =
    options.key === undefined
      ? generateApiKey(options.pepper ? { pepper: options.pepper } : {})
      : given(options.key, options.pepper);
  try {
    await store.apiKeys.insert({
      id: randomUUID(),
      name,
      prefix: generated.prefix,
      hash: generated.hash,
      scopes: options.scopes,
      expiresAt,
    });
  } catch (error) {
    if (error instanceof StoreConflictError)
      throw new AdminError(`A key named "${name}" already exists; revoke it or pick another name.`);
    throw error;
  }
  return { key: generated.key, name, prefix: generated.prefix, scopes: options.scopes, expiresAt };
}

function given(key: string, pepper: string | undefined) {
  const parsed = parseApiKey(key);
  if (!parsed)
    throw new AdminError('The key is not a Switchboard API key (sbk_<12 characters>_<43 characters>).');
  return { key, prefix: parsed.prefix, hash: hashApiKey(key, pepper) };
}

function when(date: Date | null): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

export async function listKeys(store: Store, includeRevoked: boolean): Promise<string> {
  const keys = await store.apiKeys.list({ includeRevoked });
  if (keys.length === 0)
    return 'No API keys. Create one with: switchboard keys create --name NAME --scopes SCOPES';
  const rows = keys.map((key) => [
    key.name,
    `sbk_${key.prefix}_…`,
    key.scopes.join(','),
    when(key.createdAt),
    when(key.expiresAt),
    key.revokedAt ? `revoked ${when(key.revokedAt)}` : 'active',
    when(key.lastUsedAt),
  ]);
  const header = ['NAME', 'KEY', 'SCOPES', 'CREATED', 'EXPIRES', 'STATUS', 'LAST USED'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export async function revokeKey(store: Store, idOrName: string | undefined): Promise<string> {
  if (!idOrName)
    throw new AdminError('Pass the name or id of the key to revoke: switchboard keys revoke NAME');
  const revoked = await store.apiKeys.revoke(idOrName);
  if (!revoked) throw new AdminError(`No active key named "${idOrName}" (and no key with that id).`);
  return `Revoked ${revoked.name} (sbk_${revoked.prefix}_…). Requests with it are refused from now on.`;
}

/** `--since 30m` or an ISO date. */
export function parseTime(text: string | undefined, flag: string): Date | undefined {
  if (text === undefined) return undefined;
  if (/^\d+[smhd]$/.test(text)) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[text.slice(-1)] ?? 0;
    return new Date(Date.now() - Number(text.slice(0, -1)) * unit);
  }
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new AdminError(`${flag} takes an ISO time or a duration like 30m, 12h, 7d; got "${text}".`);
  return date;
}

export async function queryAudit(
  store: Store,
  options: {
    principal?: string | undefined;
    tool?: string | undefined;
    since?: string | undefined;
    until?: string | undefined;
    limit?: string | undefined;
    json: boolean;
  },
): Promise<string> {
  const limit = options.limit === undefined ? 50 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new AdminError('--limit takes a positive whole number.');
  const since = parseTime(options.since, '--since');
  const until = parseTime(options.until, '--until');
  const records = await store.audit.query({
    ...(options.principal ? { principal: options.principal } : {}),
    ...(options.tool ? { tool: options.tool } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    limit,
  });
  if (options.json) return JSON.stringify(records, null, 2);
  if (records.length === 0) return 'No audit events match.';
  return records
    .map((r) => `${when(r.at)}  ${r.principal}  ${r.tool}  ${r.outcome}  ${r.durationMs} ms  ${r.requestId}`)
    .join('\n');
}
