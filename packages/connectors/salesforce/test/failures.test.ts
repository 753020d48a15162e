import { classifyFailure, isSecretSchema } from '@switchboard/kit';
import {
  callTool,
  closeAfterEach,
  countingHooks,
  must,
  silentLogger,
  testUpstream,
  toolError,
} from '@switchboard/kit/testing';
import { demoDataset, findCustomer, HERO, startSalesforceSandbox } from '@switchboard/sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUTH_COOLDOWN_MS,
  CredentialsRefused,
  createClient,
  describeFailure,
  getAccountTool,
  SalesforceConfig,
  SalesforceHttpError,
  salesforceConnector,
  salesforceProfile,
  searchAccountsTool,
} from '../src/index.js';
import { sandboxConfig } from '../src/testing.js';
import { connect, startHarness } from './harness.js';

/** Sessions, credentials, limits and faults: what happens when Salesforce is not well. */

const helix = must(findCustomer(demoDataset(), HERO.everywhere).presence.salesforce?.accountId, 'helix');
const TOKEN = '/services/oauth2/token';
const API = '/services/data/';

const track = closeAfterEach(afterEach);

describe('sessions and credentials', () => {
  it('refreshes an expired session once mid-run and the call succeeds', async () => {
    const h = track(await startHarness());
    await callTool(getAccountTool, { id: helix }, h.ctx());
    h.sandbox.expireTokens();
    h.sandbox.server.clearLog();
    const hooks = countingHooks();
    const detail = await callTool(getAccountTool, { id: helix }, h.ctx({ hooks }));
    expect(detail.account.source.id).toBe(helix);
    expect(h.sandbox.server.requestsTo(TOKEN, 'POST')).toHaveLength(1);
    const grants = h.sandbox.server.requestsTo(TOKEN).map((r) => JSON.stringify(r.body));
    expect(grants.every((body) => body.includes('"grant_type":"client_credentials"'))).toBe(true);
    // The refused request and its replay are one jsforce call, so one run and one quota token:
    // Salesforce counts neither the 401 nor the login against the allocation.
    const api = h.sandbox.server.requestsTo(API);
    expect(api.filter((r) => r.status === 401)).toHaveLength(1);
    expect(hooks.acquired).toHaveLength(api.length - 1);
    expect(hooks.requests.every((r) => r.outcome === 'ok')).toBe(true);
  });

  it('turns revoked credentials into a non-retryable upstream_unavailable without a login loop', async () => {
    const h = track(await startHarness());
    h.sandbox.revokeCredentials();
    const error = await toolError(callTool(getAccountTool, { id: helix }, h.ctx()));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toMatch(/refused the credentials/);
    expect(error.message).not.toContain(h.config.clientSecret);
    expect(h.sandbox.server.requestsTo(TOKEN, 'POST')).toHaveLength(2); // connect + one failed refresh
    // Within the cooldown, a second call does not ask for a token again.
    const again = await toolError(callTool(searchAccountsTool, { query: 'helix' }, h.ctx()));
    expect(again).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(h.sandbox.server.requestsTo(TOKEN, 'POST')).toHaveLength(2);
  });

  it('asks for a token again once the cooldown after a refusal has passed', async () => {
    const sandbox = track(await startSalesforceSandbox());
    let clock = 0;
    const config = SalesforceConfig.parse(sandboxConfig(sandbox));
    const client = createClient(config, silentLogger(), () => clock);
    sandbox.revokeCredentials();
    await expect(client.authenticate()).rejects.toBeInstanceOf(CredentialsRefused);
    clock += AUTH_COOLDOWN_MS - 1;
    await expect(client.authenticate()).rejects.toBeInstanceOf(CredentialsRefused);
    expect(sandbox.server.requestsTo(TOKEN)).toHaveLength(1);
    sandbox.restoreCredentials();
    clock += 1;
    await client.authenticate();
    expect(sandbox.server.requestsTo(TOKEN)).toHaveLength(2);
  });

  it('refuses bad credentials at connect with upstream_unavailable, naming no secret', async () => {
    const sandbox = track(await startSalesforceSandbox());
    const error = await toolError(connect(sandbox, { clientSecret: 'wrong-secret' }));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).not.toContain('wrong-secret');
    expect(sandbox.server.requestsTo(TOKEN)).toHaveLength(1);
  });

  it('logs in with the username-password flow for developer orgs', async () => {
    const sandbox = track(await startSalesforceSandbox());
    const { username, password } = sandbox.credentials;
    const { client } = await connect(sandbox, { authFlow: 'password', username, password });
    expect(client.conn.userInfo?.organizationId).toBe(sandbox.organizationId);
    expect(JSON.stringify(sandbox.server.requestsTo(TOKEN)[0]?.body)).toContain('"grant_type":"password"');
    await expect(
      salesforceConnector.check?.(client, { signal: AbortSignal.timeout(2000) }),
    ).resolves.toBeUndefined();
  });
});

describe('daily limit', () => {
  it('maps REQUEST_LIMIT_EXCEEDED to a non-retryable rate_limited, sent once', async () => {
    const h = track(await startHarness({ dailyApiLimit: 10_000 }));
    await callTool(getAccountTool, { id: helix }, h.ctx());
    h.sandbox.setDailyApiLimit(h.sandbox.apiUsage().used);
    const before = h.sandbox.server.requestsTo(API).length;
    const hooks = countingHooks();
    const error = await toolError(callTool(searchAccountsTool, { query: 'helix' }, h.ctx({ hooks })));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: false });
    expect(error.message).toContain('daily API allocation is used up');
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(60_000);
    const sent = h.sandbox.server.requestsTo(API).slice(before);
    expect(sent.map((r) => r.status)).toEqual([403]);
    expect(hooks.requests).toEqual([{ name: 'query', outcome: 'rate_limited' }]);
    expect(h.sandbox.server.requestsTo(TOKEN)).toHaveLength(1);
    await expect(
      salesforceConnector.check?.(h.client, { signal: AbortSignal.timeout(2000) }),
    ).rejects.toThrow();
  });

  it("treats the emulator's injected limit fault the same way", async () => {
    const h = track(await startHarness());
    h.sandbox.server.inject({ pathPrefix: API, rateLimit: true });
    const error = await toolError(callTool(getAccountTool, { id: helix }, h.ctx()));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: false });
    expect(h.sandbox.server.requestsTo(API)).toHaveLength(1);
  });
});

describe('faults', () => {
  it("turns a hung Salesforce into timeout at the call's deadline", async () => {
    const h = track(await startHarness({}, { requestTimeoutMs: 5000 }));
    h.sandbox.server.inject({ pathPrefix: API, hang: true });
    const error = await toolError(
      callTool(getAccountTool, { id: helix }, h.ctx({ signal: AbortSignal.timeout(300) })),
    );
    expect(error.code).toBe('timeout');
    expect(error.message).toContain("did not answer before the call's deadline");
  });

  it('turns a hung Salesforce into timeout at the per-request timeout', async () => {
    const h = track(await startHarness({}, { requestTimeoutMs: 500 }));
    h.sandbox.server.inject({ pathPrefix: API, hang: true });
    const hooks = countingHooks();
    const error = await toolError(callTool(getAccountTool, { id: helix }, h.ctx({ hooks })));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('limit 500 ms per request');
    expect(hooks.requests).toEqual([{ name: 'query', outcome: 'timeout' }]);
  });

  it('maps 5xx to upstream_unavailable after the configured single retry of a read, each a request', async () => {
    const h = track(await startHarness({}, { retries: 1 }));
    h.sandbox.server.inject({ pathPrefix: API, errorRate: 1 });
    const hooks = countingHooks();
    const error = await toolError(callTool(getAccountTool, { id: helix }, h.ctx({ hooks })));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).toContain('HTTP 500');
    expect(h.sandbox.server.requestsTo(API).map((r) => r.status)).toEqual([500, 500]);
    expect(hooks.acquired).toHaveLength(2);
  });

  it('maps an unreachable Salesforce to upstream_unavailable', async () => {
    // Closed here, before the call: nothing answers at its address any more.
    const h = await startHarness({}, { retries: 0 });
    await h.close();
    const error = await toolError(callTool(getAccountTool, { id: helix }, h.ctx()));
    expect(error.code).toBe('upstream_unavailable');
  });

  it('fails at once when the signal is already aborted, taking no token', async () => {
    const h = track(await startHarness());
    const before = h.sandbox.server.requests.length;
    const hooks = countingHooks();
    const error = await toolError(
      callTool(getAccountTool, { id: helix }, h.ctx({ signal: AbortSignal.abort(), hooks })),
    );
    expect(error.code).toBe('timeout');
    expect(h.sandbox.server.requests.length).toBe(before);
    expect(hooks.acquired).toEqual([]);
  });
});

describe('declared rules', () => {
  it('explains INVALID_FIELD and MALFORMED_QUERY as invalid_input', async () => {
    const h = track(await startHarness());
    const { client } = h;
    const upstream = testUpstream(salesforceProfile(h.config));
    const field = await toolError(
      upstream.run('query', () => client.conn.request('/query?q=SELECT+Id,+Secret__c+FROM+Account')),
    );
    expect(field).toMatchObject({ code: 'invalid_input' });
    expect(field.message).toContain('INVALID_FIELD');
    expect(field.message).toContain('Check the field names');
    const soql = encodeURIComponent('SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry');
    const malformed = await toolError(upstream.run('query', () => client.conn.request(`/query?q=${soql}`)));
    expect(malformed).toMatchObject({ code: 'invalid_input' });
    expect(malformed.message).toContain('MALFORMED_QUERY');
  });

  it('maps NOT_FOUND and ENTITY_IS_DELETED to not_found', async () => {
    const h = track(await startHarness());
    const { client } = h;
    const missing = await toolError(
      testUpstream(salesforceProfile(h.config)).run('sobjects.update', () =>
        client.conn.sobject('Opportunity').update({ Id: '006000000000000AAA', StageName: 'Closed Won' }),
      ),
    );
    expect(missing).toMatchObject({ code: 'not_found' });
    expect(missing.message).toContain('Salesforce has no such record');
    const deleted = describeFailure(
      new SalesforceHttpError(
        404,
        [{ errorCode: 'ENTITY_IS_DELETED', message: 'entity is deleted' }],
        'GET /x',
      ),
    );
    const { error } = classifyFailure(must(deleted, 'failure'), salesforceProfile(h.config));
    expect(error.code).toBe('not_found');
  });

  it('leaves errors that are not Salesforce answers to the kit as internal', () => {
    expect(describeFailure(new TypeError('x is undefined'))).toBeUndefined();
    expect(describeFailure('thrown string')).toBeUndefined();
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
