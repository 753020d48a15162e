import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger, Principal } from '@switchboard/kit';
import { type AuthFailureReason, type AuthResult, invalidToken } from './failure.js';

/**
 * Key format: `sbk_<prefix>_<secret>`.
 * - `sbk_` lets secret scanners (GitHub push protection, gitleaks, trufflehog) match a leaked key.
 * - `prefix`: 12 base62 characters (~71 bits), a public lookup id shown by `keys list`; not secret.
 * - `secret`: 43 base62 characters drawn uniformly (rejection sampling), 43 × log2(62) ≈ 256.03 bits,
 *   i.e. at least as strong as 32 random bytes.
 */
export const API_KEY_PREFIX = 'sbk_';
const LOOKUP_LENGTH = 12;
const SECRET_LENGTH = 43;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const API_KEY_SHAPE = /^sbk_([0-9A-Za-z]{12})_([0-9A-Za-z]{43})$/;
const HASH_SHAPE = /^[0-9a-f]{64}$/;

/** Uniform base62: bytes >= 248 (= 4 × 62) are discarded so that `% 62` has no bias. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/**
 * Hex SHA-256 of the whole key, or HMAC-SHA-256 when a server-side pepper is configured.
 *
 * A fast hash is right here: slow password hashes (bcrypt, argon2) exist to make guessing
 * low-entropy human passwords expensive, but a 256-bit random secret cannot be guessed at any hash
 * speed, and a slow hash on every request would make authentication a CPU denial-of-service vector.
 * The pepper (a secret kept outside the database) additionally makes a stolen table of hashes
 * useless on its own. Changing the pepper invalidates every stored key.
 */
export function hashApiKey(key: string, pepper?: string): string {
  return pepper === undefined || pepper === ''
    ? createHash('sha256').update(key, 'utf8').digest('hex')
    : createHmac('sha256', pepper).update(key, 'utf8').digest('hex');
}

export interface GeneratedApiKey {
  /** The full key: show it once, never store it. */
  readonly key: string;
  readonly prefix: string;
  readonly hash: string;
}

export function generateApiKey(options: { pepper?: string } = {}): GeneratedApiKey {
  const prefix = randomBase62(LOOKUP_LENGTH);
  const key = `${API_KEY_PREFIX}${prefix}_${randomBase62(SECRET_LENGTH)}`;
  return { key, prefix, hash: hashApiKey(key, options.pepper) };
}

/** The lookup prefix of a well-formed key, or `null` for anything else. */
export function parseApiKey(text: string): { prefix: string } | null {
  const match = API_KEY_SHAPE.exec(text);
  const prefix = match?.[1];
  return prefix === undefined || prefix.length !== LOOKUP_LENGTH ? null : { prefix };
}

/** Constant-time comparison of the key's hash with a stored hex hash. */
export function verifyApiKeyHash(key: string, hash: string, pepper?: string): boolean {
  const actual = Buffer.from(hashApiKey(key, pepper), 'hex');
  // A malformed stored hash is still compared (against itself) so the timing does not reveal it.
  const expected = HASH_SHAPE.test(hash) ? Buffer.from(hash, 'hex') : actual;
  return timingSafeEqual(actual, expected) && expected !== actual;
}

const DURATION_SHAPE = /^([1-9][0-9]{0,5})([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90m`, `12h`, `30d` -> milliseconds, for `keys create --expires`. */
export function parseDuration(text: string): number {
  const match = DURATION_SHAPE.exec(text.trim());
  const amount = match?.[1];
  const unit = match?.[2];
  if (amount === undefined || (unit !== 'm' && unit !== 'h' && unit !== 'd')) {
    throw new Error(
      `Invalid duration "${text}": use a positive whole number followed by m (minutes), h (hours) or d (days), e.g. 90m, 12h, 30d.`,
    );
  }
  return Number(amount) * UNIT_MS[unit];
}

/** What the key store keeps for one key. Never the key itself. */
export interface StoredApiKey {
  readonly id: string;
  /** Unique, human-chosen; the principal is `key:<name>`. */
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly scopes: string[];
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}

/** The part of the key store authentication needs; packages/store implements it. */
export interface ApiKeyStore {
  findByPrefix(prefix: string): Promise<StoredApiKey | null>;
  touchLastUsed(id: string, at: Date): Promise<unknown>;
}

export interface ApiKeyAuthenticatorOptions {
  readonly logger: Logger;
  readonly now?: () => Date;
  /** At most one last-use write per key per interval (per process). */
  readonly lastUsedWriteIntervalMs?: number;
  /** Server-side pepper; must match the one used when the keys were created. */
  readonly pepper?: string;
}

// Compared against when the prefix is unknown, so that both paths do the same hashing work.
const DUMMY_HASH = '0'.repeat(64);

const INVALID_KEY = 'Invalid API key.';

/**
 * Client-facing descriptions. Malformed, unknown and wrong-secret keys all read "Invalid API key" so
 * that a caller cannot learn which prefixes exist. "expired" and "revoked" are only said after the
 * secret has been verified, i.e. to the holder of the full key, who learns nothing new about
 * anyone else (RFC 6750's own example description is "The access token expired").
 */
const DESCRIPTIONS: Partial<Record<AuthFailureReason, string>> = {
  malformed_api_key: INVALID_KEY,
  unknown_api_key: INVALID_KEY,
  api_key_mismatch: INVALID_KEY,
  revoked_api_key: 'The API key has been revoked.',
  expired_api_key: 'The API key has expired.',
  store_unavailable: 'The API key could not be verified; try again later.',
};

export class ApiKeyAuthenticator {
  readonly #store: ApiKeyStore;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #interval: number;
  readonly #pepper: string | undefined;
  /** Key id -> epoch ms of the last write this process started. */
  readonly #lastWrites = new Map<string, number>();

  constructor(store: ApiKeyStore, options: ApiKeyAuthenticatorOptions) {
    this.#store = store;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#interval = options.lastUsedWriteIntervalMs ?? 60_000;
    this.#pepper = options.pepper;
  }

  async authenticate(key: string): Promise<AuthResult> {
    const parsed = parseApiKey(key);
    if (parsed === null) return this.#fail('malformed_api_key', {});
    const { prefix } = parsed;

    let stored: StoredApiKey | null;
    try {
      stored = await this.#store.findByPrefix(prefix);
    } catch (error) {
      // Fail closed. Logged as an error: this is an outage, not a bad client.
      this.#logger.error({ err: error, prefix }, 'API key lookup failed');
      return this.#fail('store_unavailable', { prefix });
    }
    if (stored === null) {
      verifyApiKeyHash(key, DUMMY_HASH, this.#pepper);
      return this.#fail('unknown_api_key', { prefix });
    }
    // Verify the secret before revealing the key's state.
    if (!verifyApiKeyHash(key, stored.hash, this.#pepper)) {
      return this.#fail('api_key_mismatch', { prefix, keyId: stored.id });
    }
    const now = this.#now();
    if (stored.revokedAt !== null) {
      return this.#fail('revoked_api_key', { prefix, keyId: stored.id, name: stored.name });
    }
    if (stored.expiresAt !== null && stored.expiresAt.getTime() <= now.getTime()) {
      return this.#fail('expired_api_key', { prefix, keyId: stored.id, name: stored.name });
    }

    this.#recordUse(stored, now);
    const principal: Principal = {
      id: `key:${stored.name}`,
      kind: 'api_key',
      scopes: new Set(stored.scopes),
    };
    return { principal };
  }

  /** Fire and forget: a slow or failing store never delays or fails the request. */
  #recordUse(stored: StoredApiKey, now: Date): void {
    const at = now.getTime();
    const lastWrite = this.#lastWrites.get(stored.id) ?? stored.lastUsedAt?.getTime();
    if (lastWrite !== undefined && at - lastWrite < this.#interval) return;
    this.#lastWrites.set(stored.id, at);
    Promise.resolve()
      .then(() => this.#store.touchLastUsed(stored.id, now))
      .catch((error: unknown) => {
        this.#logger.warn({ err: error, keyId: stored.id }, 'Could not record API key last use');
      });
  }

  #fail(reason: AuthFailureReason, details: Record<string, string>): AuthResult {
    if (reason !== 'store_unavailable') this.#logger.info({ reason, ...details }, 'API key rejected');
    return { failure: invalidToken(reason, DESCRIPTIONS[reason] ?? INVALID_KEY) };
  }
}
