import type { UpstreamFailure, UpstreamProfile } from '@switchboard/kit';
import { errorCodes, parseRetryAfter } from '@switchboard/kit';
import { z } from 'zod';
import type { HubSpotConfig } from './config.js';

/** What HubSpot's failures mean, as data for the upstream seam. */

/**
 * The error of the generated client (`ApiException`, one class per generated module, so it is read
 * by shape): the status, the body as sent (error bodies are not mapped onto a model) and the headers.
 */
const ApiError = z.object({
  code: z.number().int(),
  body: z.unknown(),
  headers: z.record(z.string(), z.string()).optional(),
});

const HubSpotErrorBody = z.object({ message: z.string(), policyName: z.string() }).partial();

/** The search endpoints' own limit (about 5 per second) names no policy, only this message. */
const SECONDLY_SEARCH_MESSAGE = 'You have reached your secondly limit.';
/** The code the connector gives that refusal, so a rule can match it. */
export const SECONDLY = 'SECONDLY';

/** Wait before the one retry of a secondly refusal when HubSpot sends no Retry-After (it seldom does). */
const SECONDLY_WAIT_MS = 1000;

/** Milliseconds until the next midnight in `timeZone` (when HubSpot's daily limit resets). */
export function msUntilMidnight(timeZone: string, now = new Date()): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(now);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const elapsed = ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1000 + now.getMilliseconds();
  return Math.max(1000, 86_400_000 - elapsed);
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/**
 * node-fetch raises FetchError for refused, reset and unresolvable connections; the generated client
 * raises a plain Error for a body it cannot parse (an HTML error page of a proxy in front of HubSpot).
 * Neither is HubSpot's answer: both mean HubSpot could not be reached.
 */
function isTransportFailure(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'FetchError' || /Cannot parse content|mediaType .* is not supported/.test(error.message))
  );
}

/** Reads a failure out of what the generated client threw; undefined for anything else (a bug). */
export function describeHubSpotError(
  error: unknown,
  config: Pick<HubSpotConfig, 'dailyResetTimeZone'>,
  now: () => number = Date.now,
): UpstreamFailure | undefined {
  const api = ApiError.safeParse(error);
  if (!api.success) return isTransportFailure(error) ? { codes: [], network: true } : undefined;
  const { code: status, body, headers } = api.data;
  const parsed = HubSpotErrorBody.safeParse(body);
  const details = parsed.success ? parsed.data : {};
  const codes = errorCodes(body);
  if (status === 429 && details.policyName === undefined && details.message === SECONDLY_SEARCH_MESSAGE) {
    codes.push(SECONDLY);
  }
  // The daily limit resets at midnight in the account's time zone, which HubSpot does not send.
  const retryAfterMs = codes.includes('DAILY')
    ? msUntilMidnight(config.dailyResetTimeZone, new Date(now()))
    : parseRetryAfter(header(headers, 'retry-after'), now());
  return {
    status,
    codes,
    ...(details.message === undefined ? {} : { message: details.message }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/** The upstream profile of one instance: its timeouts and time zone come from the configuration. */
export function hubspotUpstream(config: HubSpotConfig, now: () => number = Date.now): UpstreamProfile {
  return {
    title: 'HubSpot',
    requestTimeoutMs: config.requestTimeoutMs,
    maxRetryWaitMs: config.maxRetryDelayMs,
    describe: (error) => describeHubSpotError(error, config, now),
    rules: [
      {
        status: 429,
        code: 'DAILY',
        means: 'daily_limit',
        message:
          `{title}'s daily API limit for this account is used up; it resets at midnight ` +
          `(${config.dailyResetTimeZone}). Do not retry before then; answer from other sources.`,
      },
      {
        status: 429,
        code: 'TEN_SECONDLY_ROLLING',
        means: 'rate_limited',
        retryAfterMs: SECONDLY_WAIT_MS,
        message:
          '{title} is rate limiting this account (TEN_SECONDLY_ROLLING). Wait a few seconds and try again.',
      },
      {
        status: 429,
        code: SECONDLY,
        means: 'rate_limited',
        retryAfterMs: SECONDLY_WAIT_MS,
        message: "{title}'s search is rate limiting this account (SECONDLY). Wait a second and try again.",
      },
      {
        // A policy this connector does not know: not retried in place, as it may be a long one.
        status: 429,
        means: 'rate_limited',
        retry: false,
        retryAfterMs: 2000,
        message: '{title} is rate limiting this account. Wait a few seconds and try again.',
      },
      {
        status: 401,
        means: 'auth',
        message:
          '{title} refused the access token of this connector. An operator must fix accessToken; retrying will not help.',
      },
      {
        status: 403,
        means: 'forbidden',
        message:
          "{title}'s private app lacks a scope this request needs. An operator must grant it in {title}.",
      },
      {
        // The connector builds every request body; a 400 the request has no rule for is its own bug.
        status: 400,
        means: 'internal',
        message: '{title} refused a request this connector built; the details are logged.',
      },
    ],
  };
}
