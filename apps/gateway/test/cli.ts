import { spawn, spawnSync } from 'node:child_process';
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
