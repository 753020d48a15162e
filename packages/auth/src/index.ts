export type {
  ApiKeyAuthenticatorOptions,
  ApiKeyStore,
  GeneratedApiKey,
  StoredApiKey,
} from './api-keys.js';
export {
  API_KEY_PREFIX,
  ApiKeyAuthenticator,
  generateApiKey,
  hashApiKey,
  parseApiKey,
  parseDuration,
  verifyApiKeyHash,
} from './api-keys.js';
export type { AuthenticatorOptions } from './authenticator.js';
export { Authenticator } from './authenticator.js';
export type {
  AuthErrorCode,
  AuthFailure,
  AuthFailureReason,
  AuthResult,
  WwwAuthenticateOptions,
} from './failure.js';
export { requireScopes, wwwAuthenticate } from './failure.js';
export type { JwtAuthenticatorOptions } from './jwt.js';
export { DEFAULT_JWT_ALGORITHMS, JwtAlgorithm, JwtAuthenticator } from './jwt.js';
export type { ProtectedResourceMetadata, ProtectedResourceMetadataOptions } from './metadata.js';
export { protectedResourceMetadata, protectedResourceMetadataUrl } from './metadata.js';
export { AuthPolicyConfig, AuthPolicyRule, ScopeName, scopesFromClaims, scopesFromPolicy } from './policy.js';
