import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { AdminError, createKey, listKeys, parseScopes, queryAudit, revokeKey, withStore } from './admin.js';
import { buildApp, LOCAL_PRINCIPAL } from './app.js';
import { ConfigError, type GatewayConfig, loadConfigFile, resolveConfig } from './config.js';
import { CATALOGUE } from './connectors.js';
import { demoBanner, startDemoProfile } from './demo.js';
import { createLogger, type GatewayLogger } from './logger.js';
import { serveStdio } from './mcp.js';
import { isLoopbackHost } from './plugins/origin.js';
import { Registry, RegistryError } from './registry.js';
import { Runtime } from './runtime.js';

const USAGE = `Usage: switchboard <command> [options]

Commands:
  serve [--config FILE]            Serve the catalogue over Streamable HTTP at /mcp.
  demo [--no-auth]                 Serve the demo profile: embedded sandboxes, no setup. --no-auth
                                   drops the demo API key (loopback only; for test runners).
  stdio [--config FILE | --demo]   Serve the catalogue over stdin/stdout.
  tools [--config FILE | --demo] [--json]
                                   Print the namespaced catalogue.
  config check [FILE]              Validate a configuration file.
  migrate [--config FILE]          Apply pending database migrations.
  keys create --name NAME --scopes a,b [--expires 30d]
                                   Create an API key; it is printed once.
  keys list [--all]                List API keys (never their secrets).
  keys revoke NAME|ID              Revoke an API key at once.
  audit [--principal P] [--tool T] [--since 1h|ISO] [--until ISO] [--limit N] [--json]
                                   Query the audit trail, newest first.

The configuration file defaults to $SWITCHBOARD_CONFIG, then ./switchboard.yaml.
HOST and PORT override server.host and server.port; DATABASE_URL and REDIS_URL
override database.url and redis.url.`;

/** Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration. */
class UsageError extends Error {}

function write(stream: NodeJS.WriteStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

function configPath(given: string | undefined): string {
  const path = given ?? (process.env.SWITCHBOARD_CONFIG || 'switchboard.yaml');
  if (given === undefined && !existsSync(path)) {
    throw new UsageError(
      `No configuration file: ${path} does not exist. Pass --config FILE, set SWITCHBOARD_CONFIG, or run "switchboard demo" for the zero-setup demo.`,
    );
  }
  return path;
}

interface Loaded {
  config: GatewayConfig;
  demoKey?: string;
  close(): Promise<void>;
}

/** A free TCP port, so that the demo can name its resource URL before it listens. */
async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Administrative commands work without a file: then the defaults (embedded database) apply. */
async function loadAdminConfig(given: string | undefined): Promise<GatewayConfig> {
  const path = given ?? (process.env.SWITCHBOARD_CONFIG || 'switchboard.yaml');
  if (given === undefined && !existsSync(path)) {
    return resolveConfig({}, { source: 'defaults', env: process.env, catalogue: CATALOGUE });
  }
  return loadConfigFile(path, { env: process.env, catalogue: CATALOGUE });
}

async function loadProfile(options: { config?: string; demo?: boolean; auth?: boolean }): Promise<Loaded> {
  if (options.demo) {
    if (options.config !== undefined) throw new UsageError('Pass either --config or --demo, not both.');
    const requested = Number(process.env.PORT || 8080);
    const port = requested === 0 ? await freePort(process.env.HOST || '127.0.0.1') : requested;
    return startDemoProfile(process.env, { port, auth: options.auth ?? true });
  }
  const config = await loadConfigFile(configPath(options.config), { env: process.env, catalogue: CATALOGUE });
  return { config, close: async () => {} };
}

function handleSignals(logger: GatewayLogger, shutdown: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function serve(profile: Loaded, logger: GatewayLogger, banner: boolean): Promise<void> {
  const { server } = profile.config;
  if (!isLoopbackHost(server.host) && !profile.config.auth) {
    await profile.close();
    throw new UsageError(
      `Refusing to listen on ${server.host}: authentication is not configured (no auth section), so the gateway only binds a loopback address (127.0.0.1, ::1, localhost).`,
    );
  }
  const runtime = await Runtime.start(profile.config, logger);
  if (profile.demoKey !== undefined) {
    if (!runtime.store) throw new Error('the demo profile has no database for its key');
    await createKey(runtime.store, { name: 'demo', scopes: ['*'], key: profile.demoKey });
  }
  const { lifecycle } = runtime;
  const app = await buildApp({ runtime, logger });
  handleSignals(logger, async () => {
    // Readiness turns 503 at once, so the load balancer stops sending new work here.
    lifecycle.shuttingDown = true;
    const force = setTimeout(() => {
      logger.error({ graceMs: server.shutdownGraceMs }, 'grace period over: exiting');
      logger.flush();
      process.exit(1);
    }, server.drainDelayMs + server.shutdownGraceMs);
    force.unref();
    // Without a preStop hook, keep answering (503 for new calls) while endpoints update.
    if (server.drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, server.drainDelayMs));
    // Stops accepting connections and waits for the calls in flight.
    await app.close();
    // Flushes the audit buffer, closes connector pools, the database and Redis.
    await runtime.close();
    await profile.close();
    logger.info({}, 'shut down cleanly');
    logger.flush();
  });
  const address = await app.listen({ host: server.host, port: server.port });
  const url = `${address}/mcp`;
  logger.info({ url }, 'listening');
  if (banner) write(process.stdout, demoBanner(url, runtime.registry.tools.size, profile.demoKey));
}

async function stdio(profile: Loaded): Promise<void> {
  // stdout carries the protocol: every log line goes to stderr.
  const logger = createLogger({ destination: 'stderr' });
  const runtime = await Runtime.start(profile.config, logger);
  const { closed } = await serveStdio(runtime, {
    principal: LOCAL_PRINCIPAL,
    requestId: 'stdio',
    logger: logger.child({ transport: 'stdio' }),
  });
  const stop = async () => {
    await runtime.close();
    await profile.close();
    logger.flush();
  };
  process.stdin.on('end', () => {
    void stop().then(() => process.exit(0));
  });
  handleSignals(logger, stop);
  await closed;
  await stop();
}

function printTools(config: GatewayConfig, json: boolean): void {
  const registry = new Registry(config.connectors, config.tools);
  const rows = [...registry.tools.values()].map((entry) => ({
    name: entry.name,
    scopes: entry.scopes.join(','),
    access: entry.readOnly ? 'read' : 'write',
    title: entry.spec.title,
  }));
  if (json) {
    write(process.stdout, JSON.stringify(rows, null, 2));
    return;
  }
  const width = (key: 'name' | 'scopes' | 'access') =>
    Math.max(key.length, ...rows.map((row) => row[key].length));
  const [n, s, a] = [width('name'), width('scopes'), width('access')];
  const line = (name: string, scopes: string, access: string, title: string) =>
    `${name.padEnd(n)}  ${scopes.padEnd(s)}  ${access.padEnd(a)}  ${title}`;
  const out = [
    line('NAME', 'SCOPES', 'ACCESS', 'TITLE'),
    ...rows.map((r) => line(r.name, r.scopes, r.access, r.title)),
  ];
  for (const template of registry.resourceTemplates)
    out.push(`resource  ${template.uriTemplate}  ${template.scopes.join(',')}`);
  for (const prompt of registry.prompts.values())
    out.push(`prompt    ${prompt.name}  ${prompt.scopes.join(',')}`);
  write(process.stdout, out.join('\n'));
}

async function configCheck(file: string | undefined): Promise<void> {
  const path = configPath(file);
  const config = await loadConfigFile(path, { env: process.env, catalogue: CATALOGUE });
  const registry = new Registry(config.connectors, config.tools);
  for (const warning of registry.warnings) write(process.stderr, `warning: ${warning}`);
  write(
    process.stdout,
    `${path} is valid: ${config.connectors.length} connector instance(s), ${registry.tools.size} tools.`,
  );
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      demo: { type: 'boolean', default: false },
      'no-auth': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      name: { type: 'string' },
      scopes: { type: 'string' },
      expires: { type: 'string' },
      all: { type: 'boolean', default: false },
      principal: { type: 'string' },
      tool: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    write(process.stdout, USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }

  switch (command) {
    case 'serve': {
      const logger = createLogger({ destination: 'stdout' });
      await serve(await loadProfile({ config: values.config }), logger, false);
      return -1;
    }
    case 'demo': {
      const logger = createLogger({ destination: 'stderr' });
      await serve(await loadProfile({ demo: true, auth: !values['no-auth'] }), logger, true);
      return -1;
    }
    case 'stdio':
      await stdio(await loadProfile({ config: values.config, demo: values.demo }));
      return 0;
    case 'tools': {
      const profile = await loadProfile({ config: values.config, demo: values.demo });
      try {
        printTools(profile.config, values.json);
      } finally {
        await profile.close();
      }
      return 0;
    }
    case 'config':
      if (rest[0] !== 'check') throw new UsageError('Usage: switchboard config check [FILE]');
      await configCheck(rest[1] ?? values.config);
      return 0;
    case 'migrate': {
      const config = await loadAdminConfig(values.config);
      const logger = createLogger({ destination: 'stderr', level: process.env.LOG_LEVEL ?? 'warn' });
      const applied = await withStore(
        { ...config, database: { ...config.database, migrateOnStart: false } },
        logger,
        async (store) => (await store.migrate()).applied,
      );
      write(
        process.stdout,
        applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.join(', ')}`,
      );
      return 0;
    }
    case 'keys': {
      const config = await loadAdminConfig(values.config);
      const logger = createLogger({ destination: 'stderr', level: process.env.LOG_LEVEL ?? 'warn' });
      const pepper = config.auth?.apiKeys.pepper;
      const output = await withStore(config, logger, async (store) => {
        switch (rest[0]) {
          case 'create': {
            const created = await createKey(store, {
              name: values.name,
              scopes: parseScopes(values.scopes),
              expires: values.expires,
              pepper,
            });
            return [
              created.key,
              '',
              `API key "${created.name}" with scopes ${created.scopes.join(',')}${created.expiresAt ? `, expires ${created.expiresAt.toISOString()}` : ''}.`,
              'This is the only time the key is shown: store it in your secret manager now.',
              'Send it as: Authorization: Bearer <key>',
            ].join('\n');
          }
          case 'list':
            return listKeys(store, values.all);
          case 'revoke':
            return revokeKey(store, rest[1]);
          default:
            throw new UsageError('Usage: switchboard keys create|list|revoke (see switchboard --help)');
        }
      });
      write(process.stdout, output);
      return 0;
    }
    case 'audit': {
      const config = await loadAdminConfig(values.config);
      const logger = createLogger({ destination: 'stderr', level: process.env.LOG_LEVEL ?? 'warn' });
      const output = await withStore(config, logger, (store) =>
        queryAudit(store, {
          principal: values.principal,
          tool: values.tool,
          since: values.since,
          until: values.until,
          limit: values.limit,
          json: values.json,
        }),
      );
      write(process.stdout, output);
      return 0;
    }
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

/** Runs the CLI; a long-running command resolves to -1 and keeps the process alive. */
export async function run(argv: readonly string[]): Promise<void> {
  try {
    const code = await main(argv);
    if (code >= 0) process.exitCode = code;
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof RegistryError ||
      error instanceof UsageError ||
      error instanceof AdminError
    ) {
      write(process.stderr, `switchboard: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    if (
      error instanceof TypeError &&
      'code' in error &&
      typeof error.code === 'string' &&
      error.code.startsWith('ERR_PARSE_ARGS')
    ) {
      write(process.stderr, `switchboard: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    write(process.stderr, `switchboard: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
