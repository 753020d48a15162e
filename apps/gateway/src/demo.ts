import { generateApiKey, parseApiKey } from '@switchboard/auth';
import {
  hubspotSandboxConfig,
  salesforceSandboxConfig,
  slackSandboxConfig,
  startEmbeddedOdoo,
  startHubSpotSandbox,
  startSalesforceSandbox,
  startSlackSandbox,
  startZendeskSandbox,
  zendeskSandboxConfig,
} from '@switchboard/sandbox';
import { type Environment, type GatewayConfig, resolveConfig } from './config.js';
import { CATALOGUE } from './connectors.js';

export interface DemoProfile {
  config: GatewayConfig;
  /** The demo API key (SWITCHBOARD_DEMO_API_KEY, else a new one), registered with every scope. */
  demoKey: string;
  close(): Promise<void>;
}

/** The demo key: fixed by SWITCHBOARD_DEMO_API_KEY so scripts can rely on it, else fresh each start. */
export function demoApiKey(env: Environment): string {
  const fixed = env.SWITCHBOARD_DEMO_API_KEY;
  if (fixed === undefined || fixed === '') return generateApiKey().key;
  if (!parseApiKey(fixed)) {
    throw new Error(
      'SWITCHBOARD_DEMO_API_KEY is not a Switchboard API key (sbk_<12 characters>_<43 characters>); unset it to get a generated one.',
    );
  }
  return fixed;
}

/**
 * The demo profile: every connector against embedded sandboxes seeded with the demo dataset, no
 * configuration and no external service. PGlite is single-connection, hence a pool of one.
 */
export async function startDemoProfile(
  env: Environment,
  options: { port?: number } = {},
): Promise<DemoProfile> {
  const demoKey = demoApiKey(env);
  const opened: Array<{ close(): Promise<void> }> = [];
  const track = async <T extends { close(): Promise<void> }>(starting: Promise<T>): Promise<T> => {
    const sandbox = await starting;
    opened.push(sandbox);
    return sandbox;
  };
  const closeAll = async () => {
    await Promise.all(opened.splice(0).map((sandbox) => sandbox.close()));
  };
  // Every vendor system as an in-process emulator seeded with the same fictional company.
  const starting = [
    track(startEmbeddedOdoo()),
    track(startSalesforceSandbox()),
    track(startHubSpotSandbox()),
    track(startZendeskSandbox()),
    track(startSlackSandbox()),
  ] as const;
  try {
    const [odoo, salesforce, hubspot, zendesk, slack] = await Promise.all(starting);
    const port = options.port ?? 8080;
    const config = resolveConfig(
      {
        server: { port },
        auth: { resource: `http://127.0.0.1:${port}/mcp`, apiKeys: { enabled: true } },
        database: { dataDir: 'memory' },
        connectors: [
          { package: 'salesforce', config: salesforceSandboxConfig(salesforce) },
          { package: 'hubspot', config: hubspotSandboxConfig(hubspot) },
          // PGlite serves one connection at a time.
          { package: 'odoo', config: { databaseUrl: odoo.connectionString, poolMax: 1 } },
          { package: 'zendesk', config: zendeskSandboxConfig(zendesk) },
          { package: 'slack', config: slackSandboxConfig(slack) },
          { package: 'customer360', config: {} },
        ],
      },
      // HOST still applies; the port was settled by the caller.
      {
        source: 'demo profile',
        env: { ...env, PORT: String(port) },
        catalogue: CATALOGUE,
        requireSecretsFromEnv: false,
      },
    );
    return { config, demoKey, close: closeAll };
  } catch (error) {
    await Promise.allSettled(starting);
    await closeAll();
    throw error;
  }
}

/** What `switchboard demo` prints once listening: the endpoint and ready-to-paste client configs. */
export function demoBanner(url: string, toolCount: number, demoKey: string): string {
  const httpConfig = {
    mcpServers: { switchboard: { type: 'http', url, headers: { Authorization: `Bearer ${demoKey}` } } },
  };
  const stdioConfig = {
    mcpServers: { switchboard: { command: 'pnpm', args: ['--silent', 'switchboard', 'stdio', '--demo'] } },
  };
  return [
    '',
    `Switchboard demo is listening on ${url}  (${toolCount} tools, embedded sandboxes, loopback only)`,
    '',
    `Demo API key (every scope; set SWITCHBOARD_DEMO_API_KEY to fix it): ${demoKey}`,
    '',
    'Client configuration (Streamable HTTP), ready to paste:',
    JSON.stringify(httpConfig, null, 2),
    '',
    'Or over stdio, run from this repository:',
    JSON.stringify(stdioConfig, null, 2),
    '',
    'Stop with Ctrl-C.',
    '',
  ].join('\n');
}
