import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { HERO_EMAILS, startZendeskSandbox, type ZendeskSandbox } from '@switchboard/sandbox';
import { openStore } from '@switchboard/store';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_ARGS, childEnv, GATEWAY_DIR } from './cli.js';
import { quietLogger } from './harness.js';

describe('graceful shutdown on SIGTERM', () => {
  let sandbox: ZendeskSandbox | undefined;
  afterAll(async () => sandbox?.close());

  it('finishes the call in flight, refuses new calls cleanly, keeps both audit rows and exits 0', async () => {
    sandbox = await startZendeskSandbox();
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-shutdown-'));
    const dataDir = join(dir, 'db');
    const configPath = join(dir, 'switchboard.yaml');
    writeFileSync(
      configPath,
      [
        'server:',
        '  port: 0',
        '  drainDelayMs: 1500',
        '  shutdownGraceMs: 8000',
        'database:',
        `  dataDir: ${dataDir}`,
        'audit:',
        '  flushIntervalMs: 50',
        'connectors:',
        '  - package: zendesk',
        '    config:',
        `      baseUrl: ${sandbox.url}`,
        `      email: ${sandbox.email}`,
        '      apiToken: ${ZENDESK_API_TOKEN}',
        '',
      ].join('\n'),
    );
    // Every search answers after 2 s: long enough to be in flight when SIGTERM arrives.
    sandbox.server.inject({ pathPrefix: '/api/v2/search.json', latencyMs: 2_000 });

    const child = spawn(process.execPath, [...CLI_ARGS, 'serve', '--config', configPath], {
      cwd: GATEWAY_DIR,
      env: childEnv({ ZENDESK_API_TOKEN: sandbox.apiToken, LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect
      .poll(() => /"url":"(http:\/\/[^"]+\/mcp)"/.exec(output)?.[1], { timeout: 60_000 })
      .toBeTruthy();
    const url = /"url":"(http:\/\/[^"]+\/mcp)"/.exec(output)?.[1] ?? '';
    const origin = new URL(url).origin;

    const client = new Client({ name: 'shutdown-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const inFlight = client.callTool({
      name: 'zendesk__search_tickets',
      arguments: { requesterEmail: HERO_EMAILS.everywhere },
    });
    await expect.poll(() => sandbox?.server.requestsTo('/api/v2/search.json').length ?? 0).toBeGreaterThan(0);

    const signalledAt = performance.now();
    child.kill('SIGTERM');
    await expect.poll(async () => (await fetch(`${origin}/readyz`)).status, { timeout: 1_000 }).toBe(503);
    const refused = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'zendesk__find_user', arguments: { email: HERO_EMAILS.everywhere } },
      }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: { message: 'Shutting down; retry.' } });

    const result = await inFlight;
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    await client.close().catch(() => undefined);
    expect(await exited).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(1_500 + 8_000);
    expect(output).toContain('shut down cleanly');

    const store = await openStore({ dataDir, logger: quietLogger() });
    try {
      const rows = await store.audit.query({ limit: 100 });
      const outcomes = rows.map((row) => `${row.tool} ${row.outcome}`);
      expect(outcomes).toContain('zendesk__search_tickets ok');
      expect(outcomes).toContain('zendesk__find_user unavailable');
    } finally {
      await store.close();
    }
  }, 120_000);
});

describe('a second SIGTERM', () => {
  it('forces the exit at once (code 1) instead of waiting out the drain', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-shutdown-'));
    const configPath = join(dir, 'switchboard.yaml');
    writeFileSync(configPath, 'server:\n  port: 0\n  drainDelayMs: 30000\naudit:\n  enabled: false\n');
    const child = spawn(process.execPath, [...CLI_ARGS, 'serve', '--config', configPath], {
      cwd: GATEWAY_DIR,
      env: childEnv({ LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect.poll(() => output.includes('"msg":"listening"'), { timeout: 60_000 }).toBe(true);
    child.kill('SIGTERM');
    await expect.poll(() => output.includes('"msg":"shutting down"')).toBe(true);
    const second = performance.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(performance.now() - second).toBeLessThan(5_000);
    expect(output).toContain('second signal: exiting now');
  }, 90_000);
});
