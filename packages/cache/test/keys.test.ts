import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../src/envelope.js';
import { cacheKey, canonicalJson, schemaVersion } from '../src/index.js';

describe('cache keys', () => {
  const base = {
    namespace: 'salesforce',
    tool: 'search_accounts',
    version: 'v1abc',
    input: { query: 'acme', limit: 10 },
  };

  it('has the documented shape', () => {
    expect(cacheKey(base)).toMatch(/^salesforce:search_accounts:v1abc:shared:[A-Za-z0-9_-]{43}$/);
    expect(cacheKey({ ...base, principal: 'key:sk_live_ab12' })).toMatch(
      /^salesforce:search_accounts:v1abc:p:[A-Za-z0-9_-]{43}:[A-Za-z0-9_-]{43}$/,
    );
  });

  it('does not reveal the principal', () => {
    expect(cacheKey({ ...base, principal: 'key:sk_live_ab12' })).not.toContain('sk_live');
  });

  it('ignores key order and undefined members, keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined } })).toBe('{"a":{"d":[2,1]},"b":1}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(cacheKey({ ...base, input: { limit: 10, query: 'acme', cursor: undefined } })).toBe(
      cacheKey(base),
    );
    expect(cacheKey({ ...base, input: { a: [1, 2] } })).not.toBe(cacheKey({ ...base, input: { a: [2, 1] } }));
  });

  it('separates namespaces, tools, versions and principals', () => {
    const keys = new Set([
      cacheKey(base),
      cacheKey({ ...base, namespace: 'sf_emea' }),
      cacheKey({ ...base, tool: 'get_account' }),
      cacheKey({ ...base, version: 'v2' }),
      cacheKey({ ...base, principal: 'alice' }),
      cacheKey({ ...base, principal: 'bob' }),
    ]);
    expect(keys.size).toBe(6);
  });

  it('refuses inputs JSON would collapse and segments that would blur the key', () => {
    expect(() => cacheKey({ ...base, input: { ids: new Set([1]) } })).toThrow(/Map or Set/);
    expect(() => cacheKey({ ...base, input: { n: 1n } })).toThrow(/BigInt/);
    expect(() => cacheKey({ ...base, namespace: 'a:b' })).toThrow(/namespace/);
  });

  it('serializes dates through toJSON', () => {
    expect(canonicalJson({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it('versions by schema content, not by key order', () => {
    const input = { type: 'object', properties: { query: { type: 'string' } } };
    const output = { type: 'object', properties: { accounts: { type: 'array' } } };
    expect(schemaVersion(input, output)).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(schemaVersion({ properties: input.properties, type: 'object' }, output)).toBe(
      schemaVersion(input, output),
    );
    expect(schemaVersion({ ...input, required: ['query'] }, output)).not.toBe(schemaVersion(input, output));
  });
});

describe('cache envelope', () => {
  it('accepts a well-formed envelope and rejects anything else', () => {
    expect(parseEnvelope('{"v":{"n":1},"storedAt":1,"freshUntil":2,"staleUntil":3}')).toEqual({
      v: { n: 1 },
      storedAt: 1,
      freshUntil: 2,
      staleUntil: 3,
    });
    for (const raw of [
      'not json',
      '[]',
      '{"storedAt":1,"freshUntil":2,"staleUntil":3}',
      '{"v":1,"storedAt":"1","freshUntil":2,"staleUntil":3}',
      '{"v":1,"storedAt":1,"freshUntil":3,"staleUntil":2}',
    ]) {
      expect(parseEnvelope(raw)).toBeNull();
    }
  });
});
