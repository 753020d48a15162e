import type { SalesforceSandbox } from '@switchboard/sandbox';
import type { z } from 'zod';
import type { SalesforceConfig } from './config.js';

/**
 * The connector configuration that points at a Salesforce sandbox emulator, typed by the connector's
 * own configuration so that a renamed field fails the typecheck here.
 */
export function sandboxConfig(sandbox: SalesforceSandbox): z.input<typeof SalesforceConfig> {
  return {
    loginUrl: sandbox.url,
    version: '62.0',
    authFlow: 'client_credentials',
    clientId: sandbox.credentials.clientId,
    clientSecret: sandbox.credentials.clientSecret,
  };
}
