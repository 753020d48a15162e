import { hasScopes, type Principal } from '@switchboard/kit';

/** RFC 6750 §3.1 error codes. */
export type AuthErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/**
 * Why a request was refused, for logs, metrics and audit only. The client never sees it: several
 * reasons (an unknown key, a wrong secret) deliberately share one client-facing description.
 */
export type AuthFailureReason =
  | 'missing_credential'
  | 'unsupported_scheme'
  | 'malformed_header'
  | 'no_authenticator'
  | 'malformed_api_key'
  | 'unknown_api_key'
  | 'api_key_mismatch'
  | 'revoked_api_key'
  | 'expired_api_key'
  | 'store_unavailable'
  | 'jwt_malformed'
  | 'jwt_alg_not_allowed'
  | 'jwt_unknown_kid'
  | 'jwt_bad_signature'
  | 'jwt_expired'
  | 'jwt_not_yet_valid'
  | 'jwt_wrong_issuer'
  | 'jwt_wrong_audience'
  | 'jwt_missing_claim'
  | 'jwt_invalid_claims'
  | 'jwks_unavailable'
  | 'insufficient_scope';

export interface AuthFailure {
  /** 400 for a malformed request, 401 for a missing or bad credential, 403 for a missing scope. */
  readonly status: 400 | 401 | 403;
  /** Absent when the request carried no bearer credential at all (RFC 6750 §3.1: no error code). */
  readonly error?: AuthErrorCode;
  /** Safe to send to the client as `error_description`. */
  readonly description: string;
  /** Space-separated scopes the operation needs (insufficient_scope). */
  readonly scope?: string;
  /** Internal only: never put it in a response. */
  readonly reason: AuthFailureReason;
}

export type AuthResult = { readonly principal: Principal } | { readonly failure: AuthFailure };

export function authFailure(
  status: AuthFailure['status'],
  error: AuthErrorCode | undefined,
  reason: AuthFailureReason,
  description: string,
): AuthFailure {
  return error === undefined ? { status, reason, description } : { status, error, reason, description };
}

export function invalidToken(reason: AuthFailureReason, description: string): AuthFailure {
  return authFailure(401, 'invalid_token', reason, description);
}

/**
 * `null` when the principal holds every scope, otherwise a 403 `insufficient_scope`. The `scope`
 * parameter lists every scope the operation needs, not only the missing ones: a client that
 * re-authorizes with exactly the challenged scopes then gets a token that works for the operation
 * (the missing ones are named in the description).
 */
export function requireScopes(principal: Principal, scopes: readonly string[]): AuthFailure | null {
  if (hasScopes(principal, scopes)) return null;
  const missing = scopes.filter((scope) => !principal.scopes.has(scope));
  const plural = missing.length === 1 ? 'scope' : 'scopes';
  return {
    status: 403,
    error: 'insufficient_scope',
    reason: 'insufficient_scope',
    description:
      missing.length === scopes.length
        ? `Missing ${plural} ${missing.join(' ')}.`
        : `Missing ${plural} ${missing.join(' ')} (this operation needs ${scopes.join(' ')}).`,
    scope: scopes.join(' '),
  };
}

export interface WwwAuthenticateOptions {
  /** URL of this server's RFC 9728 protected resource metadata. */
  readonly resourceMetadataUrl: string;
  /** Scopes to advertise when the failure names none (MCP: SHOULD on 401). */
  readonly scope?: string;
}

/**
 * The `WWW-Authenticate` value for a refusal (`null` = no credential). Parameter order follows the
 * MCP examples: error, scope, resource_metadata, error_description.
 */
export function wwwAuthenticate(failure: AuthFailure | null, options: WwwAuthenticateOptions): string {
  const params: Array<[string, string]> = [];
  if (failure?.error !== undefined) params.push(['error', failure.error]);
  const scope = failure?.scope ?? options.scope;
  if (scope !== undefined && scope !== '') params.push(['scope', scope]);
  params.push(['resource_metadata', options.resourceMetadataUrl]);
  if (failure?.error !== undefined) params.push(['error_description', failure.description]);
  return `Bearer ${params.map(([name, value]) => `${name}=${quote(value)}`).join(', ')}`;
}

/**
 * RFC 9110 quoted-string. Control characters would allow header injection, so they become spaces;
 * non-ASCII is replaced because header values are Latin-1 at best.
 */
function quote(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) out += ' ';
    else if (code > 0x7e) out += '?';
    else if (char === '"' || char === '\\') out += `\\${char}`;
    else out += char;
  }
  return `"${out}"`;
}
