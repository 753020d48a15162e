import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const GATEWAY_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** How tests run the CLI from source, exactly as `pnpm switchboard` does. */
export const CLI_ARGS = ['--import', 'tsx', '--conditions=development', 'src/cli.ts'];

export function runCli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [...CLI_ARGS, ...args], {
    cwd: GATEWAY_DIR,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export { spawn };

/** process.env without unset entries, as child-process APIs that take Record<string, string> want. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return { ...env, ...extra };
}

/**
 * The `connectors:` section of a configuration file mounting one Zendesk instance on a sandbox, its
 * token read from `ZENDESK_API_TOKEN` as in production.
 */
export function zendeskConnectorYaml(sandbox: { url: string; email: string }): string[] {
  return [
    'connectors:',
    '  - package: zendesk',
    '    config:',
    `      baseUrl: ${sandbox.url}`,
    `      email: ${sandbox.email}`,
    '      apiToken: ${ZENDESK_API_TOKEN}',
  ];
}

/** A `switchboard serve` child process, its combined output and its exit code. */
export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
  /** The MCP URL once the process logs it (rejects if the process exits first). */
  url(): Promise<string>;
}

/** Runs `switchboard serve --config <path>` from source, collecting stdout and stderr. */
export function serve(configPath: string, env: Record<string, string>): ServeProcess {
  const child = spawn(process.execPath, [...CLI_ARGS, 'serve', '--config', configPath], {
    cwd: GATEWAY_DIR,
    env: childEnv({ LOG_LEVEL: 'info', ...env }),
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    // Bounded by the calling test's timeout, not by a clock of its own.
    async url() {
      for (;;) {
        const url = /"url":"(http:\/\/[^"]+\/mcp)"/.exec(output)?.[1];
        if (url !== undefined) return url;
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`switchboard serve did not start:\n${output}`);
        }
        // Until the process writes or exits, whichever comes first.
        await new Promise<void>((resolve) => {
          const next = () => {
            child.stdout.off('data', next);
            child.stderr.off('data', next);
            child.off('exit', next);
            resolve();
          };
          child.stdout.on('data', next);
          child.stderr.on('data', next);
          child.on('exit', next);
        });
      }
    },
  };
}
