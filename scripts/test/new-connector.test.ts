import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compareNames, connectorFiles, nameProblem, nextSteps, scaffold } from '../src/new-connector.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const trees: string[] = [];

afterAll(() => {
  for (const tree of trees.splice(0)) rmSync(tree, { recursive: true, force: true });
});

/** A throwaway tree shaped like the repository, resolving packages to the real ones. */
function repoTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'switchboard-scaffold-'));
  trees.push(root);
  for (const file of ['package.json', 'tsconfig.base.json', 'vitest.shared.ts', 'biome.json', '.gitignore'])
    cpSync(join(REPO, file), join(root, file));
  symlinkSync(join(REPO, 'test-support'), join(root, 'test-support'));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  return root;
}

function link(from: string, to: string): void {
  mkdirSync(dirname(from), { recursive: true });
  symlinkSync(realpathSync(to), from);
}

/** The generated suite: 3 contract tests and 10 tests of requests and failures against the emulator. */
const EXPECTED_TESTS = { 'contract.test.ts': 3, 'upstream.test.ts': 10 };

describe('pnpm new:connector', () => {
  it('scaffolds a package that compiles and whose generated suite passes in full against its emulator', () => {
    const root = repoTree();
    const written = scaffold({ name: 'pipedrive', category: 'crm', root });
    expect(written.sort()).toEqual(
      [
        'README.md',
        'package.json',
        'src/client.ts',
        'src/config.ts',
        'src/connector.ts',
        'src/index.ts',
        'src/testing.ts',
        'src/tools.ts',
        'test/contract.test.ts',
        'test/emulator.ts',
        'test/upstream.test.ts',
        'tsconfig.build.json',
        'tsconfig.json',
        'vitest.config.ts',
      ]
        .map((file) => `packages/connectors/pipedrive/${file}`)
        .sort(),
    );
    const dir = join(root, 'packages/connectors/pipedrive');
    link(join(dir, 'node_modules/@switchboard/kit'), join(REPO, 'packages/kit'));
    link(join(dir, 'node_modules/@switchboard/sandbox'), join(REPO, 'packages/sandbox'));
    link(join(dir, 'node_modules/zod'), join(REPO, 'packages/kit/node_modules/zod'));
    link(join(dir, 'node_modules/vitest'), join(REPO, 'node_modules/vitest'));

    const tsc = join(REPO, 'node_modules/typescript/bin/tsc');
    const compiled = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
      encoding: 'utf8',
    });
    expect(compiled.status, `${compiled.stdout}${compiled.stderr}`).toBe(0);

    const vitest = join(REPO, 'node_modules/vitest/vitest.mjs');
    const reportFile = join(root, 'vitest-report.json');
    const { SWITCHBOARD_TEST_REPORT: _report, ...env } = process.env;
    const run = spawnSync(
      process.execPath,
      [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`],
      {
        cwd: dir,
        encoding: 'utf8',
        // Not CI: the first run writes the contract snapshot, as it does for the developer.
        env: { ...env, CI: '' },
      },
    );
    const output = `${run.stdout}${run.stderr}`;
    // On a failure, vitest's own report names the failing tests and their messages.
    expect(run.status, output).toBe(0);
    const report: unknown = JSON.parse(readFileSync(reportFile, 'utf8'));
    const total = Object.values(EXPECTED_TESTS).reduce((sum, count) => sum + count, 0);
    expect(report).toMatchObject({
      numTotalTests: total,
      numPassedTests: total,
      numFailedTests: 0,
      numPendingTests: 0,
      numTodoTests: 0,
    });
    const passed = { status: 'passed' };
    expect(report).toMatchObject({
      testResults: expect.arrayContaining(
        Object.entries(EXPECTED_TESTS).map(([file, count]) =>
          expect.objectContaining({
            name: expect.stringContaining(`/test/${file}`),
            assertionResults: Array.from({ length: count }, () => expect.objectContaining(passed)),
          }),
        ),
      ),
    });
    expect(readFileSync(join(dir, 'test/__snapshots__/contract.test.ts.snap'), 'utf8')).toContain(
      '"name": "pipedrive__get_record"',
    );
  }, 180_000);

  it('writes code that passes biome check, whatever the name and category', () => {
    const root = repoTree();
    const names = [
      ['pipedrive', 'crm'],
      ['ab', 'other'],
      ['x9', 'erp'],
      ['zoho_crm', 'crm'],
      ['a1_b22_c3', 'support'],
      ['abcdefghijklmnopqrst', 'support'],
      ['ab_cd_ef_gh_ij_kl_mn', 'other'],
    ] as const;
    let written = 0;
    for (const [name, category] of names) written += scaffold({ name, category, root }).length;
    const biome = join(REPO, 'node_modules/@biomejs/biome/bin/biome');
    const result = spawnSync(process.execPath, [biome, 'check', 'packages'], { cwd: root, encoding: 'utf8' });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status, output).toBe(0);
    expect(output).toContain(`Checked ${written} files`);
  }, 60_000);

  it('builds the package on the upstream seam: profile, rules, fetch helper, readiness check, emulator', () => {
    const files = connectorFiles({ name: 'zoho_crm', category: 'crm' });
    const at = (path: string) => files[`packages/connectors/zoho_crm/${path}`] ?? '';
    expect(at('src/client.ts')).toContain(
      'export function zohoCrmProfile(config: ZohoCrmConfig): UpstreamProfile',
    );
    expect(at('src/client.ts')).toContain('export function zohoCrmFetch<S extends z.ZodType>(');
    expect(at('src/client.ts')).toMatch(/status: 401,\s+means: 'auth',[\s\S]*fix its apiToken/);
    expect(at('src/connector.ts')).toContain('upstream: zohoCrmProfile,');
    expect(at('src/connector.ts')).toContain('maxRetryWaitMs: 0');
    expect(at('src/tools.ts')).toContain("scopes: ['crm:read'],");
    expect(at('src/tools.ts')).not.toMatch(/\bfetch\(|\bas\b|\bany\b/);
    expect(at('src/index.ts')).toContain('export const zohoCrmConnector = zohoCrm.build();');
    expect(at('test/emulator.ts')).toContain("published API description, not this connector's expectations");
    expect(at('test/emulator.ts')).toContain('startZohoCrmSandbox');
    expect(at('README.md')).toMatch(/apiToken: \$\{ZOHO_CRM_API_TOKEN\}/);
    expect(connectorFiles({ name: 'pipedrive', category: 'other' })).toMatchObject({
      'packages/connectors/pipedrive/src/tools.ts': expect.stringContaining("scopes: ['pipedrive:read'],"),
    });
  });

  it('refuses a bad name and an existing package', () => {
    const root = repoTree();
    for (const bad of ['Pipe Drive', 'p', 'pipe__drive', 'pipedrive_', '9lives', 'a_name_far_too_long_x']) {
      expect(() => scaffold({ name: bad, category: 'crm', root }), bad).toThrow('The name must be');
    }
    expect(nameProblem('delete')).toContain('reserved word');
    expect(nameProblem('zoho_crm')).toBeUndefined();
    scaffold({ name: 'pipedrive', category: 'crm', root });
    expect(() => scaffold({ name: 'pipedrive', category: 'crm', root })).toThrow('exists already');
  });

  it('sorts import names as biome does and prints the remaining steps', () => {
    const sorted = ['zendesk', 'createClient', 'ZendeskConfig', 'type ZendeskClient', 'ZENDESK_FAILURES'];
    expect(sorted.sort(compareNames)).toEqual([
      'createClient',
      'ZENDESK_FAILURES',
      'type ZendeskClient',
      'ZendeskConfig',
      'zendesk',
    ]);
    const steps = nextSteps('zoho_crm', 14);
    for (const step of ['packages/sandbox', 'startZohoCrmSandbox', 'packages/demo', 'apps/gateway']) {
      expect(steps).toContain(step);
    }
  });
});
