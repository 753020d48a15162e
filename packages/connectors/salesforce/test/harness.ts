import type { AnyZodObject, ToolContext, ToolError, ToolSpec } from '@switchboard/kit';
import { isToolError } from '@switchboard/kit';
import { silentLogger, testContext, testInstance } from '@switchboard/kit/testing';
import {
  type SalesforceSandbox,
  type SalesforceSandboxOptions,
  salesforceSandboxConfig,
  startSalesforceSandbox,
} from '@switchboard/sandbox';
import type { z } from 'zod';
import { type SalesforceClient, SalesforceConfig, salesforceConnector } from '../src/index.js';

export const instance = testInstance('salesforce');

export interface Harness {
  sandbox: SalesforceSandbox;
  config: SalesforceConfig;
  client: SalesforceClient;
  ctx(
    overrides?: Partial<Pick<ToolContext<SalesforceClient, SalesforceConfig>, 'signal'>>,
  ): ToolContext<SalesforceClient, SalesforceConfig>;
  close(): Promise<void>;
}

/** A sandbox and a connected client, as the gateway would build them from the sandbox config. */
export async function startHarness(
  options: SalesforceSandboxOptions = {},
  overrides: Partial<z.input<typeof SalesforceConfig>> = {},
): Promise<Harness> {
  const sandbox = await startSalesforceSandbox(options);
  const config = SalesforceConfig.parse({ ...salesforceSandboxConfig(sandbox), ...overrides });
  const client = await salesforceConnector.connect(config, { logger: silentLogger(), instance });
  return {
    sandbox,
    config,
    client,
    ctx: (ctxOverrides = {}) => testContext(client, config, { instance, ...ctxOverrides }),
    close: () => sandbox.close(),
  };
}

/** Calls a tool as the gateway does: input schema, handler, output schema. */
export async function callTool<I extends AnyZodObject, O extends AnyZodObject>(
  harness: Harness,
  tool: ToolSpec<SalesforceClient, SalesforceConfig, I, O>,
  input: z.input<I>,
  signal?: AbortSignal,
): Promise<z.output<O>> {
  const parsed = tool.input.parse(input);
  const output = await tool.handler(parsed, harness.ctx(signal ? { signal } : {}));
  return tool.output.parse(output);
}

export async function toolError(promise: Promise<unknown>): Promise<ToolError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isToolError(error)) throw new Error(`expected a ToolError, got ${String(error)}`);
  return error;
}
