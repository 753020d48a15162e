import type { UpstreamFailure, UpstreamProfile, UpstreamRule } from '@switchboard/kit';
import {
  CREDENTIALS_REFUSED,
  CredentialsRefused,
  REFRESH_FAILED,
  REFUSED_CREDENTIALS,
  SalesforceHttpError,
} from './client.js';
import type { SalesforceConfig } from './config.js';

/**
 * What Salesforce's answers mean, as data for the kit's upstream engine. Salesforce has no 429: its
 * only limit is the rolling 24-hour API allocation, 403 REQUEST_LIMIT_EXCEEDED, with no Retry-After.
 * Codes not listed here fall to the kit's status defaults (400 invalid_input, 403 forbidden,
 * 404 not_found, 5xx and network failures unavailable).
 */
export const SALESFORCE_RULES: readonly UpstreamRule[] = [
  {
    status: 403,
    code: 'REQUEST_LIMIT_EXCEEDED',
    means: 'daily_limit',
    message:
      "The Salesforce org's daily API allocation is used up (REQUEST_LIMIT_EXCEEDED). It is a rolling 24-hour " +
      'count, so calls work again as older calls age out; wait before calling Salesforce tools again. Cached ' +
      'results may still be served.',
  },
  {
    // INVALID_SESSION_ID reaches the rules only when the session could not be refreshed (jsforce logs
    // in again on any 401); the OAuth codes come from the token endpoint at connect.
    code: ['INVALID_SESSION_ID', ...REFUSED_CREDENTIALS],
    means: 'auth',
    message:
      'Salesforce refused the credentials of this connector (login failed). An administrator must fix its ' +
      'connected app, client id and secret or integration user; retrying will not help.',
  },
  {
    code: 'INVALID_FIELD',
    means: 'invalid_input',
    message:
      'Salesforce does not know a field this request names (INVALID_FIELD): it does not exist on that object, ' +
      'or the integration user cannot see it. Check the field names and try again; if the request named no ' +
      "field, an administrator must check the integration user's field access.",
  },
  {
    code: 'MALFORMED_QUERY',
    means: 'invalid_input',
    message:
      'Salesforce could not run the SOQL statement (MALFORMED_QUERY): its syntax or a clause is not valid ' +
      'SOQL. Check the statement and try again.',
  },
  {
    code: ['NOT_FOUND', 'ENTITY_IS_DELETED'],
    means: 'not_found',
    message: 'Salesforce has no such record: it does not exist or was deleted. Search for it again first.',
  },
  {
    code: 'UNABLE_TO_LOCK_ROW',
    means: 'conflict',
    retryable: true,
    message: 'The Salesforce record is being changed by someone else. Try again shortly.',
  },
];

/** The engine's profile of an instance: its request timeout is configurable. */
export function salesforceProfile(config: Pick<SalesforceConfig, 'requestTimeoutMs'>): UpstreamProfile {
  return {
    title: 'Salesforce',
    rules: SALESFORCE_RULES,
    describe: describeFailure,
    requestTimeoutMs: config.requestTimeoutMs,
    // Salesforce never says how long to wait, and its one limit is daily: nothing is worth waiting for in place.
    maxRetryWaitMs: 0,
  };
}

/** What went wrong in a jsforce call, read out of what it threw; undefined for errors of the code itself. */
export function describeFailure(error: unknown): UpstreamFailure | undefined {
  if (error instanceof SalesforceHttpError) {
    return { status: error.status, codes: error.codes, message: error.message };
  }
  if (error instanceof CredentialsRefused)
    return { status: 401, codes: [error.code], message: error.message };
  if (!(error instanceof Error)) return undefined;
  if (error.message.startsWith(REFRESH_FAILED)) {
    // A refresh that failed on the network or a 5xx is not a refused credential: that is retryable.
    return error.message.includes(CREDENTIALS_REFUSED)
      ? { status: 401, codes: ['INVALID_SESSION_ID'], message: error.message }
      : { codes: [], network: true, message: error.message };
  }
  // The transport throws every failed answer but a REST 401 itself, so jsforce's own error is a 401.
  if ('errorCode' in error && typeof error.errorCode === 'string') {
    return { status: 401, codes: [error.errorCode], message: error.message };
  }
  if (error.name === 'FetchError' || error.name === 'AbortError') {
    return { codes: [], network: true, message: error.message };
  }
  return undefined;
}
