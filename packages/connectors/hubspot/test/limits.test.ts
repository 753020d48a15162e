import { createServer, type Server } from 'node:http';
import { Client } from '@hubspot/api-client';
import { classifyFailure, type UpstreamHooks } from '@switchboard/kit';
import { callTool, countingHooks, must, testUpstream, toolError } from '@switchboard/kit/testing';
import { demoDataset, findCustomer, HERO, startHubSpotSandbox } from '@switchboard/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  describeHubSpotError,
  getCompanyTool,
  HubSpotConfig,
  hubspotConnector,
  hubspotUpstream,
  msUntilMidnight,
  SECONDLY,
  searchCompaniesTool,
} from '../src/index.js';
import { connect, ctx, type Harness, sandboxHarness } from './helpers.js';

/**
 * HubSpot's failure rules as the upstream seam applies them: rate limits, the daily limit, refused
 * credentials, deadlines and server errors, through the real client against the sandbox. Waits go
 * through a fake `wait`, so no test sleeps or measures time.
 */

const dataset = demoDataset();
const HELIX = findCustomer(dataset, HERO.everywhere).presence.hubspot?.companyId ?? '';
const COMPANY_PATH = `/crm/v3/objects/companies/${HELIX}`;
const MONDAY_10_UTC = Date.parse('2026-03-02T10:00:00Z');

const live = sandboxHarness(dataset);

/** A context whose seam records the waits it is asked for instead of waiting, on a fixed clock. */
function fakeClock(on: Harness, hooks?: UpstreamHooks) {
  const waits: number[] = [];
  const signal = AbortSignal.timeout(15_000);
  const upstream = testUpstream(
    hubspotUpstream(on.config, () => MONDAY_10_UTC),
    {
      signal,
      ...(hooks ? { hooks } : {}),
      wait: async (ms) => {
        waits.push(ms);
      },
    },
  );
  return { waits, context: ctx(on, { signal, upstream }) };
}

describe('rate limits', () => {
  it('retries a TEN_SECONDLY_ROLLING 429 once after a wait, taking a token for each request', async () => {
    live().sandbox.injectRateLimit({ policy: 'TEN_SECONDLY_ROLLING', pathPrefix: COMPANY_PATH, times: 1 });
    const hooks = countingHooks();
    const { waits, context } = fakeClock(live(), hooks);
    const result = await callTool(getCompanyTool, { id: HELIX }, context);
    expect(result.company.source.id).toBe(HELIX);
    expect(
      live()
        .sandbox.server.requestsTo(COMPANY_PATH, 'GET')
        .map((r) => r.status),
    ).toEqual([429, 200]);
    expect(waits).toEqual([1000]); // HubSpot sent no Retry-After: the rule's wait
    expect(hooks.requests.slice(0, 2)).toEqual([
      { name: 'companies.read', outcome: 'rate_limited' },
      { name: 'companies.read', outcome: 'ok' },
    ]);
    expect(hooks.acquired).toHaveLength(live().sandbox.server.requests.length);
  });

  it('answers a retryable rate_limited naming the policy when the retry is refused too', async () => {
    live().sandbox.server.inject({ pathPrefix: COMPANY_PATH, rateLimit: true }); // the shared fault: TEN_SECONDLY
    const { waits, context } = fakeClock(live());
    const error = await toolError(callTool(getCompanyTool, { id: HELIX }, context));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 1000 });
    expect(error.message).toMatch(/HubSpot is rate limiting this account \(TEN_SECONDLY_ROLLING\)/);
    expect(error.message).not.toMatch(/correlationId|ten_secondly_rolling limit/);
    expect(waits).toEqual([1000]);
    expect(live().sandbox.server.requests.map((r) => r.status)).toEqual([429, 429]);
  });

  it('does not retry at all when maxRetryDelayMs is below the wait', async () => {
    const noRetry = await connect(live().sandbox, { maxRetryDelayMs: 0 });
    live().sandbox.injectRateLimit({ policy: 'TEN_SECONDLY_ROLLING', pathPrefix: COMPANY_PATH, times: 1 });
    const { waits, context } = fakeClock(noRetry);
    const error = await toolError(callTool(getCompanyTool, { id: HELIX }, context));
    expect(error.code).toBe('rate_limited');
    expect(waits).toEqual([]);
    expect(live().sandbox.server.requests).toHaveLength(1);
  });

  it('never retries a DAILY 429: one request, not retryable, until midnight in the account time zone', async () => {
    const berlin = await connect(live().sandbox, { dailyResetTimeZone: 'Europe/Berlin' });
    live().sandbox.injectRateLimit({ policy: 'DAILY' });
    const hooks = countingHooks();
    const { waits, context } = fakeClock(berlin, hooks);
    const error = await toolError(callTool(getCompanyTool, { id: HELIX }, context));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: false });
    expect(error.message).toMatch(/daily API limit .* resets at midnight \(Europe\/Berlin\)/);
    expect(error.retryAfterMs).toBe(13 * 3_600_000); // 11:00 in Berlin
    expect(msUntilMidnight('Europe/Berlin', new Date(MONDAY_10_UTC))).toBe(13 * 3_600_000);
    expect(waits).toEqual([]);
    expect(live().sandbox.server.requests).toHaveLength(1);
    expect(hooks.acquired).toHaveLength(1);
  });

  it("is refused by the sandbox's real ten-second counter, and served again once the window moves", async () => {
    let now = MONDAY_10_UTC;
    const strictSandbox = await startHubSpotSandbox({ dataset, tenSecondlyLimit: 4, now: () => now });
    try {
      const strict = await connect(strictSandbox, { maxRetryDelayMs: 0 });
      for (let i = 0; i < 4; i++) {
        await callTool(searchCompaniesTool, { name: 'helix' }, ctx(strict));
        now += 2000;
      }
      const error = await toolError(callTool(searchCompaniesTool, { name: 'helix' }, ctx(strict)));
      expect(error.code).toBe('rate_limited');
      const log = strictSandbox.server.requests;
      expect(log.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
      expect(log.at(-1)?.fault).toBeUndefined(); // the real counter, not a forced fault
      now += 2000; // 10 s after the first request: it has left the rolling window
      await expect(callTool(searchCompaniesTool, { name: 'helix' }, ctx(strict))).resolves.toMatchObject({
        total: 1,
      });
      expect(log.at(-1)?.status).toBe(200);
    } finally {
      await strictSandbox.close();
    }
  });

  it("keeps its no-retry policy when another Client in the process turns the client's retries on", async () => {
    new Client({ accessToken: 'other', numberOfApiCallRetries: 6 }); // replaces the process-wide decorators
    live().sandbox.server.inject({ pathPrefix: COMPANY_PATH, errorRate: 1 });
    await toolError(callTool(getCompanyTool, { id: HELIX }, ctx(live())));
    expect(live().sandbox.server.requests).toHaveLength(1);
  });
});

describe("the search endpoints' secondly limit and Retry-After", () => {
  // The sandbox sends neither; a loopback stand-in answers the search as HubSpot's search does.
  let server: Server;
  let answers: Array<{ status: number; headers?: Record<string, string>; body: unknown }> = [];
  let received = 0;
  let standIn: Harness;

  beforeAll(async () => {
    server = createServer((req, res) => {
      received += 1;
      req.resume();
      const answer = answers.shift() ?? { status: 200, body: { total: 0, results: [] } };
      res
        .writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
        .end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    standIn = await connect(live().sandbox, { basePath: `http://127.0.0.1:${address.port}` });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    answers = [];
    received = 0;
  });

  const secondly = (retryAfter: string) => ({
    status: 429,
    headers: { 'retry-after': retryAfter },
    body: {
      status: 'error',
      message: 'You have reached your secondly limit.',
      errorType: 'RATE_LIMIT',
      correlationId: 'c0ffee',
    },
  });

  it('waits the Retry-After HubSpot sends, within maxRetryDelayMs, then retries once', async () => {
    answers = [secondly('2')];
    const { waits, context } = fakeClock(standIn);
    await expect(callTool(searchCompaniesTool, { name: 'helix' }, context)).resolves.toMatchObject({
      total: 0,
    });
    expect(waits).toEqual([2000]);
    expect(received).toBe(2);
  });

  it('answers rate_limited at once when Retry-After is longer than maxRetryDelayMs', async () => {
    answers = [secondly('5')];
    const { waits, context } = fakeClock(standIn);
    const error = await toolError(callTool(searchCompaniesTool, { name: 'helix' }, context));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 5000 });
    expect(error.message).toMatch(/search is rate limiting this account \(SECONDLY\)/);
    expect(waits).toEqual([]);
    expect(received).toBe(1);
  });
});

describe('deadlines and failures', () => {
  it("turns a hung sandbox into timeout at the tool's deadline, closing the request", async () => {
    live().sandbox.server.inject({ pathPrefix: COMPANY_PATH, hang: true });
    const error = await toolError(
      callTool(getCompanyTool, { id: HELIX }, ctx(live(), { signal: AbortSignal.timeout(300) })),
    );
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(error.message).toBe("HubSpot did not answer before the call's deadline.");
    expect(live().sandbox.server.requests.at(-1)).toMatchObject({ fault: 'hang', status: 0 });
  });

  it('turns a hung request into timeout at requestTimeoutMs, naming no address', async () => {
    const quick = await connect(live().sandbox, { requestTimeoutMs: 200 });
    live().sandbox.server.inject({ pathPrefix: COMPANY_PATH, hang: true });
    const hooks = countingHooks();
    const error = await toolError(callTool(getCompanyTool, { id: HELIX }, ctx(quick, { hooks })));
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/limit 200 ms per request/);
    expect(error.message).not.toContain('127.0.0.1');
    expect(hooks.requests).toEqual([{ name: 'companies.read', outcome: 'timeout' }]);
  });

  it('maps a 5xx to upstream_unavailable without retrying it', async () => {
    live().sandbox.server.inject({ errorRate: 1 });
    const error = await toolError(callTool(getCompanyTool, { id: HELIX }, ctx(live())));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).toMatch(/HTTP 502/);
    expect(error.message).not.toMatch(/Bad Gateway|correlationId/);
    expect(live().sandbox.server.requests).toHaveLength(1);
  });

  it('maps a refused token to upstream_unavailable that retrying will not fix, without the token', async () => {
    const wrong = await connect(live().sandbox, { accessToken: 'pat-na1-wrong-token' });
    const error = await toolError(callTool(getCompanyTool, { id: HELIX }, ctx(wrong)));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toMatch(/accessToken/);
    expect(error.message).not.toContain('pat-na1');
    expect(live().sandbox.server.requests).toHaveLength(1);
    expect(live().sandbox.server.requests[0]).toMatchObject({ status: 401 });
  });

  it('maps an unreachable HubSpot to upstream_unavailable', async () => {
    const unreachable = await connect(live().sandbox, { basePath: 'http://127.0.0.1:1' });
    const error = await toolError(callTool(getCompanyTool, { id: HELIX }, ctx(unreachable)));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).not.toContain('127.0.0.1');
  });

  it('fails the readiness check on a refused token and passes on a good one', async () => {
    const wrong = await connect(live().sandbox, { accessToken: 'pat-na1-wrong-token' });
    const check = must(hubspotConnector.check, 'check');
    await expect(check(live().client, { signal: AbortSignal.timeout(5000) })).resolves.toBeUndefined();
    const error = await toolError(check(wrong.client, { signal: AbortSignal.timeout(5000) }));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
  });
});

describe('declared rules the sandbox cannot provoke', () => {
  const profile = hubspotUpstream(
    HubSpotConfig.parse({ accessToken: 'pat-na1-unused' }),
    () => MONDAY_10_UTC,
  );
  const apiError = (code: number, body: unknown) => Object.assign(new Error('HTTP-Code'), { code, body });
  const classify = (code: number, body: unknown) => {
    const failure = describeHubSpotError(apiError(code, body), { dailyResetTimeZone: 'UTC' });
    if (failure === undefined) throw new Error('not described');
    return classifyFailure(failure, profile);
  };

  it('reads the search limit, which names no policy, as SECONDLY', () => {
    const failure = describeHubSpotError(
      apiError(429, { message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT' }),
      { dailyResetTimeZone: 'UTC' },
    );
    expect(failure?.codes).toContain(SECONDLY);
  });

  it('maps 403 to forbidden, an unbuilt 400 to internal, and an unknown 429 policy to no retry', () => {
    expect(classify(403, { category: 'MISSING_SCOPES' }).error).toMatchObject({ code: 'forbidden' });
    expect(classify(403, {}).error.message).toMatch(/lacks a scope/);
    expect(classify(400, { category: 'VALIDATION_ERROR' }).error.code).toBe('internal');
    const unknown = classify(429, { policyName: 'SOMETHING_NEW' });
    expect(unknown.error).toMatchObject({ code: 'rate_limited', retryAfterMs: 2000 });
    expect(unknown.retryInMs).toBeUndefined();
  });

  it('leaves errors that are not HubSpot answers to the seam as internal', () => {
    expect(describeHubSpotError(new TypeError('x is undefined'), { dailyResetTimeZone: 'UTC' })).toBe(
      undefined,
    );
  });
});
