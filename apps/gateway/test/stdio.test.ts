import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { HERO_EMAILS } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ARGS, childEnv, GATEWAY_DIR } from './cli.js';

describe('switchboard stdio (a client spawning the CLI)', () => {
  let client: Client;
  let transport: StdioClientTransport;
  const stderr: string[] = [];

  beforeAll(async () => {
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [...CLI_ARGS, 'stdio', '--demo'],
      cwd: GATEWAY_DIR,
      env: childEnv({ LOG_LEVEL: 'info' }),
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    client = new Client({ name: 'stdio-test', version: '1.0.0' });
    // Any non-protocol line on stdout would surface here as a transport error.
    transport.onerror = (error) => {
      throw error;
    };
    await client.connect(transport);
  }, 60_000);

  afterAll(async () => {
    await client?.close();
  });

  it('lists the same namespaced tools as the HTTP endpoint', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain('odoo__find_customers');
    expect(names).toContain('odoo__get_customer');
    for (const system of ['salesforce', 'hubspot', 'odoo', 'zendesk', 'slack']) {
      expect(
        names.some((name) => name.startsWith(`${system}__`)),
        system,
      ).toBe(true);
    }
    expect(
      names.every((name) => /^(salesforce|hubspot|odoo|zendesk|slack|customer360)__[a-z_]+$/.test(name)),
    ).toBe(true);
  });

  it('calls a tool and gets structured content', async () => {
    const result = await client.callTool({
      name: 'odoo__find_customers',
      arguments: { email: HERO_EMAILS.everywhere },
    });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.structuredContent)).toContain('Helix');
  });

  it('writes logs to stderr only', () => {
    const logs = stderr.join('');
    expect(logs).toContain('"msg":"catalogue ready"');
  });
});

describe('switchboard stdio output discipline', () => {
  it('writes nothing but JSON-RPC messages on stdout, and exits 0 when stdin closes', async () => {
    const child = spawn(process.execPath, [...CLI_ARGS, 'stdio', '--demo'], {
      cwd: GATEWAY_DIR,
      env: childEnv({ LOG_LEVEL: 'debug' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    send({
      jsonrpc: '2.0',
      id: 3,
      method: 'tools/call',
      params: { name: 'odoo__get_customer', arguments: { id: 999999 } },
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answers; stderr:\n${stderr}`)), 60_000);
      const poll = setInterval(() => {
        if (stdout.split('\n').filter(Boolean).length >= 3) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve();
        }
      }, 50);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin.end();
    expect(await exited).toBe(0);

    const lines = stdout.split('\n').filter(Boolean);
    const messages: unknown[] = lines.map((line) => JSON.parse(line));
    expect(messages).toHaveLength(3);
    for (const message of messages) expect(message).toMatchObject({ jsonrpc: '2.0' });
    expect(
      messages.map((m) => (typeof m === 'object' && m !== null && 'id' in m ? m.id : undefined)),
    ).toEqual([1, 2, 3]);
    // Logs (one line per tool call among them) went to stderr, not stdout.
    expect(stderr).toContain('"msg":"tool call"');
    expect(stdout).not.toContain('"level"');
  }, 90_000);
});
