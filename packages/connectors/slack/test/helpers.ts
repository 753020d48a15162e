import type { AnyZodObject, ToolContext, ToolError, ToolSpec } from '@switchboard/kit';
import { isToolError } from '@switchboard/kit';
import { silentLogger, testContext, testInstance } from '@switchboard/kit/testing';
import {
  type SlackSandbox,
  type SlackSandboxConnectorConfig,
  type SlackSandboxOptions,
  slackSandboxConfig,
  startSlackSandbox,
} from '@switchboard/sandbox';
import type { z } from 'zod';
import { type SlackClient, SlackConfig, slackConnector } from '../src/index.js';

export const instance = testInstance('slack');

export interface Harness {
  sandbox: SlackSandbox;
  client: SlackClient;
  config: SlackConfig;
  /** Calls a tool as the gateway does: input parsed, handler run, output validated. */
  run<I extends AnyZodObject, O extends AnyZodObject>(
    tool: ToolSpec<SlackClient, SlackConfig, I, O>,
    input: z.input<I>,
    options?: { signal?: AbortSignal },
  ): Promise<z.output<O>>;
  close(): Promise<void>;
}

export async function connect(
  sandbox: SlackSandbox,
  overrides: Partial<SlackSandboxConnectorConfig> &
    Partial<Omit<z.input<typeof SlackConfig>, 'userToken'>> = {},
): Promise<{
  client: SlackClient;
  config: SlackConfig;
  context(signal?: AbortSignal): ToolContext<SlackClient, SlackConfig>;
}> {
  const config = SlackConfig.parse({ ...slackSandboxConfig(sandbox), ...overrides });
  const client = await slackConnector.connect(config, { logger: silentLogger(), instance });
  return {
    client,
    config,
    context: (signal) =>
      testContext(client, config, { instance, ...(signal === undefined ? {} : { signal }) }),
  };
}

export async function harness(
  options: SlackSandboxOptions = {},
  overrides: Parameters<typeof connect>[1] = {},
): Promise<Harness> {
  const sandbox = await startSlackSandbox({ rateLimits: false, ...options });
  const { client, config, context } = await connect(sandbox, overrides);
  return {
    sandbox,
    client,
    config,
    async run(tool, input, runOptions = {}) {
      const parsed = tool.input.parse(input);
      const output = await tool.handler(parsed, context(runOptions.signal));
      return tool.output.parse(output);
    },
    close: () => sandbox.close(),
  };
}

/** The ToolError a promise rejects with (fails the test if it resolves or throws something else). */
export async function toolError(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    if (isToolError(error)) return error;
    throw error;
  }
  throw new Error('expected a ToolError, but the call succeeded');
}
