import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * One test configuration for every package. Workspace packages resolve to their TypeScript sources
 * (the `development` export condition), so tests need no build. With SWITCHBOARD_TEST_REPORT set to
 * a directory, each package also writes a JSON report there (CI sums them into one closing line).
 */
const reportDir = process.env.SWITCHBOARD_TEST_REPORT;
const packageName = process.cwd().split('/').slice(-2).join('-');

export default defineConfig({
  resolve: { conditions: ['development'] },
  ssr: { resolve: { conditions: ['development'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: [fileURLToPath(new URL('./test-support/network-guard.ts', import.meta.url))],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: reportDir
      ? ['default', ['json', { outputFile: join(reportDir, `${packageName}.json`) }]]
      : ['default'],
  },
});
