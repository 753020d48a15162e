import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import {
  errorCodes,
  parseRetryAfter,
  type UpstreamFailure,
  type UpstreamProfile,
  type UpstreamRule,
} from '@switchboard/kit';
import { z } from 'zod';
import type { SlackConfig } from './config.js';

/**
 * Slack's failure facts for the kit's upstream engine. Slack answers HTTP 200 with `{ok: false,
 * error}` for nearly every failure, HTTP 429 with Retry-After for rate limits, and HTTP 5xx when it
 * is down; `describeSlackError` reads those out of @slack/web-api's error classes, and the rules say
 * what each code means.
 */

/**
 * The kit matches codes exactly, but Slack reports bad arguments as a growing family of
 * `invalid_<what>` codes; describe() adds this marker to each so one rule covers the family.
 */
const INVALID_FAMILY = 'invalid_*';

/** Refused credentials: an operator must replace a token. */
const AUTH_CODES = [
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'no_permission',
  'org_login_required',
  'team_access_not_granted',
] as const;

/** Slack reporting its own trouble in the envelope rather than with a 5xx. */
const UNAVAILABLE_CODES = [
  'fatal_error',
  'internal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
];

/** Slack's Web API uses no HTTP status but 200, 429 and 5xx: any other means a wrong slackApiUrl or proxy. */
const UNEXPECTED_STATUSES = Array.from({ length: 100 }, (_, i) => 400 + i).filter((status) => status !== 429);

/** Without Retry-After: Slack's tiers count per minute. */
const RATE_LIMIT_WAIT_MS = 60_000;

export const SLACK_RULES: readonly UpstreamRule[] = [
  { code: ['ratelimited', 'rate_limited'], means: 'rate_limited', retryAfterMs: RATE_LIMIT_WAIT_MS },
  { status: 429, means: 'rate_limited', retryAfterMs: RATE_LIMIT_WAIT_MS },
  // One rule per code so the message names it: operators see which refusal it was, never the token.
  ...AUTH_CODES.map(
    (code): UpstreamRule => ({
      code,
      means: 'auth',
      message: `{title} refused the credentials of this connector (${code}). An operator must fix its botToken or userToken; retrying will not help.`,
    }),
  ),
  {
    code: 'missing_scope',
    means: 'forbidden',
    message:
      'The {title} app lacks an OAuth scope this request needs. An operator must add the scope to the app and reinstall it; retrying will not help.',
  },
  {
    code: 'not_allowed_token_type',
    means: 'forbidden',
    message:
      '{title} refused this request to the kind of token the connector used (a bot token where a user token is needed, or the reverse). An operator must configure the right token; retrying will not help.',
  },
  {
    code: [
      'restricted_action',
      'restricted_action_read_only_channel',
      'restricted_action_thread_only_channel',
      'restricted_action_non_threadable_channel',
      'enterprise_is_restricted',
    ],
    means: 'forbidden',
    message:
      'A {title} workspace setting forbids the connector this action. Ask a {title} administrator, or use another channel.',
  },
  {
    code: 'not_in_channel',
    means: 'forbidden',
    message: 'The {title} app is not a member of that channel. Someone must invite it (/invite @app) first.',
  },
  {
    code: ['channel_not_found', 'users_not_found', 'user_not_found', 'user_not_visible', 'thread_not_found'],
    means: 'not_found',
    message: '{title} has no such channel, user or message visible to the connector.',
  },
  {
    code: 'is_archived',
    means: 'conflict',
    message: 'The channel is archived; nothing can be posted to it.',
  },
  {
    code: 'invalid_cursor',
    means: 'invalid_input',
    message: '{title} no longer accepts this cursor. Omit cursor to start over from the first page.',
  },
  {
    code: [INVALID_FAMILY, 'msg_too_long', 'no_text', 'too_many_attachments', 'no_query'],
    means: 'invalid_input',
  },
  { code: UNAVAILABLE_CODES, means: 'unavailable' },
  {
    status: UNEXPECTED_STATUSES,
    means: 'unavailable',
    retryable: false,
    message: '{title} answered with an unexpected HTTP status; an operator should check slackApiUrl.',
  },
];

const PlatformAnswer = z.object({
  error: z.string(),
  needed: z.string().optional(),
  provided: z.string().optional(),
  response_metadata: z
    .object({ retryAfter: z.number().optional(), messages: z.array(z.string()).optional() })
    .optional(),
});

function parsedBody(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** What went wrong, read out of the errors @slack/web-api throws; undefined for anything else (a bug). */
export function describeSlackError(error: unknown): UpstreamFailure | undefined {
  if (error instanceof WebAPIRateLimitedError) {
    return { status: 429, codes: ['ratelimited'], retryAfterMs: error.retryAfter * 1000 };
  }
  if (error instanceof WebAPIPlatformError) {
    const answer = PlatformAnswer.safeParse(error.data);
    if (!answer.success) return { status: 200, codes: [], message: 'ok:false without an error code' };
    const { error: code, needed, provided, response_metadata: metadata } = answer.data;
    const detail = [
      needed === undefined ? undefined : `needed ${needed}`,
      provided === undefined ? undefined : `provided ${provided}`,
      ...(metadata?.messages ?? []),
    ].filter((part) => part !== undefined);
    return {
      status: 200,
      codes: code.startsWith('invalid_') ? [code, INVALID_FAMILY] : [code],
      message: detail.length === 0 ? code : `${code}: ${detail.join('; ')}`,
      ...(metadata?.retryAfter === undefined ? {} : { retryAfterMs: metadata.retryAfter * 1000 }),
    };
  }
  if (error instanceof WebAPIHTTPError) {
    const body: unknown = error.body;
    const retryAfterMs = parseRetryAfter(error.headers['retry-after']);
    return {
      status: error.statusCode,
      codes: errorCodes(parsedBody(body)),
      message: `HTTP ${error.statusCode} ${error.statusMessage}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (error instanceof WebAPIRequestError) {
    return { codes: [], network: true, message: error.original.message };
  }
  // The client rejects a 429 whose Retry-After it cannot read with a plain Error.
  if (error instanceof Error && error.message.startsWith('Retry header did not contain')) {
    return { status: 429, codes: ['ratelimited'], message: error.message };
  }
  return undefined;
}

/** The upstream profile of one instance: its configured per-request timeout. */
export function slackProfile(config: Pick<SlackConfig, 'requestTimeoutMs'>): UpstreamProfile {
  return {
    title: 'Slack',
    rules: SLACK_RULES,
    describe: describeSlackError,
    requestTimeoutMs: config.requestTimeoutMs,
    maxRetryWaitMs: 2_000,
  };
}
