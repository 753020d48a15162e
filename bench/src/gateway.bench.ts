/**
 * Gateway benchmark, reported as ratios measured in one run (absolute numbers on a shared machine
 * mean little). Three ways to answer the same read, against the Zendesk emulator on loopback with a
 * fixed added latency standing in for a vendor round trip:
 *
 *   direct    the connector's handler called in process (no gateway at all)
 *   gateway   the full HTTP path: origin check, rate limit, per-request MCP server, validation,
 *             quota, handler, output validation, audit, metrics (cache off)
 *   cached    the same path with the response cache on (every call after the first is a hit)
 *
 * Run: pnpm bench   (BENCH_CALLS and BENCH_VENDOR_MS change the defaults)
 */
import type { AddressInfo } from 'node:net';
import { findUserTool, type ZendeskConfig, zendeskConnector } from '@switchboard/connector-zendesk';
import { sandboxConfig as zendeskSandboxConfig } from '@switchboard/connector-zendesk/testing';
import { buildApp, CATALOGUE, createLogger, Runtime, resolveConfig } from '@switchboard/gateway';
import { testContext, testInstance } from '@switchboard/kit/testing';
import { HERO_EMAILS, startZendeskSandbox } from '@switchboard/sandbox';

const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const VENDOR_MS = Number(process.env.BENCH_VENDOR_MS ?? 5);
const WARMUP = 30;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(label: string, run: (i: number) => Promise<void>) {
  for (let i = 0; i < WARMUP; i++) await run(i);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await run(i);
    samples.push(performance.now() - t);
  }
  const total = performance.now() - started;
  samples.sort((a, b) => a - b);
  return {
    label,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    perSecond: (CALLS / total) * 1000,
  };
}

async function gateway(sandboxConfig: ReturnType<typeof zendeskSandboxConfig>, cache: boolean) {
  const logger = createLogger({ destination: 'stderr', level: 'silent' });
  const config = resolveConfig(
    {
      audit: { enabled: false },
      cache: { enabled: cache },
      rateLimit: { max: 1_000_000 },
      connectors: [{ package: 'zendesk', quota: false, config: sandboxConfig }],
    },
    { source: 'bench', env: {}, catalogue: CATALOGUE, requireSecretsFromEnv: false },
  );
  const runtime = await Runtime.start(config, logger);
  const app = await buildApp({ runtime, logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address: AddressInfo | string | null = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const { port } = address;
  const url = `http://127.0.0.1:${port}/mcp`;
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name: 'zendesk__find_user', arguments: { email: HERO_EMAILS.everywhere } },
  });
  return {
    async call() {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body,
      });
      const text = await response.text();
      if (!text.includes('"structuredContent"')) throw new Error(`unexpected answer: ${text.slice(0, 200)}`);
    },
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}

async function main() {
  const sandbox = await startZendeskSandbox({ rateLimitPerMinute: 1_000_000 });
  sandbox.server.inject({ latencyMs: VENDOR_MS });
  const sandboxConfig = zendeskSandboxConfig(sandbox);
  try {
    const config: ZendeskConfig = zendeskConnector.config.parse(sandboxConfig);
    const instance = testInstance('zendesk');
    const client = await zendeskConnector.connect(config, {
      logger: testContext(null, null).logger,
      instance,
    });
    const ctx = testContext(client, config, { instance });
    const input = findUserTool.input.parse({ email: HERO_EMAILS.everywhere });
    const direct = await measure('direct handler', async () => {
      await findUserTool.handler(input, ctx);
    });

    const uncached = await gateway(sandboxConfig, false);
    const viaGateway = await measure('gateway, cache off', () => uncached.call());
    await uncached.close();

    const cachedGateway = await gateway(sandboxConfig, true);
    const cached = await measure('gateway, cache hit', () => cachedGateway.call());
    await cachedGateway.close();

    const rows = [direct, viaGateway, cached];
    const lines = [
      `calls per variant: ${CALLS} (after ${WARMUP} warm-up), vendor latency added: ${VENDOR_MS} ms`,
      '',
      'variant               p50 ms   p95 ms   calls/s',
      ...rows.map(
        (r) =>
          `${r.label.padEnd(20)} ${r.p50.toFixed(2).padStart(7)}  ${r.p95.toFixed(2).padStart(7)}  ${r.perSecond.toFixed(0).padStart(8)}`,
      ),
      '',
      `gateway overhead (gateway p50 / direct p50):   ${(viaGateway.p50 / direct.p50).toFixed(2)}x`,
      `gateway overhead, absolute (p50 difference):   ${(viaGateway.p50 - direct.p50).toFixed(2)} ms`,
      `cache hit vs cache off (p50 ratio):            ${(cached.p50 / viaGateway.p50).toFixed(2)}x`,
      `cache hit vs direct vendor call (p50 ratio):   ${(cached.p50 / direct.p50).toFixed(2)}x`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await sandbox.close();
  }
}

await main();
