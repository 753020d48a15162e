import { request } from 'node:http';
import { LATEST_PROTOCOL_VERSION, McpError } from '@modelcontextprotocol/sdk/types.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_CATALOGUE, FIXTURE_READ_TOOLS, type FixtureClient } from './fixture-connector.js';
import { configFor, type RunningGateway, startGateway } from './harness.js';
import { postRpc, toolCall } from './rpc.js';

const SECRET = 'fixture-secret-token-value';

function isFixtureClient(value: unknown): value is FixtureClient {
  return typeof value === 'object' && value !== null && 'calls' in value && Array.isArray(value.calls);
}

describe('Streamable HTTP endpoint (MCP SDK client against a real listener)', () => {
  let gateway: RunningGateway;
  let calls: string[];

  beforeAll(async () => {
    gateway = await startGateway(
      configFor({ connectors: [{ package: 'fixture', config: { token: SECRET } }] }, FIXTURE_CATALOGUE),
    );
    const instance = gateway.runtime.registry.instances[0];
    if (!instance) throw new Error('fixture instance missing');
    const client = await gateway.runtime.clientFor(instance);
    if (!isFixtureClient(client)) throw new Error('unexpected fixture client');
    calls = client.calls;
  });
  afterAll(async () => gateway.close());

  it('initializes with the latest protocol version and advertises tools, resources and prompts', async () => {
    const client = await gateway.client();
    expect(LATEST_PROTOCOL_VERSION).toBe('2025-11-25');
    expect(client.getServerVersion()).toMatchObject({ name: 'switchboard' });
    expect(client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {}, prompts: {} });
    expect(client.getInstructions()).toContain('<system>__<tool>');
  });

  it('lists namespaced tools with input and output schemas, annotations and titles', async () => {
    const client = await gateway.client();
    const { tools } = await client.listTools();
    expect(FIXTURE_READ_TOOLS).toHaveLength(6);
    expect(tools.map((t) => t.name).sort()).toEqual([...FIXTURE_READ_TOOLS, 'fixture__write_thing']);
    const echo = tools.find((t) => t.name === 'fixture__echo');
    expect(echo).toMatchObject({
      title: 'Echo',
      annotations: { readOnlyHint: true, openWorldHint: false, title: 'Echo' },
      inputSchema: {
        type: 'object',
        properties: { text: { type: 'string', description: 'Text to echo.' } },
        required: ['text'],
      },
      outputSchema: { type: 'object', properties: { echoed: { type: 'string' } }, required: ['echoed'] },
    });
    const write = tools.find((t) => t.name === 'fixture__write_thing');
    expect(write?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true });
  });

  it('calls a tool: structuredContent validates against the advertised output schema, text mirrors it', async () => {
    const client = await gateway.client();
    const { tools } = await client.listTools();
    const schema = tools.find((t) => t.name === 'fixture__echo')?.outputSchema;
    const result = await client.callTool({ name: 'fixture__echo', arguments: { text: 'hi', times: 2 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ echoed: 'HIHI' });
    const validate = new Ajv2020({ strict: false }).compile(schema ?? {});
    expect(validate(result.structuredContent)).toBe(true);
    expect(validate({ echoed: 3 })).toBe(false);
    expect(result.content).toEqual([{ type: 'text', text: JSON.stringify({ echoed: 'HIHI' }, null, 2) }]);
  });

  it('answers invalid input with isError naming the field, and never runs the handler', async () => {
    const client = await gateway.client();
    const before = calls.length;
    const result = await client.callTool({ name: 'fixture__echo', arguments: { text: '', times: 9 } });
    expect(result.isError).toBe(true);
    const text = JSON.stringify(result.content);
    expect(text).toContain('Invalid arguments for fixture__echo');
    expect(text).toContain('text:');
    expect(text).toContain('times:');
    expect(result._meta).toMatchObject({ 'switchboard/error': { code: 'invalid_input', retryable: false } });
    expect(calls.length).toBe(before);
  });

  it('answers an unknown tool with a protocol error (-32602)', async () => {
    const client = await gateway.client();
    const error = await client.callTool({ name: 'fixture__nope', arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect(error).toMatchObject({ code: -32602 });
    expect(String(error)).toContain('Unknown tool: fixture__nope');
    // The client adds "MCP error <code>: " once; the server's message does not carry it too.
    expect((String(error).match(/MCP error/g) ?? []).length).toBe(1);
  });

  it('refuses a list cursor it never gave out with -32602 instead of answering the first page', async () => {
    const client = await gateway.client();
    for (const list of [
      () => client.listTools({ cursor: 'made-up' }),
      () => client.listPrompts({ cursor: 'made-up' }),
      () => client.listResourceTemplates({ cursor: 'made-up' }),
      () => client.listResources({ cursor: 'made-up' }),
    ]) {
      await expect(list()).rejects.toMatchObject({
        code: -32602,
        message: expect.stringContaining('Invalid cursor'),
      });
    }
  });

  it('accepts logging/setLevel (the logging capability is declared)', async () => {
    const client = await gateway.client();
    expect(client.getServerCapabilities()?.logging).toEqual({});
    await expect(client.setLoggingLevel('warning')).resolves.toEqual({});
  });

  it('refuses a JSON-RPC batch from a 2025-06-18 or later client, and names the rule', async () => {
    const batch = JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      { jsonrpc: '2.0', id: 2, method: 'prompts/list' },
    ]);
    for (const version of ['2025-06-18', '2025-11-25']) {
      const response = await postRpc(gateway.url, batch, { 'mcp-protocol-version': version });
      expect(response.status, version).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { code: -32600, message: expect.stringContaining('no JSON-RPC batches') },
      });
    }
    const legacy = await postRpc(gateway.url, batch, { 'mcp-protocol-version': '2025-03-26' });
    expect(legacy.status).toBe(200);
  });

  it('maps a ToolError to isError with code, retry hint and what to do next', async () => {
    const client = await gateway.client();
    const limited = await client.callTool({ name: 'fixture__fail', arguments: { how: 'tool_error' } });
    expect(limited.isError).toBe(true);
    expect(limited._meta).toMatchObject({
      'switchboard/error': { code: 'rate_limited', retryable: true, retryAfterMs: 2000 },
    });
    expect(JSON.stringify(limited.content)).toContain('Retry after 2 s');
    const missing = await client.callTool({ name: 'fixture__fail', arguments: { how: 'not_found' } });
    expect(JSON.stringify(missing.content)).toContain('Use fixture__echo instead');
  });

  it('hides an unexpected exception: no message, stack or secret reaches the client', async () => {
    const client = await gateway.client();
    const result = await client.callTool({ name: 'fixture__fail', arguments: { how: 'crash' } });
    expect(result.isError).toBe(true);
    const text = JSON.stringify(result);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('upstream said');
    expect(text).not.toContain('at ');
    expect(text).toContain('Fixture failed unexpectedly');
    expect(result._meta).toMatchObject({ 'switchboard/error': { code: 'internal' } });
  });

  it('stops a handler that ignores its signal at the tool deadline with a timeout error', async () => {
    const client = await gateway.client();
    const started = Date.now();
    const result = await client.callTool({ name: 'fixture__fail', arguments: { how: 'hang' } });
    expect(result.isError).toBe(true);
    expect(result._meta).toMatchObject({ 'switchboard/error': { code: 'timeout', retryable: true } });
    expect(JSON.stringify(result.content)).toContain('did not finish within 300 ms');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses a result that breaks the output schema as an internal error', async () => {
    const client = await gateway.client();
    const result = await client.callTool({ name: 'fixture__fail', arguments: { how: 'bad_output' } });
    expect(result._meta).toMatchObject({ 'switchboard/error': { code: 'internal' } });
    expect(JSON.stringify(result.content)).toContain('malformed result');
  });

  it('streams progress notifications when the client sends a progress token', async () => {
    const client = await gateway.client();
    const updates: Array<{ progress: number; total?: number; message?: string }> = [];
    const result = await client.callTool({ name: 'fixture__steps', arguments: { count: 3 } }, undefined, {
      onprogress: (update) => updates.push(update),
    });
    expect(result.structuredContent).toEqual({ done: 3 });
    expect(updates).toEqual([
      { progress: 1, total: 3, message: 'step 1' },
      { progress: 2, total: 3, message: 'step 2' },
      { progress: 3, total: 3, message: 'step 3' },
    ]);
    // Without a token the same handler runs and nothing is sent.
    expect(
      (await client.callTool({ name: 'fixture__steps', arguments: { count: 2 } })).structuredContent,
    ).toEqual({
      done: 2,
    });
  });

  it('serves namespaced resource templates and prompts', async () => {
    const client = await gateway.client();
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates).toEqual([
      expect.objectContaining({
        uriTemplate: 'fixture://things/{id}',
        name: 'fixture__thing',
        mimeType: 'application/json',
      }),
    ]);
    const read = await client.readResource({ uri: 'fixture://things/7' });
    expect(read.contents[0]).toMatchObject({ uri: 'fixture://things/7', mimeType: 'application/json' });
    const first = read.contents[0];
    expect(first && 'text' in first ? JSON.parse(first.text) : undefined).toEqual({ id: 7, name: 'thing 7' });
    // Resource not found is -32602 with data.uri (MCP 2026-07-28; the SDK sends it in every era,
    // and 2025 clients accept it alongside the older -32002).
    await expect(client.readResource({ uri: 'fixture://things/404' })).rejects.toMatchObject({
      code: -32602,
      data: { uri: 'fixture://things/404' },
    });
    await expect(client.readResource({ uri: 'fixture://things/abc' })).rejects.toMatchObject({
      code: -32602,
    });
    await expect(client.readResource({ uri: 'other://x' })).rejects.toMatchObject({
      code: -32602,
      data: { uri: 'other://x' },
    });

    const { prompts } = await client.listPrompts();
    expect(prompts).toEqual([
      expect.objectContaining({
        name: 'fixture__brief',
        arguments: [{ name: 'subject', description: 'What to brief on.', required: true }],
      }),
    ]);
    const prompt = await client.getPrompt({ name: 'fixture__brief', arguments: { subject: 'Acme' } });
    expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Brief me on Acme.' } }]);
  });

  it('refuses a foreign Origin with 403 before any MCP processing', async () => {
    const before = calls.length;
    const response = await postRpc(gateway.url, toolCall(1, 'fixture__echo', { text: 'x' }), {
      origin: 'https://evil.example',
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      jsonrpc: '2.0',
      error: { message: expect.stringContaining('origin https://evil.example is not allowed') },
    });
    expect(calls.length).toBe(before);
  });

  it('accepts a loopback Origin and refuses a foreign Host header', async () => {
    const ok = await gateway.client({ origin: gateway.origin });
    expect((await ok.listTools()).tools.length).toBe(7);
    // fetch cannot forge Host; a raw request can, as a rebinding browser effectively does.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        gateway.url,
        { method: 'POST', headers: { host: 'attacker.example:8080', 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('answers GET and DELETE on the stateless endpoint with 405 and Allow: POST', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(gateway.url, { method, headers: { accept: 'text/event-stream' } });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(response.headers.get('mcp-session-id')).toBeNull();
    }
  });

  it('answers malformed JSON with a JSON-RPC parse error', async () => {
    const response = await postRpc(gateway.url, '{"jsonrpc":');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32700 } });
  });

  it('is stateless: no session id, and a call works without a prior initialize on this connection', async () => {
    const response = await postRpc(gateway.url, toolCall(7, 'fixture__echo', { text: 'ok' }), {
      'mcp-protocol-version': '2025-11-25',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(await response.text()).toContain('"echoed":"OK"');
  });

  it('echoes a valid x-request-id and reports liveness and readiness', async () => {
    const health = await fetch(`${gateway.origin}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toBe('abc-123');
    const ready = await fetch(`${gateway.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', connectors: { fixture: { status: 'ok' } } });
  });
});

describe('readiness', () => {
  it('is 503 naming the connector instance that is not ready, and during shutdown', async () => {
    const gateway = await startGateway(
      configFor(
        {
          connectors: [
            { package: 'fixture', namespace: 'good', config: { token: 't' } },
            { package: 'fixture', namespace: 'bad', config: { token: 't', ready: false } },
          ],
        },
        FIXTURE_CATALOGUE,
      ),
    );
    try {
      const response = await fetch(`${gateway.origin}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        status: 'not_ready',
        reason: 'bad: fixture upstream unreachable',
        connectors: {
          good: { status: 'ok' },
          bad: { status: 'error', reason: 'fixture upstream unreachable' },
        },
      });
      gateway.lifecycle.shuttingDown = true;
      const closing = await fetch(`${gateway.origin}/readyz`);
      expect(closing.status).toBe(503);
      expect(await closing.json()).toMatchObject({ reason: 'shutting down' });
    } finally {
      await gateway.close();
    }
  });
});

describe('a connector that cannot connect at start-up', () => {
  it('does not stop the gateway: /readyz names it, its tools answer upstream_unavailable, and it reconnects', async () => {
    const gateway = await startGateway(
      configFor(
        { connectors: [{ package: 'fixture', namespace: 'flaky', config: { token: 't', failConnects: 2 } }] },
        FIXTURE_CATALOGUE,
      ),
    );
    try {
      const client = await gateway.client();
      // Attempt 1 failed at start-up; attempts within a second are not made.
      const refused = await client.callTool({ name: 'flaky__echo', arguments: { text: 'x' } });
      expect(refused.isError).toBe(true);
      expect(refused._meta).toMatchObject({
        'switchboard/error': { code: 'upstream_unavailable', retryable: true },
      });
      expect(JSON.stringify(refused.content)).toContain('Fixture (flaky) cannot be reached right now.');
      expect(JSON.stringify(refused.content)).not.toContain('connection refused by fixture');

      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const ready = await fetch(`${gateway.origin}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({
        connectors: {
          flaky: { status: 'error', reason: 'not connected: connection refused by fixture (attempt 2)' },
        },
      });

      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const ok = await client.callTool({ name: 'flaky__echo', arguments: { text: 'x' } });
      expect(ok.structuredContent).toEqual({ echoed: 'X' });
      expect((await fetch(`${gateway.origin}/readyz`)).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});

describe('readiness when connectors are not required', () => {
  it('reports a failing connector as degraded with 200, so one vendor outage does not unready every replica', async () => {
    const gateway = await startGateway(
      configFor(
        {
          server: { readinessRequiresConnectors: false },
          connectors: [{ package: 'fixture', namespace: 'bad', config: { token: 't', ready: false } }],
        },
        FIXTURE_CATALOGUE,
      ),
    );
    try {
      const response = await fetch(`${gateway.origin}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        status: 'degraded',
        reason: 'bad: fixture upstream unreachable',
        connectors: { bad: { status: 'error' } },
      });
    } finally {
      await gateway.close();
    }
  });
});
