export interface ProtectedResourceMetadataOptions {
  /** This server's resource URL, the `aud` tokens must carry (e.g. `https://mcp.example.com/mcp`). */
  readonly resource: string;
  /** Issuer URLs of the authorization servers clients may get tokens from. */
  readonly authorizationServers: readonly string[];
  readonly scopesSupported: readonly string[];
  readonly resourceName?: string;
  readonly resourceDocumentation?: string;
}

/** RFC 9728 §2 metadata, served at `/.well-known/oauth-protected-resource`. */
export interface ProtectedResourceMetadata {
  readonly resource: string;
  readonly authorization_servers: readonly string[];
  readonly scopes_supported: readonly string[];
  readonly bearer_methods_supported: readonly ['header'];
  readonly resource_name?: string;
  readonly resource_documentation?: string;
}

export function protectedResourceMetadata(
  options: ProtectedResourceMetadataOptions,
): ProtectedResourceMetadata {
  return {
    resource: options.resource,
    authorization_servers: [...options.authorizationServers],
    scopes_supported: [...new Set(options.scopesSupported)].sort(),
    // Only the Authorization header: tokens in query strings end up in access logs.
    bearer_methods_supported: ['header'],
    ...(options.resourceName === undefined ? {} : { resource_name: options.resourceName }),
    ...(options.resourceDocumentation === undefined
      ? {}
      : { resource_documentation: options.resourceDocumentation }),
  };
}

/**
 * RFC 9728 §3.1: the well-known segment goes between the host and the resource's path, so
 * `https://mcp.example.com/mcp` -> `https://mcp.example.com/.well-known/oauth-protected-resource/mcp`.
 */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/oauth-protected-resource${path}${url.search}`;
}
