import { silentLogger } from '@switchboard/kit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuthResult, JwtAuthenticator, type JwtAuthenticatorOptions } from '../src/index.js';
import { startTestIssuer, type TestIssuer } from '../src/testing/index.js';

type LogRecord = { level: string; obj: object; msg?: string };

let issuer: TestIssuer;

beforeEach(async () => {
  issuer = await startTestIssuer();
});

afterEach(async () => {
  await issuer.close();
});

function jwt(options: Partial<JwtAuthenticatorOptions> = {}, records: LogRecord[] = []): JwtAuthenticator {
  return new JwtAuthenticator({
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUri: issuer.jwksUri,
    logger: silentLogger(records),
    ...options,
  });
}

function reason(result: AuthResult): string | undefined {
  return 'failure' in result ? result.failure.reason : undefined;
}

function scopes(result: AuthResult): string[] {
  return 'principal' in result ? [...result.principal.scopes].sort() : [];
}

const nowSec = (): number => Math.floor(Date.now() / 1000);

describe('JwtAuthenticator: accepted tokens', () => {
  it('returns a jwt:<iss>|<sub> principal with the scopes of the `scope` claim', async () => {
    const result = await jwt().authenticate(await issuer.sign({ scope: 'crm:read  erp:read' }));
    expect(result).toEqual({
      principal: {
        id: `jwt:${issuer.issuer}|user-1`,
        kind: 'jwt',
        scopes: new Set(['crm:read', 'erp:read']),
      },
    });
  });

  it('reads `scp` as an array (Okta) or a space-separated string (Entra ID), and unions it with `scope`', async () => {
    const auth = jwt();
    expect(scopes(await auth.authenticate(await issuer.sign({ scp: ['crm:read', 'crm:write'] })))).toEqual([
      'crm:read',
      'crm:write',
    ]);
    expect(scopes(await auth.authenticate(await issuer.sign({ scp: 'support:read' })))).toEqual([
      'support:read',
    ]);
    expect(scopes(await auth.authenticate(await issuer.sign({ scope: 'a', scp: ['b'] })))).toEqual([
      'a',
      'b',
    ]);
  });

  it('ignores a `*` or non-string scope minted by the authorization server', async () => {
    const token = await issuer.sign({ scope: '* crm:read', scp: [42, 'erp:read', { x: 1 }] });
    expect(scopes(await jwt().authenticate(token))).toEqual(['crm:read', 'erp:read']);
  });

  it('reads only the configured scope claims', async () => {
    const token = await issuer.sign({ scope: 'crm:read', permissions: ['erp:read'] });
    expect(scopes(await jwt({ scopeClaims: ['permissions'] }).authenticate(token))).toEqual(['erp:read']);
    expect(scopes(await jwt({ scopeClaims: [] }).authenticate(token))).toEqual([]);
  });

  it('adds the scopes of every matching policy rule', async () => {
    const auth = jwt({
      scopeClaims: [],
      policy: [
        { claim: 'groups', includes: 'sales', scopes: ['crm:read', 'crm:write'] },
        { claim: 'groups', includes: 'finance', scopes: ['erp:read'] },
        { claim: 'role', equals: 'support-agent', scopes: ['support:read'] },
        { claim: ['realm_access', 'roles'], includes: 'admin', scopes: ['admin'] },
        { claim: 'https://example.com/roles', includes: 'auditor', scopes: ['audit:read'] },
      ],
    });
    const sales = await issuer.sign({ groups: ['sales', 'emea'], role: 'support-agent' });
    expect(scopes(await auth.authenticate(sales))).toEqual(['crm:read', 'crm:write', 'support:read']);
    const nested = await issuer.sign({
      realm_access: { roles: ['admin'] },
      'https://example.com/roles': 'auditor x',
    });
    expect(scopes(await auth.authenticate(nested))).toEqual(['admin', 'audit:read']);
    const none = await issuer.sign({ groups: 'salesforce', role: ['support-agent'] });
    expect(scopes(await auth.authenticate(none))).toEqual([]);
  });

  it('accepts an `aud` array that contains this resource', async () => {
    const token = await issuer.sign({ aud: ['https://other.example', issuer.audience] });
    expect(reason(await jwt().authenticate(token))).toBeUndefined();
  });

  it('tolerates clock skew up to clockToleranceSec on exp and nbf', async () => {
    const auth = jwt({ clockToleranceSec: 30 });
    expect(
      reason(await auth.authenticate(await issuer.sign({}, { expiresIn: nowSec() - 20 }))),
    ).toBeUndefined();
    expect(
      reason(await auth.authenticate(await issuer.sign({}, { notBefore: nowSec() + 20 }))),
    ).toBeUndefined();
  });
});

describe('JwtAuthenticator: rejected tokens', () => {
  it.each<[string, () => Promise<string>, string]>([
    ['wrong audience', () => issuer.sign({ aud: 'https://other.example/mcp' }), 'jwt_wrong_audience'],
    ['audience of a sibling path', () => issuer.sign({ aud: `${issuer.audience}/x` }), 'jwt_wrong_audience'],
    ['wrong issuer', () => issuer.sign({ iss: 'https://evil.example' }), 'jwt_wrong_issuer'],
    ['expired beyond the skew', () => issuer.sign({}, { expiresIn: nowSec() - 31 }), 'jwt_expired'],
    [
      'not yet valid beyond the skew',
      () => issuer.sign({}, { notBefore: nowSec() + 60 }),
      'jwt_not_yet_valid',
    ],
    ['no exp', () => issuer.sign({}, { expiresIn: null }), 'jwt_missing_claim'],
    ['no sub', () => issuer.sign({ sub: undefined }), 'jwt_missing_claim'],
    ['bad signature', () => issuer.signWithUnknownKey({}, { kid: issuer.kid }), 'jwt_bad_signature'],
    ['unknown kid', () => issuer.signWithUnknownKey(), 'jwt_unknown_kid'],
    ['alg none', async () => issuer.unsigned(), 'jwt_alg_not_allowed'],
    ['HS256', () => issuer.sign({}, { alg: 'HS256' }), 'jwt_alg_not_allowed'],
    ['garbage', async () => 'not.a.jwt', 'jwt_malformed'],
    ['two segments', async () => 'abc.def', 'jwt_malformed'],
    ['tampered payload', async () => tamper(await issuer.sign({ scope: 'crm:read' })), 'jwt_bad_signature'],
  ])('%s -> 401 invalid_token (%s)', async (_label, token, expected) => {
    const records: LogRecord[] = [];
    const result = await jwt({}, records).authenticate(await token());
    expect(result).toMatchObject({ failure: { status: 401, error: 'invalid_token', reason: expected } });
    expect(records).toContainEqual(
      expect.objectContaining({ obj: expect.objectContaining({ reason: expected }) }),
    );
  });

  it('refuses an algorithm the issuer uses but the configuration does not allow', async () => {
    const result = await jwt({ algorithms: ['RS256'] }).authenticate(await issuer.sign());
    expect(reason(result)).toBe('jwt_alg_not_allowed');
    expect(issuer.requests.jwks).toBe(0);
  });

  it('cannot be configured to accept none or HS256', () => {
    const unsafe: unknown = JSON.parse('["none"]');
    expect(() => new JwtAuthenticator({ ...base(), algorithms: [] })).toThrow(/At least one/);
    for (const algorithms of [unsafe, ['HS256']]) {
      expect(() => Reflect.construct(JwtAuthenticator, [{ ...base(), algorithms }])).toThrow();
    }
  });

  it('refuses a plain-http issuer outside loopback', () => {
    expect(() => new JwtAuthenticator({ ...base(), issuer: 'http://idp.example.com' })).toThrow(/https/);
  });
});

function base(): JwtAuthenticatorOptions {
  return {
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUri: issuer.jwksUri,
    logger: silentLogger(),
  };
}

/** Swaps the payload for another one, keeping header and signature. */
function tamper(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims: unknown = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
  const forged = Buffer.from(
    JSON.stringify({ ...Object(claims), scope: 'crm:read crm:write admin' }),
  ).toString('base64url');
  return `${header}.${forged}.${signature}`;
}

describe('JwtAuthenticator: keys', () => {
  it('caches the JWKS across requests', async () => {
    const auth = jwt();
    for (let i = 0; i < 3; i += 1)
      expect(reason(await auth.authenticate(await issuer.sign()))).toBeUndefined();
    expect(issuer.requests.jwks).toBe(1);
  });

  it('picks up a rotated key: an unknown kid triggers one refetch', async () => {
    const auth = jwt({ jwksCooldownMs: 0 });
    expect(reason(await auth.authenticate(await issuer.sign()))).toBeUndefined();
    const newKid = await issuer.rotate();
    const token = await issuer.sign();
    expect(token.length).toBeGreaterThan(0);
    expect(newKid).toBe(issuer.kid);
    expect(reason(await auth.authenticate(token))).toBeUndefined();
    expect(issuer.requests.jwks).toBe(2);
  });

  it('does not refetch on an unknown kid during the cooldown', async () => {
    const auth = jwt({ jwksCooldownMs: 60_000 });
    expect(reason(await auth.authenticate(await issuer.sign()))).toBeUndefined();
    await issuer.rotate();
    expect(reason(await auth.authenticate(await issuer.sign()))).toBe('jwt_unknown_kid');
    expect(reason(await auth.authenticate(await issuer.signWithUnknownKey()))).toBe('jwt_unknown_kid');
    expect(issuer.requests.jwks).toBe(1);
  });

  it('rejects tokens of a key the issuer stopped publishing', async () => {
    const auth = jwt({ jwksCooldownMs: 0, jwksCacheMaxAgeMs: 0 });
    const old = await issuer.sign();
    await issuer.rotate({ keepPrevious: false });
    expect(reason(await auth.authenticate(old))).toBe('jwt_unknown_kid');
  });

  it('a hanging JWKS endpoint fails within the timeout with a logged reason', async () => {
    const records: LogRecord[] = [];
    const auth = jwt({ timeoutMs: 200 }, records);
    issuer.fail('hang');
    const started = Date.now();
    const result = await auth.authenticate(await issuer.sign());
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({
      failure: { status: 401, error: 'invalid_token', reason: 'jwks_unavailable' },
    });
    expect(records).toContainEqual(
      expect.objectContaining({
        level: 'error',
        obj: expect.objectContaining({ reason: 'jwks_unavailable' }),
      }),
    );
  });

  it('an issuer that is down (connection refused or HTTP 500) fails with jwks_unavailable', async () => {
    const failing = jwt();
    issuer.fail('error');
    expect(reason(await failing.authenticate(await issuer.sign()))).toBe('jwks_unavailable');
    const token = await issuer.sign();
    await issuer.close();
    expect(reason(await jwt().authenticate(token))).toBe('jwks_unavailable');
    issuer = await startTestIssuer(); // afterEach closes it
  });
});

describe('JwtAuthenticator: discovery', () => {
  it('finds the JWKS through the OpenID configuration, once', async () => {
    const auth = jwt({ jwksUri: undefined });
    for (let i = 0; i < 2; i += 1)
      expect(reason(await auth.authenticate(await issuer.sign()))).toBeUndefined();
    expect(issuer.requests.metadata).toBe(1);
    expect(issuer.requests.jwks).toBe(1);
  });

  it('falls back to RFC 8414 authorization server metadata', async () => {
    const oauthOnly = await startTestIssuer({ metadata: 'oauth-authorization-server' });
    try {
      const auth = new JwtAuthenticator({
        issuer: oauthOnly.issuer,
        audience: oauthOnly.audience,
        logger: silentLogger(),
      });
      expect(reason(await auth.authenticate(await oauthOnly.sign()))).toBeUndefined();
      expect(oauthOnly.requests.metadata).toBe(1);
    } finally {
      await oauthOnly.close();
    }
  });

  it('a hanging discovery fails within the timeout, then recovers after discoveryRetryMs', async () => {
    const records: LogRecord[] = [];
    const auth = jwt({ jwksUri: undefined, timeoutMs: 200, discoveryRetryMs: 100 }, records);
    issuer.fail('hang');
    const started = Date.now();
    expect(reason(await auth.authenticate(await issuer.sign()))).toBe('jwks_unavailable');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(records[0]).toMatchObject({ level: 'error', obj: { reason: 'jwks_unavailable' } });

    issuer.fail(null);
    // Within the retry delay the failure is remembered: no new request reaches the issuer.
    const attempts = issuer.requests.metadata;
    expect(reason(await auth.authenticate(await issuer.sign()))).toBe('jwks_unavailable');
    expect(issuer.requests.metadata).toBe(attempts);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(reason(await auth.authenticate(await issuer.sign()))).toBeUndefined();
  });

  it('warmUp fetches the keys ahead of the first request and rejects when the issuer is down', async () => {
    await jwt({ jwksUri: undefined }).warmUp();
    expect(issuer.requests.jwks).toBe(1);
    issuer.fail('error');
    await expect(jwt({ jwksUri: undefined }).warmUp()).rejects.toThrow(/Could not discover/);
  });
});
