import type { Logger, Principal } from '@switchboard/kit';
import { API_KEY_PREFIX, type ApiKeyAuthenticator } from './api-keys.js';
import { type AuthFailure, type AuthResult, authFailure, invalidToken } from './failure.js';
import type { JwtAuthenticator } from './jwt.js';

export interface AuthenticatorOptions {
  readonly apiKeys?: ApiKeyAuthenticator;
  readonly jwt?: JwtAuthenticator;
  /** Requests without an Authorization header get `anonymousPrincipal`; a bad credential still fails. */
  readonly allowAnonymous?: boolean;
  /** Default: `anonymous`, no scopes. */
  readonly anonymousPrincipal?: Principal;
  readonly logger?: Logger;
}

// RFC 6750 §2.1: "Bearer" 1*SP b64token. Scheme names are case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME = /^([A-Za-z0-9!#$%&'*+\-.^_`|~]+)(?: |$)/;

const ANONYMOUS: Principal = { id: 'anonymous', kind: 'local', scopes: new Set() };

/** Routes the bearer credential: `sbk_` keys to the API key store, anything else to JWT validation. */
export class Authenticator {
  readonly #options: AuthenticatorOptions;

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
  }

  async authenticate(authorizationHeader: string | undefined): Promise<AuthResult> {
    const header = authorizationHeader?.trim() ?? '';
    if (header === '') {
      if (this.#options.allowAnonymous === true) {
        return { principal: this.#options.anonymousPrincipal ?? ANONYMOUS };
      }
      return this.#fail(authFailure(401, undefined, 'missing_credential', 'Authentication required.'));
    }
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) {
      const scheme = SCHEME.exec(header)?.[1];
      // RFC 6750 §3.1: another scheme (Basic, ...) is "no credential": a plain challenge, no error code.
      if (scheme !== undefined && scheme.toLowerCase() !== 'bearer') {
        return this.#fail(
          authFailure(401, undefined, 'unsupported_scheme', 'Use Authorization: Bearer <token>.'),
        );
      }
      return this.#fail(
        authFailure(
          400,
          'invalid_request',
          'malformed_header',
          'Malformed Authorization header: expected "Bearer <token>".',
        ),
      );
    }
    if (token.startsWith(API_KEY_PREFIX)) {
      if (this.#options.apiKeys !== undefined) return this.#options.apiKeys.authenticate(token);
      return this.#fail(invalidToken('no_authenticator', 'API keys are not accepted by this server.'));
    }
    if (this.#options.jwt !== undefined) return this.#options.jwt.authenticate(token);
    return this.#fail(invalidToken('no_authenticator', 'Invalid access token.'));
  }

  #fail(failure: AuthFailure): AuthResult {
    this.#options.logger?.debug({ reason: failure.reason }, 'Request not authenticated');
    return { failure };
  }
}
