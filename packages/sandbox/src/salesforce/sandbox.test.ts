import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SalesforceSandbox, startSalesforceSandbox } from './sandbox.js';

/** The emulator's wire behaviour, with plain fetch: what jsforce relies on. */

let now = new Date('2025-06-15T10:00:00Z');
let sandbox: SalesforceSandbox;
const form = (body: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(body).toString(),
});

async function token(grant: Record<string, string> = {}): Promise<Response> {
  const { clientId, clientSecret } = sandbox.credentials;
  return fetch(
    `${sandbox.url}/services/oauth2/token`,
    form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, ...grant }),
  );
}

async function accessToken(): Promise<string> {
  const body: unknown = await (await token()).json();
  if (
    typeof body !== 'object' ||
    body === null ||
    !('access_token' in body) ||
    typeof body.access_token !== 'string'
  ) {
    throw new Error('no token');
  }
  return body.access_token;
}

const api = (path: string, auth: string, init: RequestInit = {}) =>
  fetch(`${sandbox.url}/services/data/v62.0${path}`, {
    ...init,
    headers: { authorization: `Bearer ${auth}`, ...(init.headers ?? {}) },
  });

beforeAll(async () => {
  sandbox = await startSalesforceSandbox({
    asOf: now,
    now: () => now,
    tokenTtlMs: 60_000,
    dailyApiLimit: 1000,
  });
});
afterAll(async () => sandbox.close());

describe('Salesforce sandbox: OAuth', () => {
  it('issues tokens for client credentials and password grants with instance_url and id URL', async () => {
    const response = await token();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      access_token: expect.any(String),
      instance_url: sandbox.url,
      id: `${sandbox.url}/id/${sandbox.organizationId}/${sandbox.integrationUserId}`,
      token_type: 'Bearer',
      issued_at: String(now.getTime()),
      signature: expect.any(String),
    });
    const { username, password } = sandbox.credentials;
    expect((await token({ grant_type: 'password', username, password })).status).toBe(200);
    const refresh = sandbox.issueRefreshToken();
    expect((await token({ grant_type: 'refresh_token', refresh_token: refresh })).status).toBe(200);
  });

  it('refuses bad credentials and unknown grants with OAuth errors', async () => {
    expect(await (await token({ client_secret: 'nope' })).json()).toEqual({
      error: 'invalid_client',
      error_description: 'invalid client credentials',
    });
    const badUser = await token({ grant_type: 'password', username: 'x', password: 'y' });
    expect(badUser.status).toBe(400);
    expect(await badUser.json()).toMatchObject({ error: 'invalid_grant' });
    expect(await (await token({ grant_type: 'authorization_code' })).json()).toMatchObject({
      error: 'unsupported_grant_type',
    });
  });

  it('answers 401 INVALID_SESSION_ID only for unknown, expired or revoked tokens', async () => {
    const auth = await accessToken();
    expect((await api('/limits', auth)).status).toBe(200);
    expect((await api('/limits', 'forged')).status).toBe(401);
    now = new Date(now.getTime() + 61_000);
    const expired = await api('/limits', auth);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual([
      { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
    ]);
    const fresh = await accessToken();
    sandbox.expireTokens();
    expect((await api('/limits', fresh)).status).toBe(401);
    sandbox.revokeCredentials();
    expect((await token()).status).toBe(400);
    sandbox.restoreCredentials();
    // Errors that are not about the session are never 401 (jsforce would log in again).
    const live = await accessToken();
    expect((await api('/sobjects/Account/001000000000000AAA', live)).status).toBe(404);
    expect((await api('/query?q=SELECT+Nope+FROM+Account', live)).status).toBe(400);
    expect(
      (
        await fetch(`${sandbox.url}/services/data/v12.0/limits`, {
          headers: { authorization: `Bearer ${live}` },
        })
      ).status,
    ).toBe(404);
  });
});

describe('Salesforce sandbox: REST', () => {
  it('pages a query by batchSize and locator, with Sforce-Limit-Info on every response', async () => {
    const auth = await accessToken();
    const q = encodeURIComponent('SELECT Id, Name FROM Account ORDER BY Name');
    const first = await api(`/query?q=${q}`, auth, { headers: { 'Sforce-Query-Options': 'batchSize=10' } });
    expect(first.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/1000$/);
    const page: unknown = await first.json();
    expect(page).toMatchObject({
      done: false,
      nextRecordsUrl: expect.stringMatching(/^\/services\/data\/v62\.0\/query\/01g\w+-10$/),
    });
    const records: unknown[] = [];
    let next = page;
    while (typeof next === 'object' && next !== null && 'records' in next && Array.isArray(next.records)) {
      records.push(...next.records);
      if (!('nextRecordsUrl' in next) || typeof next.nextRecordsUrl !== 'string') break;
      const response = await fetch(`${sandbox.url}${next.nextRecordsUrl}`, {
        headers: { authorization: `Bearer ${auth}`, 'Sforce-Query-Options': 'batchSize=10' },
      });
      next = await response.json();
    }
    expect(records).toHaveLength(sandbox.records('Account').length);
    expect((await api('/query/01gdoesnotexist-10', auth)).status).toBe(400);
  });

  it('creates with 201, updates with 204, validates fields and picklists, and retrieves', async () => {
    const auth = await accessToken();
    const account = sandbox.records('Account')[0];
    const created = await api('/sobjects/Task', auth, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Subject: 'Call', WhatId: account?.Id }),
    });
    expect(created.status).toBe(201);
    const body: unknown = await created.json();
    expect(body).toMatchObject({ success: true, errors: [] });
    const id = typeof body === 'object' && body !== null && 'id' in body ? String(body.id) : '';
    const task = await (await api(`/sobjects/Task/${id}?fields=Status,AccountId`, auth)).json();
    expect(task).toMatchObject({
      attributes: { type: 'Task' },
      Status: 'Not Started',
      AccountId: account?.Id,
    });
    const patch = await api(`/sobjects/Task/${id}`, auth, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Status: 'Completed' }),
    });
    expect(patch.status).toBe(204);
    const bad = await api(`/sobjects/Task/${id}`, auth, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Status: 'Done-ish', AccountId: account?.Id, Bogus: 1 }),
    });
    expect(bad.status).toBe(400);
    const errors: unknown = await bad.json();
    const codes = (Array.isArray(errors) ? errors : [])
      .map((error: unknown) =>
        typeof error === 'object' && error !== null && 'errorCode' in error ? String(error.errorCode) : '',
      )
      .sort();
    expect(codes).toEqual([
      'INVALID_FIELD',
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    ]);
    const missing = await api('/sobjects/Contact', auth, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ FirstName: 'No' }),
    });
    expect(await missing.json()).toMatchObject([{ errorCode: 'REQUIRED_FIELD_MISSING' }]);
  });

  it('answers SOSL searches and a describe with picklist values', async () => {
    const auth = await accessToken();
    const sosl = encodeURIComponent('FIND {maya.lindqvist} IN EMAIL FIELDS RETURNING Contact(Id, Email)');
    expect(await (await api(`/search?q=${sosl}`, auth)).json()).toMatchObject({
      searchRecords: [{ attributes: { type: 'Contact' }, Email: 'maya.lindqvist@helix-robotics.com' }],
    });
    const describe = await (await api('/sobjects/Opportunity/describe', auth)).json();
    expect(JSON.stringify(describe)).toContain('"value":"Closed Won"');
  });

  it('answers 403 REQUEST_LIMIT_EXCEEDED when the rolling allocation is spent, until the window moves on', async () => {
    const auth = await accessToken();
    const used = sandbox.apiUsage().used;
    sandbox.setDailyApiLimit(used);
    const refused = await api('/limits', auth);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    expect(refused.headers.get('sforce-limit-info')).toBe(`api-usage=${used}/${used}`);
    now = new Date(now.getTime() + 86_400_001);
    expect((await api('/limits', await accessToken())).status).toBe(200);
    sandbox.setDailyApiLimit(1000);
  });

  it('answers injected faults the Salesforce way', async () => {
    const auth = await accessToken();
    sandbox.server.inject({ pathPrefix: '/services/data', errorRate: 1 });
    const error = await api('/limits', auth);
    expect(error.status).toBe(500);
    expect(await error.json()).toMatchObject([{ errorCode: 'UNKNOWN_EXCEPTION' }]);
    sandbox.server.clearFaults();
    sandbox.server.inject({ pathPrefix: '/services/data', rateLimit: true });
    expect(await (await api('/limits', auth)).json()).toMatchObject([
      { errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    sandbox.server.clearFaults();
  });
});
