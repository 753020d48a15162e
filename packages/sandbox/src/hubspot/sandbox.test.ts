import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataset, findCustomer } from '../dataset/generate.js';
import { HERO, HERO_EMAILS } from '../dataset/heroes.js';
import { type HubSpotSandbox, startHubSpotSandbox } from './sandbox.js';

/** Emulator-only behaviour over plain fetch; the connector's tests drive it through @hubspot/api-client. */

const dataset = demoDataset();

describe('HubSpot sandbox', () => {
  let sandbox: HubSpotSandbox;
  let clock = 1_000_000_000_000;

  beforeAll(async () => {
    sandbox = await startHubSpotSandbox({ tenSecondlyLimit: 5, dailyLimit: 12, now: () => clock });
  });
  afterAll(async () => sandbox.close());

  const call = (path: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${sandbox.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${init.token ?? sandbox.accessToken}`,
        'content-type': 'application/json',
      },
    });
  const search = (type: string, body: unknown) =>
    call(`/crm/v3/objects/${type}/search`, { method: 'POST', body: JSON.stringify(body) });

  it("refuses a bad token with 401 and HubSpot's error body, without counting it", async () => {
    sandbox.resetRateLimits();
    const response = await call('/crm/v3/objects/companies/1', { token: 'pat-wrong' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
    const ok = await call(`/crm/v3/objects/companies/${dataset.hubspot.companies[0]?.id}`);
    expect(ok.headers.get('x-hubspot-ratelimit-remaining')).toBe('4');
  });

  it('answers an unknown id with 404 OBJECT_NOT_FOUND naming the id', async () => {
    sandbox.resetRateLimits();
    const response = await call('/crm/v3/objects/deals/999');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      context: { id: ['999'] },
    });
  });

  it('ORs filter groups, ANDs filters, matches CONTAINS_TOKEN wildcards and the association pseudo-property', async () => {
    sandbox.resetRateLimits();
    const helix = findCustomer(dataset, HERO.everywhere);
    const fjord = findCustomer(dataset, HERO.hubspotAndOdooOnly);
    const response = await search('contacts', {
      filterGroups: [
        { filters: [{ propertyName: 'email', operator: 'EQ', value: HERO_EMAILS.everywhere.toUpperCase() }] },
        {
          filters: [
            { propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@fjordoutdoor.no' },
            {
              propertyName: 'associations.company',
              operator: 'EQ',
              value: fjord.presence.hubspot?.companyId,
            },
          ],
        },
      ],
      properties: ['email'],
    });
    const body = (await response.json()) as {
      total: number;
      results: Array<{ properties: { email: string } }>;
    };
    const expected = dataset.hubspot.contacts.filter(
      (c) => c.email === HERO_EMAILS.everywhere || c.customerKey === fjord.key,
    );
    expect(body.total).toBe(expected.length);
    expect(body.results.map((r) => r.properties.email).sort()).toEqual(expected.map((c) => c.email).sort());
    expect(response.headers.get('x-hubspot-ratelimit-remaining')).toBeNull(); // search sends none
    expect(helix.presence.hubspot).toBeDefined();
  });

  it('pages with after and refuses more than 5 groups, 6 filters a group or a limit over 200', async () => {
    sandbox.resetRateLimits();
    const first = (await (await search('companies', { limit: 7 })).json()) as {
      total: number;
      paging?: { next: { after: string } };
    };
    expect(first.total).toBe(dataset.hubspot.companies.length);
    expect(first.paging?.next.after).toBe('7');
    const filter = { propertyName: 'name', operator: 'HAS_PROPERTY' };
    for (const body of [
      { filterGroups: Array.from({ length: 6 }, () => ({ filters: [filter] })) },
      { filterGroups: [{ filters: Array.from({ length: 7 }, () => filter) }] },
      { limit: 201 },
    ]) {
      const response = await search('companies', body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    }
  });

  it('counts a rolling ten-second window: the 6th request in 10 s is refused until the window moves', async () => {
    sandbox.resetRateLimits();
    const path = `/crm/v3/objects/companies/${dataset.hubspot.companies[0]?.id}`;
    for (let i = 0; i < 5; i++) {
      const response = await call(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-hubspot-ratelimit-remaining')).toBe(String(4 - i));
      expect(response.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
      clock += 1000;
    }
    const limited = await call(path);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({
      status: 'error',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
    });
    clock += 5_001; // the first request leaves the window
    expect((await call(path)).status).toBe(200);
    expect((await call(path)).status).toBe(429);
  });

  it('counts a daily budget and answers DAILY once it is spent, until the next UTC day', async () => {
    sandbox.resetRateLimits();
    const path = `/crm/v3/objects/companies/${dataset.hubspot.companies[0]?.id}`;
    for (let i = 0; i < 12; i++) {
      clock += 10_001;
      expect((await call(path)).status).toBe(200);
    }
    clock += 10_001;
    const limited = await call(path);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('0');
    expect(await limited.json()).toMatchObject({ policyName: 'DAILY', errorType: 'RATE_LIMIT' });
    clock += 86_400_000;
    expect((await call(path)).status).toBe(200);
  });

  it('forces 429s of either policy for a number of requests, and TEN_SECONDLY through inject()', async () => {
    sandbox.resetRateLimits();
    const path = `/crm/v3/objects/companies/${dataset.hubspot.companies[0]?.id}`;
    sandbox.injectRateLimit({ policy: 'DAILY', times: 1 });
    expect(await (await call(path)).json()).toMatchObject({ policyName: 'DAILY' });
    expect((await call(path)).status).toBe(200);
    sandbox.server.inject({ rateLimit: true });
    const forced = await call(path);
    sandbox.server.clearFaults();
    expect(forced.status).toBe(429);
    expect(await forced.json()).toMatchObject({ policyName: 'TEN_SECONDLY_ROLLING' });
    expect(sandbox.server.requests.at(-1)).toMatchObject({ fault: 'rate_limit', status: 429 });
  });

  it("answers injected server errors with HubSpot's JSON error body", async () => {
    sandbox.server.inject({ errorRate: 1 });
    const response = await call('/crm/v3/objects/companies/1');
    sandbox.server.clearFaults();
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toMatchObject({ status: 'error', message: 'Bad Gateway' });
  });

  it('pages v4 associations and shows a created note on the next read of the company', async () => {
    sandbox.resetRateLimits();
    const company = findCustomer(dataset, HERO.hubspotAndOdooOnly).presence.hubspot?.companyId ?? '';
    const contacts = dataset.hubspot.contacts.filter((c) => c.companyId === company);
    const first = (await (
      await call(`/crm/v4/objects/companies/${company}/associations/contacts?limit=1`)
    ).json()) as {
      results: Array<{ toObjectId: number; associationTypes: Array<{ typeId: number }> }>;
      paging?: { next: { after: string } };
    };
    expect(first.results).toHaveLength(1);
    expect(first.results[0]?.associationTypes.map((t) => t.typeId)).toEqual([2, 280]);
    expect(first.paging === undefined).toBe(contacts.length === 1);

    const created = await call('/crm/v3/objects/notes', {
      method: 'POST',
      body: JSON.stringify({
        properties: { hs_note_body: 'Called about winter line', hs_timestamp: new Date().toISOString() },
        associations: [
          {
            to: { id: company },
            types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 190 }],
          },
        ],
      }),
    });
    expect(created.status).toBe(201);
    const note = (await created.json()) as { id: string };
    const read = (await (await call(`/crm/v3/objects/companies/${company}?associations=notes`)).json()) as {
      associations?: { notes?: { results: Array<{ id: string }> } };
    };
    expect(read.associations?.notes?.results.map((r) => r.id)).toContain(note.id);
  });
});
