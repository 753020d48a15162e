import { type AnyZodObject, isToolError, type ToolError, type ToolSpec } from '@switchboard/kit';
import { testContext, testInstance } from '@switchboard/kit/testing';
import { type HubSpotSandbox, hubspotSandboxConfig } from '@switchboard/sandbox';
import type { z } from 'zod';
import type { HubSpotClient } from '../src/client.js';
import { HubSpotConfig } from '../src/config.js';
import { hubspotConnector } from '../src/index.js';

export const instance = testInstance('hubspot');

export interface Harness {
  client: HubSpotClient;
  config: HubSpotConfig;
}

/** The connector connected to a sandbox, as the gateway would mount it. */
export async function connect(
  sandbox: HubSpotSandbox,
  overrides: Partial<z.input<typeof HubSpotConfig>> = {},
) {
  const config = HubSpotConfig.parse({ ...hubspotSandboxConfig(sandbox), ...overrides });
  const { silentLogger } = await import('@switchboard/kit/testing');
  const client = await hubspotConnector.connect(config, { logger: silentLogger(), instance });
  return { client, config };
}

/**
 * Calls a tool as the gateway does: input parsed by the tool's schema, the handler under the tool's
 * deadline (or `signal`), the output validated by the output schema.
 */
export async function callTool<I extends AnyZodObject, O extends AnyZodObject>(
  harness: Harness,
  tool: ToolSpec<HubSpotClient, HubSpotConfig, I, O>,
  input: z.input<I>,
  signal: AbortSignal = AbortSignal.timeout(tool.timeoutMs ?? 10_000),
): Promise<z.output<O>> {
  const parsed = tool.input.parse(input);
  const output = await tool.handler(
    parsed,
    testContext(harness.client, harness.config, { instance, signal }),
  );
  return tool.output.parse(output);
}

/** The ToolError a promise rejects with (fails the test when it resolves or throws something else). */
export async function toolError(promise: Promise<unknown>): Promise<ToolError> {
  const outcome = await promise.then(
    () => new Error('expected a ToolError, but the call succeeded'),
    (error: unknown) => error,
  );
  if (!isToolError(outcome)) throw outcome;
  return outcome;
}
