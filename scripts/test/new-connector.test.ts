import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scaffold } from '../src/new-connector.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** A throwaway tree shaped like the repository, resolving packages to the real ones. */
function sandboxTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'switchboard-scaffold-'));
  for (const file of ['package.json', 'tsconfig.base.json', 'vitest.shared.ts'])
    cpSync(join(REPO, file), join(root, file));
  symlinkSync(join(REPO, 'test-support'), join(root, 'test-support'));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  return root;
}

function link(from: string, to: string): void {
  mkdirSync(dirname(from), { recursive: true });
  symlinkSync(realpathSync(to), from);
}

describe('pnpm new:connector', () => {
  it('scaffolds a package whose example compiles and whose contract test passes', () => {
    const root = sandboxTree();
    const written = scaffold({ name: 'pipedrive', category: 'crm', root });
    expect(written).toContain('packages/connectors/pipedrive/src/tools.ts');
    const dir = join(root, 'packages/connectors/pipedrive');
    link(join(dir, 'node_modules/@switchboard/kit'), join(REPO, 'packages/kit'));
    link(join(dir, 'node_modules/zod'), join(REPO, 'packages/kit/node_modules/zod'));
    link(join(dir, 'node_modules/vitest'), join(REPO, 'node_modules/vitest'));

    const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { stdio: 'pipe' });
    const vitest = join(REPO, 'node_modules/vitest/vitest.mjs');
    const output = execFileSync(process.execPath, [vitest, 'run'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: '' },
    });
    expect(output).toMatch(/3 passed/);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('`get_record`');
  }, 120_000);

  it('refuses a bad name and an existing package', () => {
    const root = sandboxTree();
    expect(() => scaffold({ name: 'Pipe Drive', category: 'crm', root })).toThrow('The name must match');
    scaffold({ name: 'pipedrive', category: 'crm', root });
    expect(() => scaffold({ name: 'pipedrive', category: 'crm', root })).toThrow('exists already');
  });
});
