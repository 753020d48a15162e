import {
  ApiKeyAuthenticator,
  type ApiKeyStore,
  Authenticator,
  type AuthFailure,
  JwtAuthenticator,
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
  wwwAuthenticate,
} from '@switchboard/auth';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthSettings } from '../config.js';
import type { GatewayLogger } from '../logger.js';
import { jsonRpcError } from './origin.js';

export interface AuthSetup {
  authenticator: Authenticator;
  resource: string;
  /** Where clients find the protected resource metadata (RFC 9728), advertised in 401s. */
  metadataUrl: string;
  metadata: ReturnType<typeof protectedResourceMetadata>;
  jwt: JwtAuthenticator | undefined;
}

/** Builds the authenticators once at start-up from configuration. */
export function buildAuth(
  settings: AuthSettings,
  apiKeyStore: ApiKeyStore | undefined,
  scopesSupported: readonly string[],
  logger: GatewayLogger,
): AuthSetup {
  const apiKeys =
    settings.apiKeys.enabled && apiKeyStore
      ? new ApiKeyAuthenticator(apiKeyStore, {
          logger: logger.child({ auth: 'api_key' }),
          ...(settings.apiKeys.pepper ? { pepper: settings.apiKeys.pepper } : {}),
        })
      : undefined;
  const oidc = settings.oidc;
  const jwt = oidc
    ? new JwtAuthenticator({
        issuer: oidc.issuer,
        audience: oidc.audience ?? settings.resource,
        logger: logger.child({ auth: 'jwt' }),
        clockToleranceSec: oidc.clockToleranceSec,
        scopeClaims: oidc.scopeClaims,
        policy: oidc.policy,
        timeoutMs: oidc.timeoutMs,
        ...(oidc.jwksUri ? { jwksUri: oidc.jwksUri } : {}),
        ...(oidc.algorithms ? { algorithms: oidc.algorithms } : {}),
      })
    : undefined;
  const authenticator = new Authenticator({
    ...(apiKeys ? { apiKeys } : {}),
    ...(jwt ? { jwt } : {}),
    logger,
  });
  return {
    authenticator,
    resource: settings.resource,
    metadataUrl: protectedResourceMetadataUrl(settings.resource),
    metadata: protectedResourceMetadata({
      resource: settings.resource,
      authorizationServers: oidc ? [oidc.issuer] : [],
      scopesSupported: [...(settings.scopesSupported ?? scopesSupported)],
      resourceName: 'Switchboard',
    }),
    jwt,
  };
}

/** Answers a refused request: the RFC 6750 challenge plus a JSON-RPC error body an MCP client reads. */
export function refuse(
  reply: FastifyReply,
  setup: AuthSetup,
  failure: AuthFailure,
  id: string | number | null = null,
) {
  return reply
    .code(failure.status)
    .header('www-authenticate', wwwAuthenticate(failure, { resourceMetadataUrl: setup.metadataUrl }))
    .send({ ...jsonRpcError(failure.status === 403 ? -32003 : -32001, failure.description), id });
}

/** The metadata document, at the RFC 9728 path for the resource and at the bare well-known path. */
export async function metadataRoutes(app: FastifyInstance, options: { setup: AuthSetup }) {
  const { setup } = options;
  const paths = new Set([new URL(setup.metadataUrl).pathname, '/.well-known/oauth-protected-resource']);
  for (const path of paths) {
    app.get(path, async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=300').send(setup.metadata),
    );
  }
}

/** preHandler: authenticates the bearer credential and sets `request.principal`, or refuses. */
export function authenticateHook(setup: AuthSetup, onRefused?: (failure: AuthFailure) => void) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await setup.authenticator.authenticate(request.headers.authorization);
    if ('failure' in result) {
      onRefused?.(result.failure);
      request.log.info(
        { reason: result.failure.reason, status: result.failure.status },
        'request not authenticated',
      );
      return refuse(reply, setup, result.failure);
    }
    request.principal = result.principal;
  };
}
