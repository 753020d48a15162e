import type { Logger, Principal } from '@switchboard/kit';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  type JWTVerifyGetKey,
  jwtVerify,
  type RemoteJWKSet,
} from 'jose';
import { z } from 'zod';
import { type AuthFailureReason, type AuthResult, invalidToken } from './failure.js';
import { type AuthPolicyConfig, scopesFromClaims, scopesFromPolicy } from './policy.js';

/** Asymmetric JWS algorithms only: `none` and the HS* family (shared secrets) are never accepted. */
export const JwtAlgorithm = z.enum([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);
export type JwtAlgorithm = z.infer<typeof JwtAlgorithm>;

export const DEFAULT_JWT_ALGORITHMS: readonly JwtAlgorithm[] = ['RS256', 'ES256', 'PS256', 'EdDSA'];

export interface JwtAuthenticatorOptions {
  /** Exact `iss` value of the authorization server. */
  readonly issuer: string;
  /** This server's resource URL; `aud` must contain it (RFC 8707). */
  readonly audience: string;
  /** Defaults to the `jwks_uri` of the issuer's OpenID / RFC 8414 metadata. */
  readonly jwksUri?: string;
  readonly algorithms?: readonly JwtAlgorithm[];
  readonly clockToleranceSec?: number;
  /** Claims holding the token's own scopes. Default `['scope', 'scp']`; `[]` = policy only. */
  readonly scopeClaims?: readonly string[];
  readonly policy?: AuthPolicyConfig;
  /** Claims that must be present beside `iss`, `aud`, `exp` and `sub` (always required). */
  readonly requiredClaims?: readonly string[];
  /** Bound on each metadata and JWKS request. Default 5000. */
  readonly timeoutMs?: number;
  /** Minimum time between JWKS refetches triggered by an unknown `kid`. Default 30 000. */
  readonly jwksCooldownMs?: number;
  /** Keys are refetched after this age even when every `kid` is known. Default 600 000. */
  readonly jwksCacheMaxAgeMs?: number;
  /** After a failed metadata discovery, wait this long before trying again. Default 5000. */
  readonly discoveryRetryMs?: number;
  readonly logger: Logger;
  readonly now?: () => Date;
}

const MAX_TOKEN_LENGTH = 16_384;
const ALWAYS_REQUIRED = ['exp', 'sub'];

const ProtectedHeader = z.looseObject({ alg: z.string(), kid: z.string().optional() });
const VerifiedClaims = z.looseObject({ iss: z.string().min(1), sub: z.string().min(1) });
const ServerMetadata = z.looseObject({ issuer: z.string(), jwks_uri: z.url() });

const DESCRIPTIONS: Partial<Record<AuthFailureReason, string>> = {
  jwt_expired: 'The access token expired.',
  jwt_not_yet_valid: 'The access token is not valid yet.',
  jwt_wrong_audience: 'The access token was not issued for this resource.',
  jwt_wrong_issuer: 'The access token was not issued by the trusted authorization server.',
  jwks_unavailable: 'The access token could not be verified; try again later.',
};

/** Key resolution failed for a reason other than "no such key": the issuer is down or broken. */
class JwksUnavailable extends Error {}

/** Plain `http` is accepted for loopback only (tests, local issuers). */
function checkedUrl(text: string, what: string): URL {
  const url = new URL(text);
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error(`The ${what} must be an https URL (plain http only on loopback): ${text}`);
  }
  return url;
}

/** OpenID Connect Discovery appends the suffix; RFC 8414 inserts it before the issuer's path. */
function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return [
    `${url.origin}${path}/.well-known/openid-configuration`,
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ];
}

export class JwtAuthenticator {
  readonly #issuer: string;
  readonly #audience: string;
  readonly #algorithms: JwtAlgorithm[];
  readonly #clockTolerance: number;
  readonly #scopeClaims: readonly string[];
  readonly #policy: AuthPolicyConfig;
  readonly #requiredClaims: string[];
  readonly #timeoutMs: number;
  readonly #cooldownMs: number;
  readonly #cacheMaxAgeMs: number;
  readonly #discoveryRetryMs: number;
  readonly #logger: Logger;
  readonly #now: () => Date;
  #keySet: Promise<RemoteJWKSet> | undefined;
  #discoveryFailedAt: number | undefined;

  constructor(options: JwtAuthenticatorOptions) {
    checkedUrl(options.issuer, 'issuer');
    this.#issuer = options.issuer;
    this.#audience = options.audience;
    const algorithms = options.algorithms ?? DEFAULT_JWT_ALGORITHMS;
    // Runtime check too: configuration may bypass the type (a YAML file, a cast).
    this.#algorithms = algorithms.map((alg) => JwtAlgorithm.parse(alg));
    if (this.#algorithms.length === 0) throw new Error('At least one JWT algorithm must be allowed.');
    this.#clockTolerance = options.clockToleranceSec ?? 30;
    this.#scopeClaims = options.scopeClaims ?? ['scope', 'scp'];
    this.#policy = options.policy ?? [];
    this.#requiredClaims = [...new Set([...ALWAYS_REQUIRED, ...(options.requiredClaims ?? [])])];
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#cooldownMs = options.jwksCooldownMs ?? 30_000;
    this.#cacheMaxAgeMs = options.jwksCacheMaxAgeMs ?? 600_000;
    this.#discoveryRetryMs = options.discoveryRetryMs ?? 5_000;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    if (options.jwksUri !== undefined) {
      this.#keySet = Promise.resolve(this.#remoteKeySet(checkedUrl(options.jwksUri, 'JWKS URI')));
    }
  }

  /** Discovers and fetches the keys now (start-up, readiness probe); rejects if the issuer is unreachable. */
  async warmUp(): Promise<void> {
    const keySet = await this.#resolveKeySet();
    if (!keySet.fresh) await keySet.reload();
  }

  async authenticate(token: string): Promise<AuthResult> {
    if (token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3) {
      return this.#fail('jwt_malformed', {});
    }
    let header: z.infer<typeof ProtectedHeader>;
    try {
      const parsed = ProtectedHeader.safeParse(decodeProtectedHeader(token));
      if (!parsed.success) return this.#fail('jwt_malformed', {});
      header = parsed.data;
    } catch {
      return this.#fail('jwt_malformed', {});
    }
    // Checked before any key lookup, so that `alg: none` or HS256 never reaches the JWKS.
    if (!this.#algorithms.some((alg) => alg === header.alg)) {
      return this.#fail('jwt_alg_not_allowed', { alg: header.alg });
    }
    const context = { alg: header.alg, kid: header.kid ?? '' };

    let keySet: RemoteJWKSet;
    try {
      keySet = await this.#resolveKeySet();
    } catch (error) {
      return this.#fail('jwks_unavailable', context, error);
    }
    const getKey: JWTVerifyGetKey = async (protectedHeader, input) => {
      try {
        return await keySet(protectedHeader, input);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
          throw error;
        }
        throw new JwksUnavailable('JWKS unavailable', { cause: error });
      }
    };

    let payload: unknown;
    try {
      const verified = await jwtVerify(token, getKey, {
        issuer: this.#issuer,
        audience: this.#audience,
        algorithms: this.#algorithms,
        clockTolerance: this.#clockTolerance,
        requiredClaims: this.#requiredClaims,
        currentDate: this.#now(),
      });
      payload = verified.payload;
    } catch (error) {
      const reason = reasonOf(error);
      return this.#fail(reason, context, reason === 'jwks_unavailable' ? error : undefined);
    }

    const claims = VerifiedClaims.safeParse(payload);
    if (!claims.success) return this.#fail('jwt_invalid_claims', context);
    const scopes = scopesFromClaims(claims.data, this.#scopeClaims);
    for (const scope of scopesFromPolicy(this.#policy, claims.data)) scopes.add(scope);
    const principal: Principal = { id: `jwt:${claims.data.iss}|${claims.data.sub}`, kind: 'jwt', scopes };
    return { principal };
  }

  #remoteKeySet(url: URL): RemoteJWKSet {
    return createRemoteJWKSet(url, {
      timeoutDuration: this.#timeoutMs,
      cooldownDuration: this.#cooldownMs,
      cacheMaxAge: this.#cacheMaxAgeMs,
    });
  }

  #resolveKeySet(): Promise<RemoteJWKSet> {
    const failedAt = this.#discoveryFailedAt;
    if (failedAt !== undefined && Date.now() - failedAt >= this.#discoveryRetryMs) {
      this.#keySet = undefined;
      this.#discoveryFailedAt = undefined;
    }
    if (this.#keySet === undefined) {
      const pending = this.#discover().then((url) => this.#remoteKeySet(url));
      // Remember the failure for a while so that an outage does not turn every request into a fetch.
      pending.catch(() => {
        this.#discoveryFailedAt = Date.now();
      });
      this.#keySet = pending;
    }
    return this.#keySet;
  }

  async #discover(): Promise<URL> {
    const problems: string[] = [];
    for (const url of metadataUrls(this.#issuer)) {
      try {
        const response = await fetch(url, {
          signal: AbortSignal.timeout(this.#timeoutMs),
          redirect: 'error',
          headers: { accept: 'application/json' },
        });
        if (!response.ok) {
          problems.push(`${url}: HTTP ${response.status}`);
          continue;
        }
        const metadata = ServerMetadata.safeParse(await response.json());
        if (!metadata.success) {
          problems.push(`${url}: no valid jwks_uri`);
          continue;
        }
        // RFC 8414 §3.3: metadata for another issuer must not be used (mix-up defence).
        if (metadata.data.issuer !== this.#issuer) {
          problems.push(`${url}: issuer is ${metadata.data.issuer}`);
          continue;
        }
        return checkedUrl(metadata.data.jwks_uri, 'jwks_uri');
      } catch (error) {
        problems.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new Error(`Could not discover the JWKS of ${this.#issuer}: ${problems.join('; ')}`);
  }

  #fail(reason: AuthFailureReason, context: Record<string, string>, cause?: unknown): AuthResult {
    if (reason === 'jwks_unavailable') {
      this.#logger.error({ reason, issuer: this.#issuer, ...context, err: cause }, 'JWT keys unavailable');
    } else {
      this.#logger.info({ reason, ...context }, 'JWT rejected');
    }
    return { failure: invalidToken(reason, DESCRIPTIONS[reason] ?? 'Invalid access token.') };
  }
}

function reasonOf(error: unknown): AuthFailureReason {
  if (error instanceof JwksUnavailable) return 'jwks_unavailable';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return 'jwt_unknown_kid';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'jwt_bad_signature';
  if (error instanceof errors.JWTExpired) return 'jwt_expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return 'jwt_missing_claim';
    if (error.claim === 'iss') return 'jwt_wrong_issuer';
    if (error.claim === 'aud') return 'jwt_wrong_audience';
    if (error.claim === 'nbf') return 'jwt_not_yet_valid';
    return 'jwt_invalid_claims';
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'jwt_alg_not_allowed';
  return 'jwt_malformed';
}
