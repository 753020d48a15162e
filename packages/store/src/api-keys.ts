import type pg from 'pg';
import { z } from 'zod';
import { constraintOf, parseRows, query, sqlState } from './db.js';
import { StoreConflictError } from './errors.js';

export interface ApiKeyRecord {
  /** uuid */
  id: string;
  /** Unique among keys that are not revoked. */
  name: string;
  /** The public, non-secret part of the key used to find it; unique across all keys, revoked ones too. */
  prefix: string;
  /** Hex digest of the secret; the secret itself is never stored. */
  hash: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export type NewApiKey = Omit<ApiKeyRecord, 'createdAt' | 'revokedAt' | 'lastUsedAt'>;

/**
 * Storage of API keys. Generating, hashing and verifying keys is the auth package's job: this only
 * keeps records, and returns revoked or expired keys as they are so the caller can say why a key fails.
 */
export interface ApiKeyRepository {
  /** Throws StoreConflictError when the name is held by an active key, or the prefix or id is taken. */
  insert(record: NewApiKey): Promise<ApiKeyRecord>;
  findByPrefix(prefix: string): Promise<ApiKeyRecord | null>;
  /** Oldest first. */
  list(options?: { includeRevoked?: boolean }): Promise<ApiKeyRecord[]>;
  /**
   * Revokes the active key with this name, or the key with this id (returned unchanged if it was
   * already revoked). Null when nothing matches.
   */
  revoke(idOrName: string): Promise<ApiKeyRecord | null>;
  /**
   * Records a use. Coarse on purpose: the row is only written when the stored time is older than
   * the granularity (default one minute), so a busy key costs one write a minute, not one per call,
   * and the time never moves backwards. True when the row was written.
   */
  touchLastUsed(id: string, at: Date): Promise<boolean>;
}

const NewApiKeySchema = z.object({
  id: z.uuid(),
  name: z.string().min(1).max(200),
  prefix: z.string().min(1).max(200),
  hash: z.string().regex(/^[0-9a-f]+$/, 'a lowercase hex digest'),
  scopes: z.array(z.string().min(1)),
  expiresAt: z.date().nullable(),
});

const ApiKeyRow = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    hash: z.string(),
    scopes: z.array(z.string()),
    created_at: z.date(),
    expires_at: z.date().nullable(),
    revoked_at: z.date().nullable(),
    last_used_at: z.date().nullable(),
  })
  .transform(
    (row): ApiKeyRecord => ({
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      hash: row.hash,
      scopes: row.scopes,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
      lastUsedAt: row.last_used_at,
    }),
  );

const COLUMNS = 'id, name, prefix, hash, scopes, created_at, expires_at, revoked_at, last_used_at';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createApiKeyRepository(
  pool: pg.Pool,
  options: { lastUsedGranularityMs: number },
): ApiKeyRepository {
  const rows = (result: pg.QueryResult): ApiKeyRecord[] => parseRows(ApiKeyRow, result.rows, 'api_keys');
  const first = (result: pg.QueryResult): ApiKeyRecord | null => rows(result)[0] ?? null;

  return {
    async insert(record) {
      const key = NewApiKeySchema.parse(record);
      try {
        const result = await query(
          pool,
          `INSERT INTO api_keys (id, name, prefix, hash, scopes, expires_at)
           VALUES ($1, $2, $3, $4, $5::text[], $6) RETURNING ${COLUMNS}`,
          [key.id, key.name, key.prefix, key.hash, key.scopes, key.expiresAt],
        );
        const inserted = first(result);
        if (inserted === null) throw new Error('INSERT ... RETURNING returned no row');
        return inserted;
      } catch (err) {
        throw conflictOf(err, key) ?? err;
      }
    },

    async findByPrefix(prefix) {
      return first(await query(pool, `SELECT ${COLUMNS} FROM api_keys WHERE prefix = $1`, [prefix]));
    },

    async list(listOptions = {}) {
      const where = listOptions.includeRevoked === true ? '' : 'WHERE revoked_at IS NULL';
      return rows(
        await query(pool, `SELECT ${COLUMNS} FROM api_keys ${where} ORDER BY created_at, name, id`),
      );
    },

    async revoke(idOrName) {
      const byName = await query(
        pool,
        `UPDATE api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`,
        [idOrName],
      );
      const revoked = first(byName);
      if (revoked !== null || !UUID.test(idOrName)) return revoked;
      // COALESCE keeps the first revocation time when the key was already revoked.
      return first(
        await query(
          pool,
          `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
          [idOrName],
        ),
      );
    },

    async touchLastUsed(id, at) {
      if (!UUID.test(id)) return false;
      const result = await query(
        pool,
        `UPDATE api_keys SET last_used_at = $2
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= $2::timestamptz - make_interval(secs => $3))`,
        [id, at, options.lastUsedGranularityMs / 1000],
      );
      return result.rowCount === 1;
    },
  };
}

function conflictOf(err: unknown, key: z.infer<typeof NewApiKeySchema>): StoreConflictError | undefined {
  if (sqlState(err) !== '23505') return undefined;
  switch (constraintOf(err)) {
    case 'api_keys_active_name_key':
      return new StoreConflictError(
        'name',
        key.name,
        `An active API key named "${key.name}" already exists. Revoke it first or choose another name.`,
        { cause: err },
      );
    case 'api_keys_prefix_key':
      return new StoreConflictError(
        'prefix',
        key.prefix,
        `An API key with prefix "${key.prefix}" already exists.`,
        {
          cause: err,
        },
      );
    case 'api_keys_pkey':
      return new StoreConflictError('id', key.id, `An API key with id "${key.id}" already exists.`, {
        cause: err,
      });
    default:
      return undefined;
  }
}
