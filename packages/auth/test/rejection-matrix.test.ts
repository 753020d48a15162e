import { silentLogger } from '@switchboard/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKeyAuthenticator,
  Authenticator,
  type AuthFailure,
  type AuthResult,
  JwtAuthenticator,
  protectedResourceMetadataUrl,
  requireScopes,
  wwwAuthenticate,
} from '../src/index.js';
import {
  type MemoryApiKeyStore,
  memoryApiKeyStore,
  startTestIssuer,
  type TestIssuer,
} from '../src/testing/index.js';

/**
 * The whole chain as the gateway runs it: Authorization header -> Authenticator -> requireScopes ->
 * status and WWW-Authenticate header.
 */
const RESOURCE = 'https://mcp.example.test/mcp';
const METADATA_URL = protectedResourceMetadataUrl(RESOURCE);
const NOW = Date.now();

let issuer: TestIssuer;
let store: MemoryApiKeyStore;
let authenticator: Authenticator;
const keys: Record<'valid' | 'revoked' | 'expired' | 'readOnly', string> = {
  valid: '',
  revoked: '',
  expired: '',
  readOnly: '',
};

beforeAll(async () => {
  issuer = await startTestIssuer({ audience: RESOURCE });
  store = memoryApiKeyStore();
  keys.valid = store.create({ name: 'writer', scopes: ['crm:read', 'crm:write'] }).key;
  keys.readOnly = store.create({ name: 'reader', scopes: ['crm:read'] }).key;
  const revoked = store.create({ name: 'revoked', scopes: ['crm:write'] });
  store.revoke(revoked.record.id, new Date(NOW - 1000));
  keys.revoked = revoked.key;
  keys.expired = store.create({
    name: 'expired',
    scopes: ['crm:write'],
    expiresAt: new Date(NOW - 1000),
  }).key;
  authenticator = new Authenticator({
    apiKeys: new ApiKeyAuthenticator(store, { logger: silentLogger() }),
    jwt: new JwtAuthenticator({
      issuer: issuer.issuer,
      audience: RESOURCE,
      logger: silentLogger(),
    }),
  });
});

afterAll(async () => {
  await issuer.close();
});

interface Response {
  status: number;
  wwwAuthenticate?: string;
}

/** What the gateway's auth plugin does for a tool needing crm:write. */
async function call(header: string | undefined): Promise<Response & { result: AuthResult }> {
  const result = await authenticator.authenticate(header);
  let failure: AuthFailure | null = 'failure' in result ? result.failure : null;
  if ('principal' in result) failure = requireScopes(result.principal, ['crm:write']);
  if (failure === null) return { status: 200, result };
  return {
    status: failure.status,
    wwwAuthenticate: wwwAuthenticate(failure, {
      resourceMetadataUrl: METADATA_URL,
      scope: 'crm:read crm:write',
    }),
    result,
  };
}

const bearer = (token: string): string => `Bearer ${token}`;
const invalidToken = (description: string): string =>
  `Bearer error="invalid_token", scope="crm:read crm:write", resource_metadata="${METADATA_URL}", error_description="${description}"`;

describe('rejection matrix', () => {
  it('the metadata URL follows RFC 9728 §3.1', () => {
    expect(METADATA_URL).toBe('https://mcp.example.test/.well-known/oauth-protected-resource/mcp');
  });

  it.each<[string, () => Promise<string | undefined>, number, string]>([
    [
      'no credential',
      async () => undefined,
      401,
      `Bearer scope="crm:read crm:write", resource_metadata="${METADATA_URL}"`,
    ],
    [
      'another scheme (Basic)',
      async () => 'Basic dXNlcjpwYXNz',
      401,
      `Bearer scope="crm:read crm:write", resource_metadata="${METADATA_URL}"`,
    ],
    [
      'Bearer without a token',
      async () => 'Bearer',
      400,
      `Bearer error="invalid_request", scope="crm:read crm:write", resource_metadata="${METADATA_URL}", error_description="Malformed Authorization header: expected \\"Bearer <token>\\"."`,
    ],
    [
      'Bearer with two tokens',
      async () => 'Bearer abc def',
      400,
      `Bearer error="invalid_request", scope="crm:read crm:write", resource_metadata="${METADATA_URL}", error_description="Malformed Authorization header: expected \\"Bearer <token>\\"."`,
    ],
    ['malformed API key', async () => bearer('sbk_short'), 401, invalidToken('Invalid API key.')],
    [
      'unknown API key',
      async () => bearer(`sbk_AAAAAAAAAAAA_${'B'.repeat(43)}`),
      401,
      invalidToken('Invalid API key.'),
    ],
    ['revoked API key', async () => bearer(keys.revoked), 401, invalidToken('The API key has been revoked.')],
    ['expired API key', async () => bearer(keys.expired), 401, invalidToken('The API key has expired.')],
    [
      'JWT with a wrong audience',
      async () => bearer(await issuer.sign({ aud: 'https://other.example/mcp' })),
      401,
      invalidToken('The access token was not issued for this resource.'),
    ],
    [
      'JWT with a wrong issuer',
      async () => bearer(await issuer.sign({ iss: 'https://evil.example' })),
      401,
      invalidToken('The access token was not issued by the trusted authorization server.'),
    ],
    [
      'expired JWT',
      async () => bearer(await issuer.sign({}, { expiresIn: Math.floor(NOW / 1000) - 3600 })),
      401,
      invalidToken('The access token expired.'),
    ],
    [
      'JWT not yet valid',
      async () => bearer(await issuer.sign({}, { notBefore: '1h' })),
      401,
      invalidToken('The access token is not valid yet.'),
    ],
    [
      'JWT with a bad signature',
      async () => bearer(await issuer.signWithUnknownKey({}, { kid: issuer.kid })),
      401,
      invalidToken('Invalid access token.'),
    ],
    ['JWT with alg none', async () => bearer(issuer.unsigned()), 401, invalidToken('Invalid access token.')],
    [
      'JWT with an unknown kid',
      async () => bearer(await issuer.signWithUnknownKey()),
      401,
      invalidToken('Invalid access token.'),
    ],
    [
      'API key missing the scope',
      async () => bearer(keys.readOnly),
      403,
      `Bearer error="insufficient_scope", scope="crm:write", resource_metadata="${METADATA_URL}", error_description="Missing scope crm:write."`,
    ],
    [
      'JWT missing the scope',
      async () => bearer(await issuer.sign({ scope: 'crm:read' })),
      403,
      `Bearer error="insufficient_scope", scope="crm:write", resource_metadata="${METADATA_URL}", error_description="Missing scope crm:write."`,
    ],
  ])('%s -> %i with the right challenge', async (_label, header, status, challenge) => {
    const response = await call(await header());
    expect(response.status).toBe(status);
    expect(response.wwwAuthenticate).toBe(challenge);
  });

  it('accepts a valid API key and a valid JWT with the scope, whatever the scheme case', async () => {
    expect((await call(bearer(keys.valid))).status).toBe(200);
    expect((await call(`bearer ${keys.valid}`)).status).toBe(200);
    expect((await call(bearer(await issuer.sign({ scope: 'crm:write' })))).status).toBe(200);
  });

  it('no principal carries the client token (it cannot be forwarded upstream)', async () => {
    const token = await issuer.sign({ scope: 'crm:write' });
    const { result } = await call(bearer(token));
    expect(
      JSON.stringify(result, (_key, value: unknown) => (value instanceof Set ? [...value] : value)),
    ).not.toContain(token.split('.')[2]);
  });
});

describe('Authenticator routing', () => {
  it('refuses sbk_ keys when API keys are not configured, and JWTs when JWT is not', async () => {
    const jwtOnly = new Authenticator({
      jwt: new JwtAuthenticator({ issuer: issuer.issuer, audience: RESOURCE, logger: silentLogger() }),
    });
    expect(await jwtOnly.authenticate(bearer(keys.valid))).toMatchObject({
      failure: { status: 401, error: 'invalid_token', reason: 'no_authenticator' },
    });
    const keysOnly = new Authenticator({
      apiKeys: new ApiKeyAuthenticator(store, { logger: silentLogger() }),
    });
    expect(await keysOnly.authenticate(bearer(await issuer.sign()))).toMatchObject({
      failure: { status: 401, reason: 'no_authenticator' },
    });
  });

  it('allowAnonymous admits a request without credential but never a bad credential', async () => {
    const anonymous = new Authenticator({
      apiKeys: new ApiKeyAuthenticator(store, { logger: silentLogger() }),
      allowAnonymous: true,
    });
    expect(await anonymous.authenticate(undefined)).toEqual({
      principal: { id: 'anonymous', kind: 'local', scopes: new Set() },
    });
    expect(await anonymous.authenticate(bearer(keys.revoked))).toMatchObject({
      failure: { reason: 'revoked_api_key' },
    });
  });
});
