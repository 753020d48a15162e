/** Something a test starts and has to close again: a sandbox, a connected harness, a server. */
export interface Closable {
  close(): Promise<unknown>;
}

/**
 * A test runner's hook registration: vitest's `beforeAll`, `afterAll`, `beforeEach` or `afterEach`.
 * Passed in, so that the kit depends on no test runner.
 */
export type TestHook = (run: () => Promise<void>) => unknown;

/**
 * What the tests of a block share: started by `start` in `before` (`beforeAll`, or `beforeEach` for
 * a fresh one per test) and closed in `after`. Tests read it through the returned function, which
 * throws when nothing is started (outside a test, or after a failed start) rather than hand out a
 * closed one.
 */
export function sharedFixture<T extends Closable>(
  before: TestHook,
  after: TestHook,
  start: () => Promise<T>,
): () => T {
  let current: T | undefined;
  before(async () => {
    current = await start();
  });
  after(async () => {
    const started = current;
    current = undefined;
    await started?.close();
  });
  return () => {
    if (current === undefined) throw new Error('test setup: the shared fixture is not started');
    return current;
  };
}

/**
 * Closes what a test starts once the test has ended, passed or failed, in place of a try/finally in
 * each test: `const track = closeAfterEach(afterEach)`, then `const h = track(await startHarness())`.
 */
export function closeAfterEach(after: TestHook): <T extends Closable>(started: T) => T {
  const open: Closable[] = [];
  after(async () => {
    await Promise.all(open.splice(0).map((started) => started.close()));
  });
  return (started) => {
    open.push(started);
    return started;
  };
}
