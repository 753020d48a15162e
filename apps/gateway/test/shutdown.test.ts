import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { HERO_EMAILS, startZendeskSandbox, type ZendeskSandbox } from '@switchboard/sandbox';
import { openStore } from '@switchboard/store';
import { afterAll, describe, expect, it } from 'vitest';
import { serve, zendeskConnectorYaml } from './cli.js';
import { quietLogger } from './harness.js';
import { postRpc, toolCall } from './rpc.js';

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
        ...zendeskConnectorYaml(sandbox),
        '',
      ].join('\n'),
    );
    // Every search answers after 2 s: long enough to be in flight when SIGTERM arrives.
    sandbox.server.inject({ pathPrefix: '/api/v2/search.json', latencyMs: 2_000 });

    const gateway = serve(configPath, { ZENDESK_API_TOKEN: sandbox.apiToken });
    const { child, exited } = gateway;
    const url = await gateway.url();
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
    const refused = await postRpc(url, toolCall(2, 'zendesk__find_user', { email: HERO_EMAILS.everywhere }));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: { message: 'Shutting down; retry.' } });

    const result = await inFlight;
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    await client.close().catch(() => undefined);
    expect(await exited).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(1_500 + 8_000);
    expect(gateway.output()).toContain('shut down cleanly');

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
    const gateway = serve(configPath, {});
    const { child, exited } = gateway;
    await expect.poll(() => gateway.output().includes('"msg":"listening"'), { timeout: 60_000 }).toBe(true);
    child.kill('SIGTERM');
    await expect.poll(() => gateway.output().includes('"msg":"shutting down"')).toBe(true);
    const second = performance.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(performance.now() - second).toBeLessThan(5_000);
    expect(gateway.output()).toContain('second signal: exiting now');
  }, 90_000);
});
