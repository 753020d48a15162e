import { startEmbeddedOdoo } from '@switchboard/sandbox';
import { type Environment, type GatewayConfig, resolveConfig } from './config.js';
import { CATALOGUE } from './connectors.js';

export interface DemoProfile {
  config: GatewayConfig;
  close(): Promise<void>;
}

/**
 * The demo profile: every connector against embedded sandboxes seeded with the demo dataset, no
 * configuration and no external service. PGlite is single-connection, hence a pool of one.
 */
export async function startDemoProfile(env: Environment): Promise<DemoProfile> {
  const odoo = await startEmbeddedOdoo();
  try {
    const config = resolveConfig(
      {
        connectors: [
          { package: 'odoo', namespace: 'odoo', config: { databaseUrl: odoo.connectionString, poolMax: 1 } },
        ],
      },
      { source: 'demo profile', env, catalogue: CATALOGUE, requireSecretsFromEnv: false },
    );
    return { config, close: () => odoo.close() };
  } catch (error) {
    await odoo.close();
    throw error;
  }
}

/** What `switchboard demo` prints once listening: the endpoint and ready-to-paste client configs. */
export function demoBanner(url: string, toolCount: number): string {
  const httpConfig = { mcpServers: { switchboard: { type: 'http', url } } };
  const stdioConfig = {
    mcpServers: { switchboard: { command: 'pnpm', args: ['--silent', 'switchboard', 'stdio', '--demo'] } },
  };
  return [
    '',
    `Switchboard demo is listening on ${url}  (${toolCount} tools, embedded sandboxes, loopback only)`,
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
