import { isSecretSchema } from '@switchboard/kit';
import { silentLogger } from '@switchboard/kit/testing';
import {
  demoDataset,
  findCustomer,
  HERO,
  salesforceSandboxConfig,
  startSalesforceSandbox,
} from '@switchboard/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { getAccountTool, SalesforceConfig, salesforceConnector, searchAccountsTool } from '../src/index.js';
import { callTool, type Harness, instance, startHarness, toolError } from './harness.js';

/** Sessions, credentials, limits and faults: what happens when Salesforce is not well. */

const helix = findCustomer(demoDataset(), HERO.everywhere).presence.salesforce?.accountId ?? '';
const TOKEN = '/services/oauth2/token';
const API = '/services/data/';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('sessions and credentials', () => {
  it('refreshes an expired session once mid-run and the call succeeds', async () => {
    h = await startHarness();
    await callTool(h, getAccountTool, { id: helix });
    h.sandbox.expireTokens();
    const detail = await callTool(h, getAccountTool, { id: helix });
    expect(detail.account.source.id).toBe(helix);
    expect(h.sandbox.server.requestsTo(TOKEN, 'POST')).toHaveLength(2); // connect + one refresh
    expect(h.sandbox.server.requests.filter((r) => r.status === 401)).toHaveLength(1);
    const grants = h.sandbox.server.requestsTo(TOKEN).map((r) => JSON.stringify(r.body));
    expect(grants.every((body) => body.includes('"grant_type":"client_credentials"'))).toBe(true);
  });

  it('turns revoked credentials into a non-retryable upstream_unavailable without a login loop', async () => {
    h = await startHarness();
    h.sandbox.revokeCredentials();
    const error = await toolError(callTool(h, getAccountTool, { id: helix }));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toMatch(/refused the credentials/);
    expect(error.message).not.toContain(h.config.clientSecret);
    expect(h.sandbox.server.requestsTo(TOKEN, 'POST')).toHaveLength(2); // connect + one failed refresh
    // Within the cooldown, a second call does not ask for a token again.
    const again = await toolError(callTool(h, searchAccountsTool, { query: 'helix' }));
    expect(again.code).toBe('upstream_unavailable');
    expect(h.sandbox.server.requestsTo(TOKEN, 'POST')).toHaveLength(2);
  });

  it('refuses bad credentials at connect with upstream_unavailable, naming no secret', async () => {
    const sandbox = await startSalesforceSandbox();
    try {
      const config = SalesforceConfig.parse({
        ...salesforceSandboxConfig(sandbox),
        clientSecret: 'wrong-secret',
      });
      const error = await toolError(
        salesforceConnector.connect(config, { logger: silentLogger(), instance }),
      );
      expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
      expect(error.message).not.toContain('wrong-secret');
      expect(sandbox.server.requestsTo(TOKEN)).toHaveLength(1);
    } finally {
      await sandbox.close();
    }
  });

  it('logs in with the username-password flow for developer orgs', async () => {
    const sandbox = await startSalesforceSandbox();
    try {
      const { credentials } = sandbox;
      const config = SalesforceConfig.parse({
        ...salesforceSandboxConfig(sandbox),
        authFlow: 'password',
        username: credentials.username,
        password: credentials.password,
      });
      const client = await salesforceConnector.connect(config, { logger: silentLogger(), instance });
      expect(client.conn.userInfo?.organizationId).toBe(sandbox.organizationId);
      expect(JSON.stringify(sandbox.server.requestsTo(TOKEN)[0]?.body)).toContain('"grant_type":"password"');
      await expect(
        salesforceConnector.check?.(client, { signal: AbortSignal.timeout(2000) }),
      ).resolves.toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });
});

describe('limits', () => {
  it('maps REQUEST_LIMIT_EXCEEDED to rate_limited with a retry hint, without retrying', async () => {
    h = await startHarness({ dailyApiLimit: 10_000 });
    await callTool(h, getAccountTool, { id: helix });
    expect(h.client.conn.limitInfo.apiUsage?.used).toBeGreaterThan(0);
    h.sandbox.setDailyApiLimit(h.sandbox.apiUsage().used);
    const before = h.sandbox.server.requestsTo(API).length;
    const error = await toolError(callTool(h, searchAccountsTool, { query: 'helix' }));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(60_000);
    const sent = h.sandbox.server.requestsTo(API).slice(before);
    expect(sent.map((r) => r.status)).toEqual([403]);
    expect(h.sandbox.server.requestsTo(TOKEN)).toHaveLength(1);
  });

  it('treats the injected rate-limit fault the same way', async () => {
    h = await startHarness();
    h.sandbox.server.inject({ pathPrefix: API, rateLimit: true });
    const error = await toolError(callTool(h, getAccountTool, { id: helix }));
    expect(error.code).toBe('rate_limited');
    expect(h.sandbox.server.requestsTo(API)).toHaveLength(1);
  });
});

describe('faults', () => {
  it("turns a hung Salesforce into timeout at the call's deadline", async () => {
    h = await startHarness({}, { requestTimeoutMs: 5000 });
    h.sandbox.server.inject({ pathPrefix: API, hang: true });
    const started = performance.now();
    const error = await toolError(callTool(h, getAccountTool, { id: helix }, AbortSignal.timeout(300)));
    expect(error.code).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("turns jsforce's own request timeout into timeout", async () => {
    h = await startHarness({}, { requestTimeoutMs: 500 });
    h.sandbox.server.inject({ pathPrefix: API, hang: true });
    const error = await toolError(callTool(h, getAccountTool, { id: helix }));
    expect(error.code).toBe('timeout');
  });

  it('maps 5xx to upstream_unavailable after the configured single retry of a read', async () => {
    h = await startHarness({}, { retries: 1 });
    h.sandbox.server.inject({ pathPrefix: API, errorRate: 1 });
    const error = await toolError(callTool(h, getAccountTool, { id: helix }));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(h.sandbox.server.requestsTo(API).map((r) => r.status)).toEqual([500, 500]);
  });

  it('maps an unreachable Salesforce to upstream_unavailable', async () => {
    h = await startHarness({}, { retries: 0 });
    const { sandbox } = h;
    await sandbox.close();
    const error = await toolError(callTool(h, getAccountTool, { id: helix }));
    expect(error.code).toBe('upstream_unavailable');
    h = undefined;
  });

  it('fails at once when the signal is already aborted', async () => {
    h = await startHarness();
    const before = h.sandbox.server.requests.length;
    const error = await toolError(callTool(h, getAccountTool, { id: helix }, AbortSignal.abort()));
    expect(error.code).toBe('timeout');
    expect(h.sandbox.server.requests.length).toBe(before);
  });
});

describe('configuration', () => {
  it('marks credentials as secrets, applies defaults and requires username and password for the password flow', () => {
    const shape = SalesforceConfig.shape;
    expect(isSecretSchema(shape.clientId)).toBe(true);
    expect(isSecretSchema(shape.clientSecret)).toBe(true);
    expect(isSecretSchema(shape.password.unwrap())).toBe(true);
    expect(SalesforceConfig.parse({ clientId: 'id', clientSecret: 'secret' })).toEqual({
      loginUrl: 'https://login.salesforce.com',
      version: '62.0',
      authFlow: 'client_credentials',
      clientId: 'id',
      clientSecret: 'secret',
      requestTimeoutMs: 10_000,
      retries: 1,
      queryBatchSize: 200,
    });
    expect(
      SalesforceConfig.safeParse({ clientId: 'id', clientSecret: 's', authFlow: 'password' }).success,
    ).toBe(false);
    expect(SalesforceConfig.safeParse({ clientId: 'id', clientSecret: 's', version: 'latest' }).success).toBe(
      false,
    );
  });
});
