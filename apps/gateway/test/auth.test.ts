import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { generateApiKey } from '@switchboard/auth';
import { startTestIssuer, type TestIssuer } from '@switchboard/auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../src/admin.js';
import { createLogger } from '../src/logger.js';
import { FIXTURE_CATALOGUE, FIXTURE_READ_TOOLS, type FixtureClient } from './fixture-connector.js';
import { configFor, type RunningGateway, startGateway } from './harness.js';
import { postRpc, toolCall } from './rpc.js';

const RESOURCE = 'http://127.0.0.1/mcp';
const METADATA_URL = 'http://127.0.0.1/.well-known/oauth-protected-resource/mcp';

function isFixtureClient(value: unknown): value is FixtureClient {
  return typeof value === 'object' && value !== null && 'calls' in value && Array.isArray(value.calls);
}

describe('authentication, authorization and audit over HTTP', () => {
  let issuer: TestIssuer;
  let gateway: RunningGateway;
  let calls: string[];
  let logs = '';
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    issuer = await startTestIssuer({ audience: RESOURCE });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString('utf8');
        done();
      },
    });
    gateway = await startGateway(
      configFor(
        {
          auth: {
            resource: RESOURCE,
            oidc: {
              issuer: issuer.issuer,
              policy: [{ claim: 'groups', includes: 'fixture-writers', scopes: ['fixture:write'] }],
            },
          },
          database: { dataDir: 'memory' },
          audit: { enabled: true, flushIntervalMs: 50 },
          connectors: [{ package: 'fixture', config: { token: 'upstream-credential-xyz' } }],
        },
        FIXTURE_CATALOGUE,
      ),
      createLogger({ destination: sink, level: 'debug' }),
    );
    const store = gateway.runtime.store;
    if (!store) throw new Error('no store');
    keys.reader = (await createKey(store, { name: 'reader', scopes: ['fixture:read'] })).key;
    keys.all = (await createKey(store, { name: 'all', scopes: ['fixture:read', 'fixture:write'] })).key;
    keys.revoked = (await createKey(store, { name: 'gone', scopes: ['fixture:read'] })).key;
    await store.apiKeys.revoke('gone');
    const expired = generateApiKey();
    await store.apiKeys.insert({
      id: randomUUID(),
      name: 'old',
      prefix: expired.prefix,
      hash: expired.hash,
      scopes: ['fixture:read'],
      expiresAt: new Date(Date.now() - 60_000),
    });
    keys.expired = expired.key;
    const instance = gateway.runtime.registry.instances[0];
    if (!instance) throw new Error('no instance');
    const client = await gateway.runtime.clientFor(instance);
    if (!isFixtureClient(client)) throw new Error('unexpected client');
    calls = client.calls;
  });

  afterAll(async () => {
    await gateway?.close();
    await issuer?.close();
  });

  async function callEcho(authorization: string | undefined) {
    return postRpc(
      gateway.url,
      toolCall(1, 'fixture__echo', { text: 'hi', password: 'hunter2-in-input' }),
      authorization === undefined ? {} : { authorization },
    );
  }

  async function client(token: string): Promise<Client> {
    const mcp = new Client({ name: 'auth-test', version: '1' });
    await mcp.connect(
      new StreamableHTTPClientTransport(gateway.url, {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    return mcp;
  }

  it('publishes protected resource metadata (RFC 9728)', async () => {
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      const response = await fetch(`${gateway.origin}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        resource: RESOURCE,
        authorization_servers: [issuer.issuer],
        scopes_supported: ['fixture:read', 'fixture:write'],
        bearer_methods_supported: ['header'],
      });
    }
  });

  it('refuses every bad credential before any upstream work, with the right status and challenge', async () => {
    const before = calls.length;
    const past = Math.floor(Date.now() / 1000) - 3600;
    const cases: Array<[string, string | undefined, number, string]> = [
      ['no credential', undefined, 401, `Bearer resource_metadata="${METADATA_URL}"`],
      ['another scheme', 'Basic dXNlcjpwYXNz', 401, `Bearer resource_metadata="${METADATA_URL}"`],
      ['malformed bearer', 'Bearer a b', 400, 'error="invalid_request"'],
      ['malformed key', 'Bearer sbk_short', 401, 'error="invalid_token"'],
      ['unknown key', `Bearer ${generateApiKey().key}`, 401, 'error="invalid_token"'],
      ['revoked key', `Bearer ${keys.revoked}`, 401, 'error="invalid_token"'],
      ['expired key', `Bearer ${keys.expired}`, 401, 'error="invalid_token"'],
      [
        'jwt wrong audience',
        `Bearer ${await issuer.sign({ aud: 'https://other.example/mcp' })}`,
        401,
        'invalid_token',
      ],
      [
        'jwt wrong issuer',
        `Bearer ${await issuer.sign({ iss: 'https://evil.example' })}`,
        401,
        'invalid_token',
      ],
      ['jwt expired', `Bearer ${await issuer.sign({ exp: past })}`, 401, 'invalid_token'],
      ['jwt not yet valid', `Bearer ${await issuer.sign({}, { notBefore: '1h' })}`, 401, 'invalid_token'],
      [
        'jwt bad signature',
        `Bearer ${(await issuer.sign({ scope: 'fixture:read' })).slice(0, -4)}AAAA`,
        401,
        'invalid_token',
      ],
      ['jwt alg none', `Bearer ${issuer.unsigned({ scope: 'fixture:read' })}`, 401, 'invalid_token'],
      [
        'jwt unknown kid',
        `Bearer ${await issuer.signWithUnknownKey({ scope: 'fixture:read' })}`,
        401,
        'invalid_token',
      ],
    ];
    for (const [label, authorization, status, challenge] of cases) {
      const response = await callEcho(authorization);
      expect(response.status, label).toBe(status);
      const header = response.headers.get('www-authenticate') ?? '';
      expect(header, label).toContain(challenge);
      expect(header, label).toContain(`resource_metadata="${METADATA_URL}"`);
      expect(await response.json(), label).toMatchObject({ jsonrpc: '2.0', error: { code: -32001 } });
    }
    expect(calls.length).toBe(before);
  });

  it('answers a tool outside the principal scopes with 403 insufficient_scope naming the scope', async () => {
    const before = calls.length;
    for (const token of [keys.reader ?? '', await issuer.sign({ scope: 'fixture:read' })]) {
      const response = await postRpc(gateway.url, toolCall(9, 'fixture__write_thing', { value: 'x' }), {
        authorization: `Bearer ${token}`,
      });
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toContain(
        'error="insufficient_scope", scope="fixture:write"',
      );
      expect(await response.json()).toMatchObject({
        id: 9,
        error: { message: 'Missing scope fixture:write.' },
      });
    }
    expect(calls.length).toBe(before);
  });

  it('shows each principal exactly the tools its scopes allow', async () => {
    const names = async (token: string) => {
      const mcp = await client(token);
      try {
        return (await mcp.listTools()).tools.map((t) => t.name).sort();
      } finally {
        await mcp.close();
      }
    };
    const readTools = FIXTURE_READ_TOOLS;
    expect(await names(keys.reader ?? '')).toEqual(readTools);
    expect(await names(keys.all ?? '')).toEqual([...readTools, 'fixture__write_thing']);
    expect(await names(await issuer.sign({ scp: ['fixture:read'] }))).toEqual(readTools);
    // The claim policy adds fixture:write for members of the group.
    expect(await names(await issuer.sign({ scope: 'fixture:read', groups: ['fixture-writers'] }))).toEqual([
      ...readTools,
      'fixture__write_thing',
    ]);
  });

  it('lets a permitted call through and records an audit row for every call, refusals included', async () => {
    const writer = await client(keys.all ?? '');
    const jwt = await issuer.sign({ sub: 'alice', scope: 'fixture:read' });
    const reader = await client(jwt);
    try {
      expect(
        (await writer.callTool({ name: 'fixture__write_thing', arguments: { value: 'v' } })).isError,
      ).toBeFalsy();
      expect((await reader.callTool({ name: 'fixture__echo', arguments: { text: '' } })).isError).toBe(true);
    } finally {
      await writer.close();
      await reader.close();
    }
    await callEcho(undefined);
    await gateway.runtime.audit?.flush(5_000);
    const store = gateway.runtime.store;
    if (!store) throw new Error('no store');
    const rows = await store.audit.query({ limit: 1000 });
    const summary = rows.map((row) => `${row.principal} ${row.tool} ${row.outcome}`);
    expect(summary).toContain('key:all fixture__write_thing ok');
    expect(summary).toContain(`jwt:${issuer.issuer}|alice fixture__echo invalid_input`);
    expect(summary).toContain('anonymous fixture__echo unauthenticated');
    expect(summary).toContain('key:reader fixture__write_thing forbidden');
    for (const row of rows) {
      expect(row.inputDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(row.requestId).not.toBe('');
    }
  });

  it('never writes API keys, bearer tokens or secret-looking input fields to logs or audit rows', async () => {
    const jwt = await issuer.sign({ scope: 'fixture:read' });
    await callEcho(`Bearer ${keys.reader}`);
    await callEcho(`Bearer ${jwt}`);
    await gateway.runtime.audit?.flush(5_000);
    const rows = JSON.stringify(await gateway.runtime.store?.audit.query({ limit: 1000 }));
    expect(logs.length).toBeGreaterThan(0);
    expect(rows).toContain('[redacted]');
    for (const secret of [
      keys.reader,
      keys.all,
      keys.revoked,
      jwt,
      'hunter2-in-input',
      'upstream-credential-xyz',
    ]) {
      expect(logs).not.toContain(secret);
      expect(rows).not.toContain(secret);
    }
  });
});
