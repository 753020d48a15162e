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
    expect(names.every((name) => name.startsWith('odoo__'))).toBe(true);
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
