import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { type ApiKeyStore, generateApiKey, type StoredApiKey } from '../api-keys.js';

export type TestIssuerAlgorithm = 'ES256' | 'RS256' | 'PS256' | 'EdDSA';

export interface TestIssuerOptions {
  /** Signing algorithm of the issuer's keys. Default ES256 (fast to generate). */
  readonly alg?: TestIssuerAlgorithm;
  /** Default `aud` of signed tokens. Default `https://mcp.example.test/mcp`. */
  readonly audience?: string;
  /** Which metadata document the issuer serves. Default `openid-configuration`. */
  readonly metadata?: 'openid-configuration' | 'oauth-authorization-server';
}

export interface TestSignOptions {
  readonly kid?: string;
  /** Another algorithm than the issuer's: HS* signs with a random secret (to be rejected). */
  readonly alg?: string;
  /** jose duration (`'5m'`), epoch seconds, or `null` for no `exp`. Default `'5m'`. */
  readonly expiresIn?: string | number | null;
  readonly notBefore?: string | number | Date;
  /** Extra protected header parameters. */
  readonly header?: Readonly<Record<string, unknown>>;
}

/** `hang`: accept requests and never answer; `error`: answer 500. */
export type TestIssuerFailure = 'hang' | 'error' | null;

export interface TestIssuer {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly audience: string;
  /** `kid` of the current signing key. */
  readonly kid: string;
  /** How many times each document was requested. */
  readonly requests: { readonly metadata: number; readonly jwks: number };
  sign(claims?: JWTPayload, options?: TestSignOptions): Promise<string>;
  /** Signed by a key the JWKS does not publish (kid defaults to a fresh unknown one). */
  signWithUnknownKey(claims?: JWTPayload, options?: TestSignOptions): Promise<string>;
  /** New current key; the old one stays published unless `keepPrevious` is false. Returns the new kid. */
  rotate(options?: { keepPrevious?: boolean }): Promise<string>;
  /** An `alg: none` token with the default claims. */
  unsigned(claims?: JWTPayload): string;
  fail(mode: TestIssuerFailure): void;
  close(): Promise<void>;
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

async function newKey(alg: TestIssuerAlgorithm): Promise<SigningKey> {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A real OpenID issuer on 127.0.0.1 and a free port: discovery document and JWKS over HTTP. */
export async function startTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const alg = options.alg ?? 'ES256';
  const audience = options.audience ?? 'https://mcp.example.test/mcp';
  const metadataPath = `/.well-known/${options.metadata ?? 'openid-configuration'}`;
  let current = await newKey(alg);
  let published: SigningKey[] = [current];
  let failure: TestIssuerFailure = null;
  const requests = { metadata: 0, jwks: 0 };

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === metadataPath) requests.metadata += 1;
    if (path === '/jwks') requests.jwks += 1;
    if (failure === 'hang') return;
    if (failure === 'error') return send(res, 500, { error: 'server_error' });
    if (path === metadataPath) {
      return send(res, 200, {
        issuer,
        jwks_uri: jwksUri,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        response_types_supported: ['code'],
      });
    }
    if (path === '/jwks') return send(res, 200, { keys: published.map((key) => key.jwk) });
    send(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The test issuer is not on TCP.');
  const issuer = `http://127.0.0.1:${address.port}`;
  const jwksUri = `${issuer}/jwks`;

  const build = (
    claims: JWTPayload,
    signOptions: TestSignOptions,
    algorithm: string,
    kid: string,
  ): SignJWT => {
    const payload: JWTPayload = { iss: issuer, sub: 'user-1', aud: audience, ...claims };
    const header: JWTHeaderParameters = { ...signOptions.header, alg: algorithm, kid };
    const jwt = new SignJWT(payload).setProtectedHeader(header);
    if (claims.iat === undefined) jwt.setIssuedAt();
    const expiresIn = signOptions.expiresIn === undefined ? '5m' : signOptions.expiresIn;
    if (claims.exp === undefined && expiresIn !== null) jwt.setExpirationTime(expiresIn);
    if (signOptions.notBefore !== undefined) jwt.setNotBefore(signOptions.notBefore);
    return jwt;
  };

  return {
    issuer,
    jwksUri,
    audience,
    get kid() {
      return current.kid;
    },
    requests,
    async sign(claims = {}, signOptions = {}) {
      const algorithm = signOptions.alg ?? alg;
      const kid = signOptions.kid ?? current.kid;
      if (algorithm.startsWith('HS')) {
        return build(claims, signOptions, algorithm, kid).sign(randomBytes(32));
      }
      if (algorithm !== alg)
        throw new Error(`This test issuer signs with ${alg}; start another for ${algorithm}.`);
      return build(claims, signOptions, algorithm, kid).sign(current.privateKey);
    },
    async signWithUnknownKey(claims = {}, signOptions = {}) {
      const stranger = await newKey(alg);
      return build(claims, signOptions, alg, signOptions.kid ?? stranger.kid).sign(stranger.privateKey);
    },
    async rotate(rotateOptions = {}) {
      const next = await newKey(alg);
      published = rotateOptions.keepPrevious === false ? [next] : [...published, next];
      current = next;
      return next.kid;
    },
    unsigned(claims = {}) {
      const jwt = new UnsecuredJWT({ iss: issuer, sub: 'user-1', aud: audience, ...claims })
        .setIssuedAt()
        .setExpirationTime('5m');
      return jwt.encode();
    },
    fail(mode) {
      failure = mode;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface MemoryApiKeyStore extends ApiKeyStore {
  /** Generates and stores a key; returns the full key (shown once) and its record. */
  create(input: { name: string; scopes: string[]; expiresAt?: Date | null; pepper?: string }): {
    key: string;
    record: StoredApiKey;
  };
  revoke(id: string, at?: Date): void;
  list(): StoredApiKey[];
  /** Every `touchLastUsed` call, in order. */
  readonly touches: Array<{ id: string; at: Date }>;
}

/** An in-memory `ApiKeyStore` for tests of this and other packages. */
export function memoryApiKeyStore(): MemoryApiKeyStore {
  const records = new Map<string, StoredApiKey>();
  const touches: Array<{ id: string; at: Date }> = [];
  return {
    touches,
    async findByPrefix(prefix) {
      for (const record of records.values()) if (record.prefix === prefix) return record;
      return null;
    },
    async touchLastUsed(id, at) {
      touches.push({ id, at });
      const record = records.get(id);
      if (record !== undefined) records.set(id, { ...record, lastUsedAt: at });
    },
    create({ name, scopes, expiresAt = null, pepper }) {
      const generated = generateApiKey(pepper === undefined ? {} : { pepper });
      const record: StoredApiKey = {
        id: randomUUID(),
        name,
        prefix: generated.prefix,
        hash: generated.hash,
        scopes,
        expiresAt,
        revokedAt: null,
        lastUsedAt: null,
      };
      records.set(record.id, record);
      return { key: generated.key, record };
    },
    revoke(id, at = new Date()) {
      const record = records.get(id);
      if (record !== undefined) records.set(id, { ...record, revokedAt: at });
    },
    list() {
      return [...records.values()];
    },
  };
}
