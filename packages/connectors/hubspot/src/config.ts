import { intSetting, secret } from '@switchboard/kit';
import { z } from 'zod';

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Configuration of one HubSpot connector instance. */
export const HubSpotConfig = z.object({
  accessToken: secret(
    'Access token of a HubSpot private app (pat-...), with the scopes crm.objects.contacts.read/write, ' +
      'crm.objects.companies.read and crm.objects.deals.read/write.',
  ),
  basePath: z
    .url({ protocol: /^https?$/ })
    .default('https://api.hubapi.com')
    .transform((value) => value.replace(/\/+$/, ''))
    .describe('Base URL of the HubSpot API, without a trailing slash (default https://api.hubapi.com).'),
  requestTimeoutMs: intSetting(100, 60_000, 8000).describe(
    'Timeout of each HubSpot request, in milliseconds (default 8000); the tool deadline also applies.',
  ),
  maxRetryDelayMs: intSetting(0, 10_000, 2000).describe(
    'Longest wait worth retrying a request refused by the TEN_SECONDLY_ROLLING (or search secondly) rate ' +
      "limit once, in milliseconds (default 2000; HubSpot's Retry-After, else 1000; 0 = never retry). DAILY " +
      'refusals and server errors are never retried.',
  ),
  dailyResetTimeZone: z
    .string()
    .refine(isTimeZone, 'Pass an IANA time zone such as "Europe/Berlin".')
    .default('UTC')
    .describe(
      'Time zone of the HubSpot account (IANA, default UTC): the daily API limit resets at midnight there, which ' +
        'sets retryAfterMs of a DAILY rate limit.',
    ),
  portalId: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('HubSpot account (portal) id, used to build record links; records carry no link when absent.'),
});

/** The configuration as a connector receives it (defaults applied). */
export type HubSpotConfig = z.output<typeof HubSpotConfig>;
