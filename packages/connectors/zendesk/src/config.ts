import { intSetting, secret } from '@switchboard/kit';
import { z } from 'zod';

/** Configuration of one Zendesk connector instance. */
export const ZendeskConfig = z
  .object({
    subdomain: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, 'A Zendesk subdomain such as "acme" (for acme.zendesk.com).')
      .optional()
      .describe(
        'Zendesk subdomain: "acme" for https://acme.zendesk.com. Give exactly one of subdomain or baseUrl.',
      ),
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        'Base URL of the Zendesk account instead of subdomain (a host-mapped domain, a proxy or the sandbox), ' +
          'without /api/v2, e.g. http://127.0.0.1:4010. Give exactly one of subdomain or baseUrl.',
      ),
    email: z
      .email()
      .max(254)
      .describe(
        'Email of the Zendesk agent the API token acts as; comments and tickets are written as them.',
      ),
    apiToken: secret(
      'Zendesk API token (Admin Center > Apps and integrations > Zendesk API), sent as Basic auth ' +
        '"{email}/token:{apiToken}". Must come from the environment.',
    ),
    timeoutMs: intSetting(100, 60_000, 10_000).describe(
      'Timeout of each HTTP request to Zendesk, in milliseconds (default 10000).',
    ),
    maxRetryWaitMs: intSetting(0, 10_000, 2000).describe(
      'A 429 whose Retry-After is at most this many milliseconds is retried once after waiting; a longer ' +
        'wait answers rate_limited with retryAfterMs at once. 0 never retries (default 2000).',
    ),
  })
  .refine((config) => (config.subdomain === undefined) !== (config.baseUrl === undefined), {
    message: 'Give exactly one of subdomain (e.g. "acme") or baseUrl.',
  });

/** The configuration as a connector receives it (defaults applied). */
export type ZendeskConfig = z.output<typeof ZendeskConfig>;
