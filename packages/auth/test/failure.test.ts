import { describe, expect, it } from 'vitest';
import {
  type AuthFailure,
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
  requireScopes,
  wwwAuthenticate,
} from '../src/index.js';

const RESOURCE_METADATA = 'https://mcp.example.com/.well-known/oauth-protected-resource';

describe('wwwAuthenticate', () => {
  it('without a failure is a bare challenge with the resource metadata (RFC 6750 §3.1, RFC 9728 §5.1)', () => {
    expect(wwwAuthenticate(null, { resourceMetadataUrl: RESOURCE_METADATA })).toBe(
      `Bearer resource_metadata="${RESOURCE_METADATA}"`,
    );
  });

  it('names error, scope, resource metadata and description for insufficient_scope', () => {
    const failure: AuthFailure = {
      status: 403,
      error: 'insufficient_scope',
      reason: 'insufficient_scope',
      description: 'Missing scope crm:write.',
      scope: 'crm:write',
    };
    expect(wwwAuthenticate(failure, { resourceMetadataUrl: RESOURCE_METADATA, scope: 'ignored' })).toBe(
      `Bearer error="insufficient_scope", scope="crm:write", resource_metadata="${RESOURCE_METADATA}", error_description="Missing scope crm:write."`,
    );
  });

  it('escapes quotes and backslashes and neutralizes control characters (no header injection)', () => {
    const failure: AuthFailure = {
      status: 401,
      error: 'invalid_token',
      reason: 'jwt_malformed',
      description: 'say "hi" \\ bye\r\nSet-Cookie: x=1 — ok',
    };
    const header = wwwAuthenticate(failure, { resourceMetadataUrl: RESOURCE_METADATA });
    expect(header).toContain('error_description="say \\"hi\\" \\\\ bye  Set-Cookie: x=1 ? ok"');
    expect(header).not.toMatch(/[\r\n]/);
  });
});

describe('requireScopes', () => {
  const principal = { id: 'key:a', kind: 'api_key' as const, scopes: new Set(['crm:read']) };

  it('is null when every scope is held, or with the * wildcard', () => {
    expect(requireScopes(principal, ['crm:read'])).toBeNull();
    expect(requireScopes(principal, [])).toBeNull();
    expect(requireScopes({ ...principal, scopes: new Set(['*']) }, ['anything'])).toBeNull();
  });

  it('is a 403 insufficient_scope challenging the operation scopes and naming the missing ones', () => {
    expect(requireScopes(principal, ['crm:read', 'crm:write', 'erp:read'])).toEqual({
      status: 403,
      error: 'insufficient_scope',
      reason: 'insufficient_scope',
      scope: 'crm:read crm:write erp:read',
      description: 'Missing scopes crm:write erp:read (this operation needs crm:read crm:write erp:read).',
    });
  });
});

describe('protected resource metadata', () => {
  it('is the RFC 9728 document with header-only bearer tokens', () => {
    expect(
      protectedResourceMetadata({
        resource: 'https://mcp.example.com',
        authorizationServers: ['https://login.example.com'],
        scopesSupported: ['crm:write', 'crm:read', 'crm:read'],
        resourceName: 'Switchboard',
      }),
    ).toEqual({
      resource: 'https://mcp.example.com',
      authorization_servers: ['https://login.example.com'],
      scopes_supported: ['crm:read', 'crm:write'],
      bearer_methods_supported: ['header'],
      resource_name: 'Switchboard',
    });
  });

  it('is served under the well-known prefix inserted before the resource path', () => {
    expect(protectedResourceMetadataUrl('https://mcp.example.com')).toBe(RESOURCE_METADATA);
    expect(protectedResourceMetadataUrl('https://mcp.example.com/')).toBe(RESOURCE_METADATA);
    expect(protectedResourceMetadataUrl('https://mcp.example.com/tenant/mcp')).toBe(
      `${RESOURCE_METADATA}/tenant/mcp`,
    );
  });
});
