import { describe, it } from 'vitest';

/**
 * Declares `suite`, tests that need the machine's PostgreSQL, when a server answers (`available`).
 * Otherwise a run under CI=true fails, since CI requires them, and elsewhere a loud note and a skipped
 * placeholder test say that `what` (e.g. "the store suite") did not run.
 */
export function whenPostgres(available: boolean, what: string, suite: () => void): void {
  if (available) {
    suite();
    return;
  }
  if (process.env.CI === 'true') {
    throw new Error(
      `PostgreSQL is not reachable at DATABASE_URL or 127.0.0.1:5432, and CI=true requires the PostgreSQL run of ${what}.`,
    );
  }
  process.stderr.write(
    `\n*** SKIPPED: ${what} against a real PostgreSQL. No server answers at DATABASE_URL or ` +
      '127.0.0.1:5432 (user postgres). Start one to run it; CI=true makes this a failure. ***\n\n',
  );
  describe.skip(`${what} on PostgreSQL (server not reachable)`, () => {
    it('needs a PostgreSQL server', () => {});
  });
}
