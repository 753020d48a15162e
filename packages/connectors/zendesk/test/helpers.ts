import type { AnyZodObject, ToolContext, ToolSpec } from '@switchboard/kit';
import { ToolError } from '@switchboard/kit';
import { silentLogger, testContext, testInstance } from '@switchboard/kit/testing';
import type { ZendeskSandbox, ZendeskSandboxOptions } from '@switchboard/sandbox';
import { startZendeskSandbox, zendeskSandboxConfig } from '@switchboard/sandbox';
import type { z } from 'zod';
import type { ZendeskClient } from '../src/index.js';
import { ZendeskConfig, zendeskConnector } from '../src/index.js';

export type Ctx = ToolContext<ZendeskClient, ZendeskConfig>;

export const instance = testInstance('zendesk');

export interface Harness {
  sandbox: ZendeskSandbox;
  config: ZendeskConfig;
  client: ZendeskClient;
  ctx: Ctx;
  close(): Promise<void>;
}

/** A sandbox and a connector instance pointed at it, as the demo profile mounts it. */
export async function startHarness(
  options: ZendeskSandboxOptions = {},
  overrides: Partial<z.input<typeof ZendeskConfig>> = {},
): Promise<Harness> {
  const sandbox = await startZendeskSandbox(options);
  const config = ZendeskConfig.parse({ ...zendeskSandboxConfig(sandbox), ...overrides });
  const client = await zendeskConnector.connect(config, { logger: silentLogger(), instance });
  return {
    sandbox,
    config,
    client,
    ctx: testContext(client, config, { instance }),
    close: () => sandbox.close(),
  };
}

/** Calls a tool as the gateway does: input parsed by its schema, output validated by its schema. */
export async function call<I extends AnyZodObject, O extends AnyZodObject>(
  tool: ToolSpec<ZendeskClient, ZendeskConfig, I, O>,
  raw: z.input<I>,
  ctx: Ctx,
): Promise<z.output<O>> {
  const input = tool.input.parse(raw);
  return tool.output.parse(await tool.handler(input, ctx));
}

/** The ToolError a promise rejects with (fails the test when it resolves or throws anything else). */
export async function toolError(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ToolError) return error;
    throw new Error(`expected a ToolError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a ToolError, but the call succeeded');
}

export function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`missing ${what}`);
  return value;
}
