import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildApp, LOCAL_PRINCIPAL } from './app.js';
import { ConfigError, type GatewayConfig, loadConfigFile } from './config.js';
import { CATALOGUE } from './connectors.js';
import { demoBanner, startDemoProfile } from './demo.js';
import { Lifecycle } from './lifecycle.js';
import { createLogger, type GatewayLogger } from './logger.js';
import { serveStdio } from './mcp.js';
import { isLoopbackHost } from './plugins/origin.js';
import { Registry, RegistryError } from './registry.js';
import { Runtime } from './runtime.js';

const USAGE = `Usage: switchboard <command> [options]

Commands:
  serve [--config FILE]            Serve the catalogue over Streamable HTTP at /mcp.
  demo                             Serve the demo profile: embedded sandboxes, no setup.
  stdio [--config FILE | --demo]   Serve the catalogue over stdin/stdout.
  tools [--config FILE | --demo] [--json]
                                   Print the namespaced catalogue.
  config check [FILE]              Validate a configuration file.

The configuration file defaults to $SWITCHBOARD_CONFIG, then ./switchboard.yaml.
HOST and PORT override server.host and server.port.`;

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
  close(): Promise<void>;
}

async function loadProfile(options: { config?: string; demo?: boolean }): Promise<Loaded> {
  if (options.demo) {
    if (options.config !== undefined) throw new UsageError('Pass either --config or --demo, not both.');
    return startDemoProfile(process.env);
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
  if (!isLoopbackHost(server.host)) {
    await profile.close();
    throw new UsageError(
      `Refusing to listen on ${server.host}: authentication is not configured, so the gateway only binds a loopback address (127.0.0.1, ::1, localhost).`,
    );
  }
  const runtime = await Runtime.start(profile.config, logger);
  const lifecycle = new Lifecycle();
  const app = await buildApp({ runtime, logger, lifecycle });
  handleSignals(logger, async () => {
    lifecycle.shuttingDown = true;
    const force = setTimeout(() => {
      logger.error({ graceMs: server.shutdownGraceMs }, 'grace period over: exiting');
      process.exit(1);
    }, server.shutdownGraceMs);
    force.unref();
    await app.close();
    await runtime.close();
    await profile.close();
    logger.flush();
  });
  const address = await app.listen({ host: server.host, port: server.port });
  const url = `${address}/mcp`;
  logger.info({ url }, 'listening');
  if (banner) write(process.stdout, demoBanner(url, runtime.registry.tools.size));
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
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
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
      await serve(await loadProfile({ demo: true }), logger, true);
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
    if (error instanceof ConfigError || error instanceof RegistryError || error instanceof UsageError) {
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
