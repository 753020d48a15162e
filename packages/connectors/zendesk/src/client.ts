import type { HttpRequest, Upstream, UpstreamProfile, UpstreamRule } from '@switchboard/kit';
import type { z } from 'zod';
import type { ZendeskConfig } from './config.js';

/**
 * Zendesk REST v2 over the call's `Upstream`: the client is only where the account lives and how to
 * sign requests. Timeouts, Retry-After, quota and the mapping of failures to ToolErrors are the
 * upstream's, driven by the facts declared in `ZENDESK_FAILURES`.
 */

export interface ZendeskClient {
  /** `https://acme.zendesk.com` or the configured baseUrl, without a trailing slash. */
  readonly origin: string;
  readonly authorization: string;
}

export function createClient(config: ZendeskConfig): ZendeskClient {
  const origin =
    config.baseUrl !== undefined
      ? config.baseUrl.replace(/\/+$/, '').replace(/\/api\/v2$/, '')
      : `https://${config.subdomain}.zendesk.com`;
  return {
    origin,
    authorization: `Basic ${Buffer.from(`${config.email}/token:${config.apiToken}`, 'utf8').toString('base64')}`,
  };
}

/** Link to a ticket in the agent interface. */
export function ticketUrl(client: ZendeskClient, id: number): string {
  return `${client.origin}/agent/tickets/${id}`;
}

/** Zendesk counts its allowance per minute; a 429 without Retry-After is taken to mean a full window. */
const RATE_LIMIT_WINDOW_MS = 60_000;

const RULES: readonly UpstreamRule[] = [
  {
    status: 429,
    means: 'rate_limited',
    retryAfterMs: RATE_LIMIT_WINDOW_MS,
    message: 'Zendesk is rate limiting this connector (its per-minute API allowance is used up).',
  },
  {
    status: 401,
    means: 'auth',
    message:
      'Zendesk refused the credentials of this connector (401). An operator must fix its email or apiToken; ' +
      'retrying will not help.',
  },
  {
    status: 403,
    means: 'forbidden',
    message:
      'The Zendesk agent this connector acts as may not do this (403). Ask a Zendesk admin for access.',
  },
  {
    status: [400, 422],
    means: 'invalid_input',
    message:
      'Zendesk refused the request as invalid. Check the values passed (ids, emails, status) and try again.',
  },
  {
    status: 409,
    means: 'conflict',
    message: 'Zendesk reported a conflicting update; read the record again and retry.',
  },
];

/** What Zendesk's failures mean, whatever the instance's timeouts. */
export const ZENDESK_FAILURES: UpstreamProfile = { title: 'Zendesk', rules: RULES };

/** The upstream profile of one instance: its configured timeout and longest Retry-After worth waiting for. */
export function zendeskProfile(config: ZendeskConfig): UpstreamProfile {
  return {
    ...ZENDESK_FAILURES,
    requestTimeoutMs: config.timeoutMs,
    maxRetryWaitMs: config.maxRetryWaitMs,
  };
}

export type ZendeskRequest<S extends z.ZodType> = Omit<HttpRequest<S>, 'url' | 'headers' | 'name'> & {
  /** What the request does, for metrics and spans: `tickets.show`. */
  name: string;
  /** Path under /api/v2, e.g. `/tickets/42.json`. */
  path: string;
};

/** One request to the account's REST API, signed, through the call's upstream. */
export function zendeskFetch<S extends z.ZodType>(
  upstream: Upstream,
  client: ZendeskClient,
  request: ZendeskRequest<S>,
): Promise<z.output<S>> {
  const { path, ...rest } = request;
  return upstream.fetch({
    ...rest,
    url: `${client.origin}/api/v2${path}`,
    headers: { authorization: client.authorization },
  });
}
