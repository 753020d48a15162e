import type { AnyZodObject, ToolContext, ToolSpec, Upstream, UpstreamHooks } from '@switchboard/kit';
import { callTool, testConnect, testContext, testInstance } from '@switchboard/kit/testing';
import {
  resolveAsOf,
  type SlackSandbox,
  type SlackSandboxOptions,
  startSlackSandbox,
} from '@switchboard/sandbox';
import type { z } from 'zod';
import { type SlackClient, type SlackConfig, slackConnector } from '../src/index.js';
import { sandboxConfig } from '../src/testing.js';

export const instance = testInstance('slack');

/** The day the tests compute their expectations at, and every sandbox they start dates its data from. */
export const asOf = resolveAsOf();

/** How one call runs: its signal, and hooks or a whole upstream (for injected clocks). */
export interface CallSetup {
  signal?: AbortSignal;
  hooks?: UpstreamHooks;
  upstream?: Upstream;
}

export interface Connected {
  client: SlackClient;
  config: SlackConfig;
  context(setup?: CallSetup): ToolContext<SlackClient, SlackConfig>;
}

export interface Harness extends Connected {
  sandbox: SlackSandbox;
  /** Calls a tool as the gateway does: input parsed, handler run, output validated. */
  run<I extends AnyZodObject, O extends AnyZodObject>(
    tool: ToolSpec<SlackClient, SlackConfig, I, O>,
    input: z.input<I>,
    setup?: CallSetup,
  ): Promise<z.output<O>>;
  close(): Promise<void>;
}

export async function connect(
  sandbox: SlackSandbox,
  overrides: Partial<z.input<typeof SlackConfig>> = {},
): Promise<Connected> {
  const { client, config } = await testConnect(
    slackConnector,
    { ...sandboxConfig(sandbox), ...overrides },
    instance,
  );
  return {
    client,
    config,
    context: (setup = {}) =>
      testContext(client, config, {
        instance,
        connector: slackConnector,
        ...(setup.signal === undefined ? {} : { signal: setup.signal }),
        ...(setup.hooks === undefined ? {} : { hooks: setup.hooks }),
        ...(setup.upstream === undefined ? {} : { upstream: setup.upstream }),
      }),
  };
}

export async function harness(
  options: SlackSandboxOptions = {},
  overrides: Partial<z.input<typeof SlackConfig>> = {},
): Promise<Harness> {
  const sandbox = await startSlackSandbox({ asOf, rateLimits: false, ...options });
  const connected = await connect(sandbox, overrides);
  return {
    ...connected,
    sandbox,
    run: (tool, input, setup) => callTool(tool, input, connected.context(setup)),
    close: () => sandbox.close(),
  };
}
