import { silentLogger } from '@switchboard/kit/testing';
import { describe, expect, it, vi } from 'vitest';

// Wrap the real timingSafeEqual so the test can prove every verification goes through it.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, default: actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const crypto = await import('node:crypto');
const { ApiKeyAuthenticator, generateApiKey, verifyApiKeyHash } = await import('../src/index.js');
const { memoryApiKeyStore } = await import('../src/testing/index.js');

describe('constant-time comparison', () => {
  it('verifyApiKeyHash compares with crypto.timingSafeEqual', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    const { key, hash } = generateApiKey();
    expect(verifyApiKeyHash(key, hash)).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('an unknown prefix costs the same comparison as a known one', async () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    const store = memoryApiKeyStore();
    const { key } = store.create({ name: 'a', scopes: [] });
    const authenticator = new ApiKeyAuthenticator(store, { logger: silentLogger() });
    spy.mockClear();
    await authenticator.authenticate(key);
    await authenticator.authenticate(generateApiKey().key);
    expect(spy).toHaveBeenCalledTimes(2);
  });
});
