import type { ZendeskSandbox } from '@switchboard/sandbox';
import type { z } from 'zod';
import type { ZendeskConfig } from './config.js';

/**
 * The connector configuration that points an instance at the Zendesk emulator of
 * `@switchboard/sandbox`, typed by the connector's own schema so that a renamed field fails to compile.
 */
export function sandboxConfig(sandbox: ZendeskSandbox): z.input<typeof ZendeskConfig> {
  return { baseUrl: sandbox.url, email: sandbox.email, apiToken: sandbox.apiToken };
}
