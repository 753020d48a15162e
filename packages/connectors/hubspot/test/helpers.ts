import type { ToolContext, Upstream, UpstreamHooks } from '@switchboard/kit';
import { sharedFixture, testConnect, testContext, testInstance } from '@switchboard/kit/testing';
import { type Dataset, type HubSpotSandbox, startHubSpotSandbox } from '@switchboard/sandbox';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { z } from 'zod';
import type { HubSpotClient } from '../src/client.js';
import type { HubSpotConfig } from '../src/config.js';
import { hubspot, hubspotConnector } from '../src/index.js';
import { sandboxConfig } from '../src/testing.js';

export const instance = testInstance('hubspot');

export interface Harness {
  client: HubSpotClient;
  config: HubSpotConfig;
}

/** The connector connected to a sandbox, as the gateway would mount it. */
export function connect(
  sandbox: HubSpotSandbox,
  overrides: Partial<z.input<typeof HubSpotConfig>> = {},
): Promise<Harness> {
  return testConnect(hubspotConnector, { ...sandboxConfig(sandbox), ...overrides }, instance);
}

/** A harness that owns the sandbox it is connected to. */
export interface SandboxHarness extends Harness {
  sandbox: HubSpotSandbox;
  close(): Promise<void>;
}

/**
 * A sandbox on `dataset` and the connector connected to it, shared by the tests of a file; each test
 * starts with an empty request log, no faults and fresh rate limits.
 */
export function sandboxHarness(dataset: Dataset): () => SandboxHarness {
  const live = sharedFixture(beforeAll, afterAll, async () => {
    const sandbox = await startHubSpotSandbox({ dataset });
    return { ...(await connect(sandbox)), sandbox, close: () => sandbox.close() };
  });
  beforeEach(() => {
    const { sandbox } = live();
    sandbox.server.clearLog();
    sandbox.server.clearFaults();
    sandbox.resetRateLimits();
  });
  return live;
}

/**
 * A handler context on the connector's own upstream profile, as the gateway builds it. A tool's
 * deadline is its `timeoutMs` unless `signal` says otherwise; `upstream` replaces the seam (a fake
 * clock).
 */
export function ctx(
  harness: Harness,
  options: { signal?: AbortSignal; hooks?: UpstreamHooks; upstream?: Upstream; timeoutMs?: number } = {},
): ToolContext<HubSpotClient, HubSpotConfig> {
  return testContext(harness.client, harness.config, {
    instance,
    connector: hubspot.spec,
    signal: options.signal ?? AbortSignal.timeout(options.timeoutMs ?? 15_000),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.upstream ? { upstream: options.upstream } : {}),
  });
}
