import type { ToolContext, UpstreamHooks } from '@switchboard/kit';
import { testConnect, testContext, testInstance } from '@switchboard/kit/testing';
import type { ZendeskSandbox, ZendeskSandboxOptions } from '@switchboard/sandbox';
import { startZendeskSandbox } from '@switchboard/sandbox';
import type { z } from 'zod';
import type { ZendeskClient } from '../src/index.js';
import { type ZendeskConfig, zendesk, zendeskConnector } from '../src/index.js';
import { sandboxConfig } from '../src/testing.js';

export type Ctx = ToolContext<ZendeskClient, ZendeskConfig>;

export const instance = testInstance('zendesk');

export interface Harness {
  sandbox: ZendeskSandbox;
  config: ZendeskConfig;
  client: ZendeskClient;
  ctx: Ctx;
  /** A context of this instance with other upstream hooks or signal (each call builds its upstream). */
  context(options?: { hooks?: UpstreamHooks; signal?: AbortSignal }): Ctx;
  close(): Promise<void>;
}

/** A client and config of this connector pointed at a sandbox, with config overrides. */
export function connectTo(
  sandbox: ZendeskSandbox,
  overrides: Partial<z.input<typeof ZendeskConfig>> = {},
): Promise<{ config: ZendeskConfig; client: ZendeskClient }> {
  return testConnect(zendeskConnector, { ...sandboxConfig(sandbox), ...overrides }, instance);
}

/** A sandbox and a connector instance pointed at it, as the demo profile mounts it. */
export async function startHarness(
  options: ZendeskSandboxOptions = {},
  overrides: Partial<z.input<typeof ZendeskConfig>> = {},
): Promise<Harness> {
  const sandbox = await startZendeskSandbox(options);
  const { config, client } = await connectTo(sandbox, overrides);
  const context = (extra: { hooks?: UpstreamHooks; signal?: AbortSignal } = {}): Ctx =>
    testContext(client, config, { instance, connector: zendesk.spec, ...extra });
  return { sandbox, config, client, ctx: context(), context, close: () => sandbox.close() };
}
