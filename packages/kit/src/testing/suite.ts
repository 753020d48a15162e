import type { Connector } from '../connector.js';
import {
  contractProblems,
  pageLimitProblems,
  type ReadWriteConventions,
  readWriteProblems,
} from './contract.js';
import { type ReadmePolicyOptions, readmePolicyProblems, readmeProblems } from './readme.js';

/** A test runner's `describe` and `it` (vitest's), passed in so that the kit depends on no runner. */
export interface TestRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => void): void;
}

export interface ConnectorRulesOptions {
  /** The text of the connector's README. */
  readme: string;
  /** The largest page a tool's `limit` accepts; the README states it as `at most <maxPage>`. */
  maxPage: number;
  conventions: ReadWriteConventions;
  /** How the README states the policies of tools, where it differs from the usual. */
  readmePolicy?: ReadmePolicyOptions;
  /** Further limits of the code the README must state, each as text it contains. */
  readmeStates?: readonly string[];
}

/** Fails the test with every problem named, when there are any. */
function noProblems(problems: readonly string[]): void {
  if (problems.length > 0) throw new Error(`${problems.length} problem(s):\n${problems.join('\n')}`);
}

/**
 * The tests every connector runs on what it declares and documents: the contract rules, the page
 * cap, the conventions of reads and writes, and a README that documents exactly the tools, resources
 * and configuration fields there are, with the scopes, cache TTLs and limits the code uses.
 */
export function connectorRulesSuite<Client, Config>(
  runner: TestRunner,
  connector: Connector<Client, Config>,
  options: ConnectorRulesOptions,
): void {
  runner.describe('contract rules', () => {
    runner.it('keeps the contract rules every connector keeps', () =>
      noProblems(contractProblems(connector)),
    );

    runner.it(`refuses a page larger than ${options.maxPage}`, () =>
      noProblems(pageLimitProblems(connector, options.maxPage)),
    );

    runner.it(
      'keeps reads read-only and cached, writes uncached and invalidating, each under its scopes',
      () => noProblems(readWriteProblems(connector, options.conventions)),
    );
  });

  runner.describe('README', () => {
    runner.it('documents every tool, resource and configuration field, and nothing that does not exist', () =>
      noProblems(readmeProblems(connector, options.readme)),
    );

    runner.it('states the page cap, the scopes, each cache TTL and the limits the code uses', () => {
      const states = [`at most ${options.maxPage}`, ...(options.readmeStates ?? [])];
      noProblems([
        ...states
          .filter((text) => !options.readme.includes(text))
          .map((text) => `the README does not say "${text}"`),
        ...readmePolicyProblems(connector, options.readme, options.readmePolicy),
      ]);
    });
  });
}
