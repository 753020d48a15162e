import { silentLogger } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import {
  ApiKeyAuthenticator,
  type ApiKeyStore,
  generateApiKey,
  hashApiKey,
  parseApiKey,
  parseDuration,
  verifyApiKeyHash,
} from '../src/index.js';
import { memoryApiKeyStore } from '../src/testing/index.js';

type LogRecord = { level: string; obj: object; msg?: string };

function reasonsIn(records: LogRecord[]): unknown[] {
  return records.map((record) => ('reason' in record.obj ? record.obj.reason : undefined));
}

describe('generateApiKey', () => {
  it('produces sbk_<12 base62>_<43 base62> with the hex SHA-256 of the whole key', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(/^sbk_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$/);
    expect(key.slice(4, 16)).toBe(prefix);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashApiKey(key));
  });

  it('never repeats and uses the whole base62 alphabet', () => {
    const keys = Array.from({ length: 500 }, () => generateApiKey().key);
    expect(new Set(keys).size).toBe(500);
    const used = new Set(keys.flatMap((key) => [...key.slice(17)]));
    expect(used.size).toBe(62);
  });

  it('with a pepper stores an HMAC that only verifies with the same pepper', () => {
    const { key, hash } = generateApiKey({ pepper: 'server-secret' });
    expect(hash).not.toBe(hashApiKey(key));
    expect(verifyApiKeyHash(key, hash, 'server-secret')).toBe(true);
    expect(verifyApiKeyHash(key, hash)).toBe(false);
    expect(verifyApiKeyHash(key, hash, 'other-secret')).toBe(false);
  });
});

describe('parseApiKey', () => {
  const { key, prefix } = generateApiKey();

  it('returns the lookup prefix of a well-formed key', () => {
    expect(parseApiKey(key)).toEqual({ prefix });
  });

  it.each([
    ['empty', ''],
    ['another vendor', 'sk_live_abc'],
    ['truncated secret', key.slice(0, -1)],
    ['extra character', `${key}x`],
    ['wrong marker', key.replace('sbk_', 'sbx_')],
    ['non-base62 secret', `${key.slice(0, -1)}-`],
    ['whitespace', ` ${key}`],
    ['short prefix', `sbk_abc_${key.slice(17)}`],
  ])('rejects %s', (_label, text) => {
    expect(parseApiKey(text)).toBeNull();
  });
});

describe('verifyApiKeyHash', () => {
  it('accepts the right key and rejects another key or a malformed stored hash', () => {
    const { key, hash } = generateApiKey();
    expect(verifyApiKeyHash(key, hash)).toBe(true);
    expect(verifyApiKeyHash(generateApiKey().key, hash)).toBe(false);
    expect(verifyApiKeyHash(key, 'not-a-hash')).toBe(false);
    expect(verifyApiKeyHash(key, hash.toUpperCase())).toBe(false);
  });
});

describe('parseDuration', () => {
  it('converts minutes, hours and days to milliseconds', () => {
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('30d')).toBe(30 * 86_400_000);
  });

  it.each(['', '30', 'd', '0d', '-1d', '1.5h', '30 d', '2w', '1000000d', 'abc'])(
    'rejects %j with a message naming the accepted forms',
    (text) => {
      expect(() => parseDuration(text)).toThrow(/m \(minutes\), h \(hours\) or d \(days\)/);
    },
  );
});

describe('ApiKeyAuthenticator', () => {
  const NOW = new Date('2026-03-01T12:00:00Z');

  function setup(options: { now?: () => Date; interval?: number; store?: ApiKeyStore } = {}) {
    const records: LogRecord[] = [];
    const store = memoryApiKeyStore();
    const authenticator = new ApiKeyAuthenticator(options.store ?? store, {
      logger: silentLogger(records),
      now: options.now ?? (() => NOW),
      lastUsedWriteIntervalMs: options.interval ?? 60_000,
    });
    return { store, authenticator, records };
  }

  it('returns a key:<name> principal with the stored scopes', async () => {
    const { store, authenticator } = setup();
    const { key } = store.create({ name: 'ci-bot', scopes: ['crm:read', 'erp:read'] });
    const result = await authenticator.authenticate(key);
    expect(result).toEqual({
      principal: { id: 'key:ci-bot', kind: 'api_key', scopes: new Set(['crm:read', 'erp:read']) },
    });
  });

  it('accepts a key until the instant it expires', async () => {
    let now = NOW;
    const { store, authenticator } = setup({ now: () => now });
    const { key } = store.create({ name: 'temp', scopes: [], expiresAt: new Date(NOW.getTime() + 1000) });
    expect('principal' in (await authenticator.authenticate(key))).toBe(true);
    now = new Date(NOW.getTime() + 1000);
    expect(await authenticator.authenticate(key)).toMatchObject({ failure: { reason: 'expired_api_key' } });
  });

  it('gives distinct log reasons but one client description to malformed, unknown and wrong-secret keys', async () => {
    const { store, authenticator, records } = setup();
    const { key } = store.create({ name: 'a', scopes: [] });
    const wrongSecret = `${key.slice(0, 17)}${'A'.repeat(43)}`;
    const unknown = generateApiKey().key;
    const results = [
      await authenticator.authenticate('sbk_nope'),
      await authenticator.authenticate(unknown),
      await authenticator.authenticate(wrongSecret),
    ];
    const failures = results.map((result) => ('failure' in result ? result.failure : null));
    expect(failures.map((failure) => failure?.reason)).toEqual([
      'malformed_api_key',
      'unknown_api_key',
      'api_key_mismatch',
    ]);
    for (const failure of failures) {
      expect(failure).toMatchObject({ status: 401, error: 'invalid_token', description: 'Invalid API key.' });
    }
    expect(reasonsIn(records)).toEqual(['malformed_api_key', 'unknown_api_key', 'api_key_mismatch']);
    expect(JSON.stringify(records)).not.toContain(key.slice(17));
  });

  it('says "revoked" only to a caller holding the full key', async () => {
    const { store, authenticator } = setup();
    const { key, record } = store.create({ name: 'old', scopes: [] });
    store.revoke(record.id, NOW);
    const wrongSecret = `${key.slice(0, 17)}${'A'.repeat(43)}`;
    expect(await authenticator.authenticate(key)).toMatchObject({
      failure: { status: 401, reason: 'revoked_api_key', description: 'The API key has been revoked.' },
    });
    expect(await authenticator.authenticate(wrongSecret)).toMatchObject({
      failure: { reason: 'api_key_mismatch', description: 'Invalid API key.' },
    });
  });

  it('fails closed with a logged error when the store is down', async () => {
    const records: LogRecord[] = [];
    const broken: ApiKeyStore = {
      findByPrefix: async () => {
        throw new Error('connection refused');
      },
      touchLastUsed: async () => {},
    };
    const authenticator = new ApiKeyAuthenticator(broken, { logger: silentLogger(records) });
    const result = await authenticator.authenticate(generateApiKey().key);
    expect(result).toMatchObject({
      failure: { status: 401, error: 'invalid_token', reason: 'store_unavailable' },
    });
    expect(records.map((record) => record.level)).toEqual(['error']);
  });

  it('writes last use at most once per interval per key', async () => {
    let now = NOW;
    const { store, authenticator } = setup({ now: () => now, interval: 60_000 });
    const first = store.create({ name: 'a', scopes: [] });
    const second = store.create({ name: 'b', scopes: [] });
    await authenticator.authenticate(first.key);
    await authenticator.authenticate(first.key);
    await authenticator.authenticate(second.key);
    now = new Date(NOW.getTime() + 59_999);
    await authenticator.authenticate(first.key);
    now = new Date(NOW.getTime() + 60_000);
    await authenticator.authenticate(first.key);
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.touches).toEqual([
      { id: first.record.id, at: NOW },
      { id: second.record.id, at: NOW },
      { id: first.record.id, at: new Date(NOW.getTime() + 60_000) },
    ]);
  });

  it('skips the write when the stored last use (another replica) is recent', async () => {
    const store = memoryApiKeyStore();
    const { key, record } = store.create({ name: 'a', scopes: [] });
    await store.touchLastUsed(record.id, new Date(NOW.getTime() - 10_000));
    const authenticator = new ApiKeyAuthenticator(store, { logger: silentLogger(), now: () => NOW });
    await authenticator.authenticate(key);
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.touches).toHaveLength(1);
  });

  it('never waits for, nor fails on, the last-use write', async () => {
    const records: LogRecord[] = [];
    const store = memoryApiKeyStore();
    const { key } = store.create({ name: 'a', scopes: ['x'] });
    let rejectWrite: (error: Error) => void = () => {};
    const slowFailing: ApiKeyStore = {
      findByPrefix: (prefix) => store.findByPrefix(prefix),
      touchLastUsed: () =>
        new Promise<void>((_resolve, reject) => {
          rejectWrite = reject;
        }),
    };
    const authenticator = new ApiKeyAuthenticator(slowFailing, { logger: silentLogger(records) });
    const result = await authenticator.authenticate(key);
    expect('principal' in result).toBe(true);
    rejectWrite(new Error('disk full'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'Could not record API key last use' }),
    );
  });

  it('survives a store whose touchLastUsed throws synchronously', async () => {
    const store = memoryApiKeyStore();
    const { key } = store.create({ name: 'a', scopes: [] });
    const throwing: ApiKeyStore = {
      findByPrefix: (prefix) => store.findByPrefix(prefix),
      touchLastUsed: () => {
        throw new Error('not a promise');
      },
    };
    const authenticator = new ApiKeyAuthenticator(throwing, { logger: silentLogger() });
    expect('principal' in (await authenticator.authenticate(key))).toBe(true);
  });
});
