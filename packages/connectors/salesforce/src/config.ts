import { intSetting, secret } from '@switchboard/kit';
import { z } from 'zod';

/** Configuration of one Salesforce connector instance. */
export const SalesforceConfig = z
  .object({
    loginUrl: z
      .url({ protocol: /^https?$/ })
      .default('https://login.salesforce.com')
      .describe(
        "Where the connector gets its OAuth 2 token: the org's My Domain URL (https://acme.my.salesforce.com), " +
          'required for the client credentials flow; https://test.salesforce.com for sandboxes (default ' +
          'https://login.salesforce.com).',
      ),
    version: z
      .string()
      .regex(/^\d{2}\.0$/, 'An API version such as 62.0.')
      .default('62.0')
      .describe('REST API version the connector is pinned to (default 62.0; jsforce would default to 50.0).'),
    authFlow: z
      .enum(['client_credentials', 'password'])
      .default('client_credentials')
      .describe(
        'OAuth 2 flow: client_credentials (a connected app with a run-as integration user; recommended) or ' +
          'password (username-password flow, for developer orgs only).',
      ),
    clientId: secret('Consumer key of the connected app.'),
    clientSecret: secret('Consumer secret of the connected app.'),
    username: z
      .string()
      .min(1)
      .max(80)
      .optional()
      .describe('Salesforce username of the integration user; password flow only.'),
    password: secret(
      'Password of the integration user followed by its security token, when the org requires one; password flow only.',
    ).optional(),
    requestTimeoutMs: intSetting(500, 120_000, 10_000).describe(
      'Timeout of every request to Salesforce, in milliseconds (default 10000). A request that meets an expired ' +
        'session includes the new login and the replay.',
    ),
    retries: intSetting(0, 3, 1).describe(
      'How many times a read (GET) is sent again after a 5xx answer or a reset connection (default 1); each ' +
        'attempt counts as a request. Writes and REQUEST_LIMIT_EXCEEDED are never retried.',
    ),
    queryBatchSize: intSetting(1, 2000, 200).describe(
      'Records per page of every SOQL query, sent as Sforce-Query-Options: batchSize (default 200): a page of ' +
        'the query tool, and each request of the other tools. Salesforce treats it as a hint between 200 and ' +
        '2000; smaller values only take effect against the sandbox.',
    ),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .optional()
      .describe(
        'Currency of a single-currency org (ISO 4217, e.g. EUR). Leave unset for multi-currency orgs, whose ' +
          'records carry CurrencyIsoCode.',
      ),
  })
  .superRefine((config, issues) => {
    if (config.authFlow === 'password' && (config.username === undefined || config.password === undefined)) {
      issues.addIssue({
        code: 'custom',
        path: ['username'],
        message: 'The password flow needs username and password.',
      });
    }
  });

/** The configuration as a connector receives it (defaults applied). */
export type SalesforceConfig = z.output<typeof SalesforceConfig>;
