import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { AnyConnector } from '@switchboard/kit';
import { buildApp } from '../src/app.js';
import { type GatewayConfig, resolveConfig } from '../src/config.js';
import type { Lifecycle } from '../src/lifecycle.js';
import { createLogger } from '../src/logger.js';
import { Runtime } from '../src/runtime.js';
import { FIXTURE_CATALOGUE, type FixtureClient, isFixtureClient } from './fixture-connector.js';

export const quietLogger = () =>
  createLogger({ destination: 'stderr', level: process.env.LOG_LEVEL ?? 'silent' });

export function configFor(
  raw: unknown,
  catalogue: ReadonlyMap<string, AnyConnector>,
  env: Record<string, string> = {},
): GatewayConfig {
  // Tests that are not about the audit trail run without a database (faster start-up).
  const withDefaults =
    typeof raw === 'object' && raw !== null && !('audit' in raw)
      ? { ...raw, audit: { enabled: false } }
      : raw;
  return resolveConfig(withDefaults, { source: 'test', env, catalogue, requireSecretsFromEnv: false });
}

export interface RunningGateway {
  url: URL;
  origin: string;
  runtime: Runtime;
  lifecycle: Lifecycle;
  client(headers?: Record<string, string>): Promise<Client>;
  close(): Promise<void>;
}

/** Starts the real app on a real listener (loopback, port 0). */
export async function startGateway(
  config: GatewayConfig,
  logger: ReturnType<typeof quietLogger> = quietLogger(),
): Promise<RunningGateway> {
  const runtime = await Runtime.start(config, logger);
  const lifecycle = runtime.lifecycle;
  const app = await buildApp({ runtime, logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${address.port}`;
  const clients: Client[] = [];
  return {
    url: new URL(`${origin}/mcp`),
    origin,
    runtime,
    lifecycle,
    async client(headers = {}) {
      const client = new Client({ name: 'switchboard-test', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), {
        requestInit: { headers },
      });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await app.close();
      await runtime.close();
    },
  };
}

/** The value of one sample in Prometheus text format, 0 when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const wanted = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`));
    if (wanted) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

/** How much a sample moved between two scrapes. */
export function delta(
  before: string,
  after: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  return sample(after, name, labels) - sample(before, name, labels);
}

/** The gateway's /metrics text. */
export async function scrape(gateway: Pick<RunningGateway, 'origin'>): Promise<string> {
  return (await fetch(`${gateway.origin}/metrics`)).text();
}

/**
 * The fixture connector behind an audited gateway (in-memory database, fast flushes, a generous HTTP
 * rate limit) with the given upstream quota: for tests that compare metrics, quota and audit rows.
 */
export function auditedFixture(quota: { limit: number; intervalMs: number }): GatewayConfig {
  return configFor(
    {
      database: { dataDir: 'memory' },
      audit: { enabled: true, flushIntervalMs: 20 },
      rateLimit: { max: 1000 },
      connectors: [{ package: 'fixture', config: { token: 't' }, quota }],
    },
    FIXTURE_CATALOGUE,
  );
}

/** An audited fixture gateway (see `auditedFixture`) and the fixture instance's client, to watch its calls. */
export async function startAuditedFixture(quota: {
  limit: number;
  intervalMs: number;
}): Promise<{ gateway: RunningGateway; client: FixtureClient }> {
  const gateway = await startGateway(auditedFixture(quota));
  const instance = gateway.runtime.registry.instances[0];
  if (!instance) throw new Error('no fixture instance');
  const client: unknown = await gateway.runtime.clientFor(instance);
  if (!isFixtureClient(client)) throw new Error('the fixture instance has no fixture client');
  return { gateway, client };
}

/** The audit rows of a tool, newest first, once everything buffered has been written. */
export async function auditRows(gateway: Pick<RunningGateway, 'runtime'>, tool: string, limit = 100) {
  await gateway.runtime.audit?.flush(5_000);
  return (await gateway.runtime.store?.audit.query({ tool, limit })) ?? [];
}
