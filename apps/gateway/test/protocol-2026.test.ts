import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { HERO_EMAILS } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CLI_ARGS, childEnv, GATEWAY_DIR } from './cli.js';
import { FIXTURE_CATALOGUE } from './fixture-connector.js';
import { configFor, type RunningGateway, startGateway } from './harness.js';

const MODERN = '2026-07-28';

/** The per-request `_meta` envelope a 2026-07-28 client sends with every request. */
const envelope = (version = MODERN) => ({
  'io.modelcontextprotocol/protocolVersion': version,
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'raw-test', version: '1.0.0' },
});

const RpcAnswer = z.object({
  result: z.record(z.string(), z.unknown()).optional(),
  error: z.object({ code: z.number(), message: z.string(), data: z.unknown().optional() }).optional(),
});

/** A 2026-07-28 client pinned to that revision (no initialize; server/discover first). */
function modernClient(): Client {
  return new Client(
    { name: 'switchboard-test-2026', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: MODERN } } },
  );
}

describe('MCP 2026-07-28 over Streamable HTTP (a 2026 client against a real listener)', () => {
  let gateway: RunningGateway;
  let client: Client;

  /** One raw 2026-07-28 POST with the headers the revision requires. */
  const post = async (method: string, params: Record<string, unknown>, version = MODERN, name?: string) => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': version,
        'mcp-method': method,
        ...(name === undefined ? {} : { 'mcp-name': name }),
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method,
        params: { ...params, _meta: envelope(version) },
      }),
    });
    return { status: response.status, body: RpcAnswer.parse(await response.json()) };
  };

  beforeAll(async () => {
    gateway = await startGateway(
      configFor(
        { connectors: [{ package: 'fixture', config: { token: 'fixture-secret' } }] },
        FIXTURE_CATALOGUE,
      ),
    );
    client = modernClient();
    await client.connect(new StreamableHTTPClientTransport(gateway.url));
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.close();
  });

  it('answers server/discover with the server info, capabilities and instructions', async () => {
    expect(client.getProtocolEra()).toBe('modern');
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
    const discovered = client.getDiscoverResult();
    expect(discovered?.supportedVersions).toContain(MODERN);
    expect(discovered?.capabilities).toMatchObject({ tools: {}, resources: {}, prompts: {} });
    expect(client.getServerVersion()).toMatchObject({ name: 'switchboard', title: 'Switchboard' });
    expect(client.getInstructions()).toContain('<system>__<tool>');

    const raw = await post('server/discover', {});
    expect(raw.status).toBe(200);
    expect(raw.body.result).toMatchObject({
      supportedVersions: expect.arrayContaining([MODERN]),
      capabilities: { tools: {}, resources: {}, prompts: {} },
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'switchboard' } },
    });
  });

  it('lists the tools the principal may use', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('fixture__echo');
    expect(tools.find((t) => t.name === 'fixture__echo')).toMatchObject({
      inputSchema: { type: 'object', required: ['text'] },
      outputSchema: { type: 'object', properties: { echoed: { type: 'string' } } },
    });
  });

  it('marks list results as private to the caller: lists vary by principal', async () => {
    for (const method of ['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list']) {
      const { status, body } = await post(method, {});
      expect(status, method).toBe(200);
      expect(body.result, method).toMatchObject({ cacheScope: 'private', ttlMs: expect.any(Number) });
    }
  });

  it('calls a tool through the pipeline: structuredContent, and a tool error as isError', async () => {
    const result = await client.callTool({ name: 'fixture__echo', arguments: { text: 'hi', times: 2 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ echoed: 'HIHI' });

    const invalid = await client.callTool({ name: 'fixture__echo', arguments: { text: '', times: 9 } });
    expect(invalid.isError).toBe(true);

    const failed = await client.callTool({ name: 'fixture__fail', arguments: { how: 'tool_error' } });
    expect(failed.isError).toBe(true);
    expect(failed.structuredContent).toBeUndefined();
  });

  it('refuses an unknown tool with -32602 in the answer', async () => {
    await expect(client.callTool({ name: 'fixture__nope', arguments: {} })).rejects.toMatchObject({
      code: -32602,
    });
  });

  it('answers a missing resource with -32602 naming the uri', async () => {
    const { status, body } = await post('resources/read', { uri: 'other://x' }, MODERN, 'other://x');
    expect(status).toBe(200);
    expect(body.error).toMatchObject({ code: -32602, data: { uri: 'other://x' } });
  });

  it('refuses an unsupported protocol version with 400 and -32022 naming the supported ones', async () => {
    const { status, body } = await post('tools/list', {}, '2099-01-01');
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      code: -32022,
      data: { supported: expect.arrayContaining([MODERN]), requested: '2099-01-01' },
    });
  });

  it('has no initialize or logging/setLevel in this revision', async () => {
    const { status, body } = await post('logging/setLevel', { level: 'info' });
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: -32601 });
  });
});

describe('MCP 2026-07-28 over stdio (a 2026 client spawning the CLI)', () => {
  let client: Client;

  beforeAll(async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...CLI_ARGS, 'stdio', '--demo'],
      cwd: GATEWAY_DIR,
      env: childEnv({ LOG_LEVEL: 'warn' }),
      stderr: 'pipe',
    });
    client = modernClient();
    await client.connect(transport);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
  });

  it('negotiates 2026-07-28 and calls a tool with structured content', async () => {
    expect(client.getProtocolEra()).toBe('modern');
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
    expect(client.getServerVersion()).toMatchObject({ name: 'switchboard' });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('odoo__find_customers');
    const result = await client.callTool({
      name: 'odoo__find_customers',
      arguments: { email: HERO_EMAILS.everywhere },
    });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.structuredContent)).toContain('Helix');
  });
});
