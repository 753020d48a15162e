import type { HubSpotSandbox } from '@switchboard/sandbox';
import type { z } from 'zod';
import type { HubSpotConfig } from './config.js';

/**
 * Test helpers this package offers others. Sandbox types only: the sandbox stays a development
 * dependency.
 */

/** The connector configuration that points this connector at a HubSpot sandbox. */
export function sandboxConfig(sandbox: HubSpotSandbox): z.input<typeof HubSpotConfig> {
  return { accessToken: sandbox.accessToken, basePath: sandbox.url };
}
