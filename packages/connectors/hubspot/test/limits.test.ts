import { Client } from '@hubspot/api-client';
import {
  demoDataset,
  findCustomer,
  HERO,
  type HubSpotSandbox,
  startHubSpotSandbox,
} from '@switchboard/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getCompanyTool, msUntilMidnight, searchCompaniesTool } from '../src/index.js';
import { callTool, connect, type Harness, toolError } from './helpers.js';

/** Rate limits, deadlines and upstream failures, through the real client against the sandbox. */

const dataset = demoDataset();
const HELIX = findCustomer(dataset, HERO.everywhere).presence.hubspot?.companyId ?? '';
const COMPANY_PATH = `/crm/v3/objects/companies/${HELIX}`;

let sandbox: HubSpotSandbox;
let harness: Harness;

beforeAll(async () => {
  sandbox = await startHubSpotSandbox({ dataset });
  harness = await connect(sandbox, { maxAttempts: 3, maxRetryDelayMs: 200 });
});
afterAll(async () => sandbox.close());
beforeEach(() => {
  sandbox.server.clearLog();
  sandbox.server.clearFaults();
  sandbox.resetRateLimits();
});

describe('rate limits', () => {
  it('retries a TEN_SECONDLY_ROLLING 429 and succeeds; the request log shows the retry', async () => {
    sandbox.injectRateLimit({ policy: 'TEN_SECONDLY_ROLLING', pathPrefix: COMPANY_PATH, times: 1 });
    const result = await callTool(harness, getCompanyTool, {
      id: HELIX,
    });
    expect(result.company.source.id).toBe(HELIX);
    const reads = sandbox.server.requestsTo(COMPANY_PATH, 'GET');
    expect(reads.map((r) => r.status)).toEqual([429, 200]);
    expect(reads[1]?.at ?? 0).toBeGreaterThanOrEqual((reads[0]?.at ?? 0) + 150); // waited before retrying
  });

  it('never retries a DAILY 429: one request, rate_limited with the time to midnight', async () => {
    sandbox.injectRateLimit({ policy: 'DAILY' });
    const error = await toolError(callTool(harness, getCompanyTool, { id: HELIX }));
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/daily API limit/);
    expect(sandbox.server.requests).toHaveLength(1);
    const expected = msUntilMidnight('UTC');
    expect(Math.abs((error.retryAfterMs ?? 0) - expected)).toBeLessThan(5000);
  });

  it('gives up after maxAttempts TEN_SECONDLY 429s with a retryable rate_limited', async () => {
    sandbox.server.inject({ pathPrefix: COMPANY_PATH, rateLimit: true }); // the shared fault: TEN_SECONDLY
    const error = await toolError(callTool(harness, getCompanyTool, { id: HELIX }));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(error.message).toMatch(/after 3 attempts/);
    expect(sandbox.server.requests.map((r) => r.status)).toEqual([429, 429, 429]);
  });

  it("is refused by the sandbox's real ten-second counter, and served again once the window moves", async () => {
    let now = Date.parse('2026-03-02T10:00:00Z');
    const strictSandbox = await startHubSpotSandbox({ dataset, tenSecondlyLimit: 4, now: () => now });
    try {
      const strict = await connect(strictSandbox, { maxAttempts: 1 });
      for (let i = 0; i < 4; i++) {
        await callTool(strict, searchCompaniesTool, { name: 'helix' });
        now += 2000;
      }
      const error = await toolError(callTool(strict, searchCompaniesTool, { name: 'helix' }));
      expect(error.code).toBe('rate_limited');
      const log = strictSandbox.server.requests;
      expect(log.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
      expect(log.at(-1)?.fault).toBeUndefined(); // the real counter, not a forced fault
      now += 2000; // 10 s after the first request: it has left the rolling window
      await expect(callTool(strict, searchCompaniesTool, { name: 'helix' })).resolves.toMatchObject({
        total: 1,
      });
      expect(log.at(-1)?.status).toBe(200);
    } finally {
      await strictSandbox.close();
    }
  });

  it("keeps its no-retry policy when another Client in the process turns the client's retries on", async () => {
    new Client({ accessToken: 'other', numberOfApiCallRetries: 6 }); // replaces the process-wide decorators
    sandbox.server.inject({ pathPrefix: COMPANY_PATH, errorRate: 1 });
    await toolError(callTool(harness, getCompanyTool, { id: HELIX }));
    expect(sandbox.server.requests).toHaveLength(1);
  });
});

describe('deadlines and failures', () => {
  it("turns a hung sandbox into timeout at the tool's deadline", async () => {
    sandbox.server.inject({ pathPrefix: COMPANY_PATH, hang: true });
    const started = performance.now();
    const error = await toolError(callTool(harness, getCompanyTool, { id: HELIX }, AbortSignal.timeout(300)));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(sandbox.server.requests.at(-1)).toMatchObject({ fault: 'hang', status: 0 });
  });

  it('turns a hung request into timeout at requestTimeoutMs, naming no address', async () => {
    const quick = await connect(sandbox, { requestTimeoutMs: 200 });
    sandbox.server.inject({ pathPrefix: COMPANY_PATH, hang: true });
    const error = await toolError(callTool(quick, getCompanyTool, { id: HELIX }));
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/within 200 ms/);
    expect(error.message).not.toContain('127.0.0.1');
  });

  it('maps a 5xx to upstream_unavailable without retrying it', async () => {
    sandbox.server.inject({ errorRate: 1 });
    const error = await toolError(callTool(harness, getCompanyTool, { id: HELIX }));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).toMatch(/HTTP 502/);
    expect(error.message).not.toMatch(/Bad Gateway|correlationId/);
    expect(sandbox.server.requests).toHaveLength(1);
  });

  it('maps a refused token to upstream_unavailable that retrying will not fix, without the token', async () => {
    const wrong = await connect(sandbox, { accessToken: 'pat-na1-wrong-token' });
    const error = await toolError(callTool(wrong, getCompanyTool, { id: HELIX }));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toMatch(/accessToken/);
    expect(error.message).not.toContain('pat-na1');
    expect(sandbox.server.requests[0]).toMatchObject({ status: 401 });
  });

  it('maps an unreachable HubSpot to upstream_unavailable', async () => {
    const unreachable = await connect(sandbox, { basePath: 'http://127.0.0.1:1' });
    const error = await toolError(callTool(unreachable, getCompanyTool, { id: HELIX }));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).not.toContain('127.0.0.1');
  });
});
