import type { ToolContext, Upstream, UpstreamHooks } from '@switchboard/kit';
import { silentLogger, testContext, testInstance } from '@switchboard/kit/testing';
import type { HubSpotSandbox } from '@switchboard/sandbox';
import type { z } from 'zod';
import type { HubSpotClient } from '../src/client.js';
import { HubSpotConfig } from '../src/config.js';
import { hubspot, hubspotConnector } from '../src/index.js';
import { sandboxConfig } from '../src/testing.js';

export const instance = testInstance('hubspot');

export interface Harness {
  client: HubSpotClient;
  config: HubSpotConfig;
}

/** The connector connected to a sandbox, as the gateway would mount it. */
export async function connect(
  sandbox: HubSpotSandbox,
  overrides: Partial<z.input<typeof HubSpotConfig>> = {},
): Promise<Harness> {
  const config = HubSpotConfig.parse({ ...sandboxConfig(sandbox), ...overrides });
  const client = await hubspotConnector.connect(config, { logger: silentLogger(), instance });
  return { client, config };
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
