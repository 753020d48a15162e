import type { ToolContext, UpstreamHooks } from '@switchboard/kit';
import { testConnect, testContext, testInstance } from '@switchboard/kit/testing';
import {
  type SalesforceSandbox,
  type SalesforceSandboxOptions,
  startSalesforceSandbox,
} from '@switchboard/sandbox';
import type { z } from 'zod';
import type { SalesforceClient, SalesforceConfig } from '../src/index.js';
import { salesforce, salesforceConnector } from '../src/index.js';
import { sandboxConfig } from '../src/testing.js';

export const instance = testInstance('salesforce');

export interface Harness {
  sandbox: SalesforceSandbox;
  config: SalesforceConfig;
  client: SalesforceClient;
  /** A handler context whose upstream runs the connector's profile (with `hooks`, if given). */
  ctx(overrides?: {
    signal?: AbortSignal;
    hooks?: UpstreamHooks;
  }): ToolContext<SalesforceClient, SalesforceConfig>;
  close(): Promise<void>;
}

type Overrides = Partial<z.input<typeof SalesforceConfig>>;

/** The connector connected to a sandbox, as the gateway would build it from the sandbox config. */
export function connect(sandbox: SalesforceSandbox, overrides: Overrides = {}) {
  return testConnect(salesforceConnector, { ...sandboxConfig(sandbox), ...overrides }, instance);
}

/** A sandbox and a connected client, as the gateway would build them from the sandbox config. */
export async function startHarness(
  options: SalesforceSandboxOptions = {},
  overrides: Overrides = {},
): Promise<Harness> {
  const sandbox = await startSalesforceSandbox(options);
  const { config, client } = await connect(sandbox, overrides);
  return {
    sandbox,
    config,
    client,
    ctx: (overrides = {}) =>
      testContext(client, config, { instance, connector: salesforce.spec, ...overrides }),
    close: () => sandbox.close(),
  };
}
