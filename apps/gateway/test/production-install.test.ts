import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

/** Credentials the vendor emulators accept: none may ship in a production install. */
const DEMO_CREDENTIALS = [
  'pat-na1-00000000-sandbox-switchboard',
  'sandbox-client-secret',
  'sandbox-password',
  'sandbox-zendesk-api-token',
  'xoxb-sandbox-bot-token',
  'xoxp-sandbox-user-token',
];

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * The production install the image ships: `pnpm deploy --prod` of the gateway after a build, exactly
 * as infra/Dockerfile makes it.
 */
describe('the production install (pnpm deploy --prod, as the image)', () => {
  let target: string;

  beforeAll(async () => {
    target = await mkdtemp(join(tmpdir(), 'switchboard-deploy-'));
    await run(
      'pnpm',
      ['exec', 'turbo', 'run', 'build', '--filter=@switchboard/gateway', '--output-logs=errors-only'],
      {
        cwd: root,
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
      },
    );
    await run(
      'pnpm',
      ['--filter', '@switchboard/gateway', 'deploy', '--prod', '--prefer-offline', join(target, 'app')],
      {
        cwd: root,
      },
    );
  }, 600_000);
  afterAll(async () => {
    if (target) await rm(target, { recursive: true, force: true });
  });

  it('contains neither the vendor emulators nor the demo world', async () => {
    const app = join(target, 'app');
    const modules = await readdir(join(app, 'node_modules', '.pnpm'));
    expect(modules.filter((name) => /@switchboard\+(sandbox|demo)@/.test(name))).toEqual([]);
    const scoped = await readdir(join(app, 'node_modules', '@switchboard'));
    expect(scoped).toContain('kit');
    expect(scoped).not.toContain('sandbox');
    expect(scoped).not.toContain('demo');
    // The install is built: the check below reads real code, not an empty tree.
    expect((await stat(join(app, 'dist', 'cli.js'))).isFile()).toBe(true);
  });

  it('carries no demo credential in any file', async () => {
    const found: string[] = [];
    for await (const path of files(join(target, 'app'))) {
      if (!/\.(js|cjs|mjs|json|ts|yaml|md)$/.test(path)) continue;
      const text = await readFile(path, 'utf8');
      for (const credential of DEMO_CREDENTIALS)
        if (text.includes(credential)) found.push(`${path}: ${credential}`);
    }
    expect(found).toEqual([]);
  });

  it('refuses the demo with a message that says where it lives', async () => {
    const failed = await run(process.execPath, [join(target, 'app', 'bin', 'switchboard.js'), 'demo'], {
      cwd: target,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent' },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toMatchObject({ code: 1 });
    expect(String((failed as { stderr?: unknown }).stderr)).toContain(
      'The demo profile is not part of this installation',
    );
  }, 60_000);
});
