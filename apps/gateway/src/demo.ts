import { generateApiKey, parseApiKey } from '@switchboard/auth';
import { type Environment, type GatewayConfig, resolveConfig } from './config.js';
import { CATALOGUE } from './connectors.js';

export interface DemoProfile {
  config: GatewayConfig;
  /**
   * The demo API key (SWITCHBOARD_DEMO_API_KEY, else a new one), registered with every scope; absent
   * when the demo runs without authentication.
   */
  demoKey?: string;
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

/** The demo world's module, which a production install does not contain. */
async function loadDemoWorld(): Promise<typeof import('@switchboard/demo')> {
  try {
    return await import('@switchboard/demo');
  } catch (error) {
    throw new DemoUnavailableError(error);
  }
}

/** The demo needs the vendor emulators, a development tool that production installs leave out. */
export class DemoUnavailableError extends Error {
  override readonly name = 'DemoUnavailableError';
  constructor(cause: unknown) {
    super(
      'The demo profile is not part of this installation (its vendor emulators are a development tool). ' +
        'Run `pnpm start` from a checkout of the repository, or serve a configuration with --config FILE.',
      { cause },
    );
  }
}

/**
 * The demo profile: every connector against embedded sandboxes seeded with the demo dataset, no
 * configuration and no external service.
 */
export async function startDemoProfile(
  env: Environment,
  options: { port?: number; auth?: boolean } = {},
): Promise<DemoProfile> {
  const withAuth = options.auth ?? true;
  const demoKey = withAuth ? demoApiKey(env) : undefined;
  const { startDemoWorld } = await loadDemoWorld();
  const world = await startDemoWorld();
  try {
    const port = options.port ?? 8080;
    const config = resolveConfig(
      {
        server: { port },
        // Without auth the gateway serves one local principal, and only on loopback (serve checks).
        ...(withAuth
          ? { auth: { resource: `http://127.0.0.1:${port}/mcp`, apiKeys: { enabled: true } } }
          : {}),
        database: { dataDir: 'memory' },
        connectors: world.connectors,
      },
      // HOST still applies; the port was settled by the caller.
      {
        source: 'demo profile',
        env: { ...env, PORT: String(port) },
        catalogue: CATALOGUE,
        requireSecretsFromEnv: false,
      },
    );
    return { config, ...(demoKey === undefined ? {} : { demoKey }), close: () => world.close() };
  } catch (error) {
    await world.close();
    throw error;
  }
}

/** What `switchboard demo` prints once listening: the endpoint and ready-to-paste client configs. */
export function demoBanner(url: string, toolCount: number, demoKey: string | undefined): string {
  const httpConfig = {
    mcpServers: {
      switchboard: {
        type: 'http',
        url,
        ...(demoKey === undefined ? {} : { headers: { Authorization: `Bearer ${demoKey}` } }),
      },
    },
  };
  const stdioConfig = {
    mcpServers: { switchboard: { command: 'pnpm', args: ['--silent', 'switchboard', 'stdio', '--demo'] } },
  };
  return [
    '',
    `Switchboard demo is listening on ${url}  (${toolCount} tools, embedded sandboxes, loopback only)`,
    '',
    demoKey === undefined
      ? 'No authentication (--no-auth): every local process may call it, with every scope.'
      : `Demo API key (every scope; set SWITCHBOARD_DEMO_API_KEY to fix it): ${demoKey}`,
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
