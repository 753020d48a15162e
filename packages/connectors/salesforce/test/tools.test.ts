import { demoDataset, findCustomer, HERO, HERO_EMAILS } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountResource,
  crmAdapter,
  getAccountTool,
  listOpportunitiesTool,
  logActivityTool,
  queryTool,
  searchAccountsTool,
  searchContactsTool,
  updateOpportunityStageTool,
} from '../src/index.js';
import { callTool, type Harness, instance, startHarness, toolError } from './harness.js';

/** Every tool through jsforce against the sandbox; expected values come from the dataset. */

const dataset = demoDataset();
const sf = dataset.salesforce;
const accountOf = (key: string) => {
  const id = findCustomer(dataset, key).presence.salesforce?.accountId;
  if (id === undefined) throw new Error(`${key} is not in Salesforce`);
  return id;
};
const helix = accountOf(HERO.everywhere);
const UNKNOWN_ACCOUNT = '001000000000000AAA';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({}, { queryBatchSize: 5 });
});
afterAll(async () => h.close());

describe('search_accounts', () => {
  it('walks a name search page by page and returns every match exactly once, by name', async () => {
    const expected = sf.accounts
      .filter((account) => account.name.toLowerCase().includes('er'))
      .map((a) => a.id);
    expect(expected.length).toBeGreaterThan(6);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await callTool(h, searchAccountsTool, {
        query: 'ER',
        limit: 3,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.accounts.length).toBeLessThanOrEqual(3);
      seen.push(...page.accounts.map((account) => account.source.id));
      for (const account of page.accounts) expect(account.matchedBy).toBe('name');
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined && pages < 50);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...expected].sort());
    const names = seen.map((id) => sf.accounts.find((a) => a.id === id)?.name.toLowerCase() ?? '');
    expect(names).toEqual([...names].sort());
  });

  it('finds an account by a contact email, by domain, and labels the strongest match', async () => {
    const byEmail = await callTool(h, searchAccountsTool, { email: HERO_EMAILS.everywhere.toUpperCase() });
    expect(byEmail.accounts.map((a) => [a.source.id, a.matchedBy])).toEqual([[helix, 'email']]);
    const byDomain = await callTool(h, searchAccountsTool, {
      domain: 'https://www.helix-robotics.com/about',
    });
    expect(byDomain.accounts).toMatchObject([
      { source: { id: helix }, matchedBy: 'domain', domain: 'helix-robotics.com' },
    ]);
    const both = await callTool(h, searchAccountsTool, { email: HERO_EMAILS.everywhere, query: 'Helix' });
    expect(both.accounts).toMatchObject([
      { source: { id: helix, system: 'salesforce', instance: 'salesforce' }, matchedBy: 'email' },
    ]);
    expect(both.accounts[0]).toMatchObject({
      name: 'Helix Robotics AB',
      country: 'SE',
      city: 'Gothenburg',
      owner: 'Elena Petrova',
    });
    expect(both.accounts[0]?.annualRevenue).toEqual({ amount: 310_000_000, currency: 'EUR' });
  });

  it('resolves a free-mail contact by exact email but never by the free-mail domain', async () => {
    const moreau = findCustomer(dataset, HERO.freeMail).presence.salesforce?.accountId;
    const byEmail = await callTool(h, searchAccountsTool, { email: HERO_EMAILS.freeMail });
    expect(byEmail.accounts.map((a) => a.source.id)).toEqual(moreau ? [moreau] : []);
    const byDomain = await callTool(h, searchAccountsTool, { domain: 'gmail.com' });
    expect(byDomain.accounts).toEqual([]);
  });

  it('treats quotes, backslashes and wildcards in the search text as text (no SOQL injection)', async () => {
    for (const query of ["x' OR Name LIKE '%", '%%', '__', "\\' OR Id != null OR Name = \\'", 'Helix\\']) {
      const page = await callTool(h, searchAccountsTool, { query });
      expect(page.accounts, query).toEqual([]);
    }
  });

  it('refuses a cursor issued for other filters and a forged cursor with invalid_input', async () => {
    const first = await callTool(h, searchAccountsTool, { query: 'en', limit: 2 });
    expect(first.nextCursor).toBeDefined();
    const other = await toolError(callTool(h, searchAccountsTool, { query: 'ro', cursor: first.nextCursor }));
    expect(other.code).toBe('invalid_input');
    const forged = await toolError(
      callTool(h, searchAccountsTool, { query: 'en', cursor: 'bm90LWEtY3Vyc29y' }),
    );
    expect(forged.code).toBe('invalid_input');
  });
});

describe('get_account', () => {
  it('includes the contacts and only the open opportunities of the account', async () => {
    const detail = await callTool(h, getAccountTool, { id: helix.slice(0, 15) });
    expect(detail.account.source.id).toBe(helix);
    const contacts = sf.contacts.filter((c) => c.accountId === helix);
    expect(detail.contacts.map((c) => c.email).sort()).toEqual(contacts.map((c) => c.email).sort());
    expect(detail.contacts.every((c) => c.accountId === helix && c.accountName === 'Helix Robotics AB')).toBe(
      true,
    );
    const open = sf.opportunities.filter((o) => o.accountId === helix && !o.isClosed);
    expect(open.length).toBeGreaterThan(0);
    expect(detail.openOpportunities.map((o) => o.source.id).sort()).toEqual(open.map((o) => o.id).sort());
    expect(detail.openOpportunities.every((o) => !o.isClosed)).toBe(true);
    expect(detail.contactsTruncated).toBe(false);
  });

  it('answers an unknown id with not_found naming the id and the search tool', async () => {
    const error = await toolError(callTool(h, getAccountTool, { id: UNKNOWN_ACCOUNT }));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain(UNKNOWN_ACCOUNT);
    expect(error.message).toContain('salesforce__search_accounts');
  });

  it('refuses malformed ids and ids of other objects before calling Salesforce', async () => {
    const before = h.sandbox.server.requests.length;
    for (const id of ["001' OR Id != null", '0037W00000YI4z4QAD', '0017W00000du1HuQAX']) {
      expect(getAccountTool.input.safeParse({ id }).success, id).toBe(false);
    }
    expect(h.sandbox.server.requests.length).toBe(before);
  });

  it('serves the accounts/{id} resource with the same data', async () => {
    const content = await accountResource.read(accountResource.params.parse({ id: helix }), h.ctx());
    expect(content.json).toEqual(await callTool(h, getAccountTool, { id: helix }));
  });
});

describe('search_contacts and list_opportunities', () => {
  it('walks the contacts of an account page by page', async () => {
    const lumen = accountOf(HERO.healthy);
    const expected = sf.contacts.filter((c) => c.accountId === lumen).map((c) => c.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await callTool(h, searchContactsTool, {
        accountId: lumen,
        limit: 1,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.contacts.map((c) => c.source.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(seen.sort()).toEqual([...expected].sort());
  });

  it('finds a contact by exact email and by part of the name', async () => {
    const byEmail = await callTool(h, searchContactsTool, { email: HERO_EMAILS.crmConflict });
    expect(byEmail.contacts).toMatchObject([
      { email: HERO_EMAILS.crmConflict, accountId: accountOf(HERO.crmConflict) },
    ]);
    const byName = await callTool(h, searchContactsTool, { query: 'lindqvist' });
    expect(byName.contacts.map((c) => c.email)).toContain(HERO_EMAILS.everywhere);
  });

  it('walks the open pipeline page by page, soonest close first, each opportunity once', async () => {
    const expected = sf.opportunities.filter((o) => !o.isClosed).map((o) => o.id);
    const seen: string[] = [];
    const dates: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await callTool(h, listOpportunitiesTool, { limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.opportunities.map((o) => o.source.id));
      dates.push(...page.opportunities.map((o) => o.closeDate ?? ''));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([...expected].sort());
    expect(dates).toEqual([...dates].sort());
  });

  it('filters by account, status and stage', async () => {
    const all = await callTool(h, listOpportunitiesTool, { accountId: helix, status: 'all' });
    expect(all.opportunities).toHaveLength(sf.opportunities.filter((o) => o.accountId === helix).length);
    const won = await callTool(h, listOpportunitiesTool, { accountId: helix, status: 'won' });
    expect(won.opportunities.every((o) => o.isWon === true)).toBe(true);
    const stage = await callTool(h, listOpportunitiesTool, {
      status: 'all',
      stage: 'Closed Lost',
      limit: 100,
    });
    expect(stage.opportunities.length).toBe(
      sf.opportunities.filter((o) => o.stageName === 'Closed Lost').length,
    );
  });
});

describe('writes', () => {
  it('log_activity creates a task that get_account shows next', async () => {
    const maya = sf.contacts.find((c) => c.email === HERO_EMAILS.everywhere);
    const logged = await callTool(h, logActivityTool, {
      recordId: helix,
      contactId: maya?.id,
      subject: "Call: line 4 'go-live' plan",
      description: 'Agreed on a pilot in June.',
    });
    expect(logged.activity).toMatchObject({
      relatedToId: helix,
      contactId: maya?.id,
      accountId: helix,
      status: 'Completed',
      type: 'Call',
    });
    const detail = await callTool(h, getAccountTool, { id: helix });
    expect(detail.recentActivities[0]).toEqual(logged.activity);
    const invalidated = logActivityTool.invalidates?.(
      logActivityTool.input.parse({ recordId: helix, subject: 'x' }),
      logged,
    );
    expect(invalidated).toContain(`salesforce:account:${helix}`);
  });

  it('log_activity on a contact derives the account; an unknown record is not_found', async () => {
    const maya = sf.contacts.find((c) => c.email === HERO_EMAILS.everywhere);
    const logged = await callTool(h, logActivityTool, {
      recordId: maya?.id ?? '',
      subject: 'Email sent',
      type: 'Email',
    });
    expect(logged.activity).toMatchObject({ contactId: maya?.id, accountId: helix });
    const unknown = '006000000000000AAA';
    const error = await toolError(callTool(h, logActivityTool, { recordId: unknown, subject: 'x' }));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain(unknown);
    expect(error.message).toContain('salesforce__list_opportunities');
  });

  it('update_opportunity_stage moves a deal, the next read sees it, and a repeat changes nothing', async () => {
    const open = sf.opportunities.find((o) => o.accountId === helix && !o.isClosed);
    if (open === undefined) throw new Error('no open opportunity');
    const result = await callTool(h, updateOpportunityStageTool, {
      opportunityId: open.id,
      stage: 'Closed Won',
    });
    expect(result.previousStage).toBe(open.stageName);
    expect(result.opportunity).toMatchObject({
      stage: 'Closed Won',
      isClosed: true,
      isWon: true,
      probability: 100,
    });
    const detail = await callTool(h, getAccountTool, { id: helix });
    expect(detail.openOpportunities.map((o) => o.source.id)).not.toContain(open.id);
    const won = await callTool(h, listOpportunitiesTool, { accountId: helix, status: 'won' });
    expect(won.opportunities.map((o) => o.source.id)).toContain(open.id);
    const again = await callTool(h, updateOpportunityStageTool, {
      opportunityId: open.id,
      stage: 'Closed Won',
    });
    expect(again).toMatchObject({ previousStage: 'Closed Won', opportunity: { stage: 'Closed Won' } });
    expect(
      h.sandbox.server.requestsTo('/services/data/v62.0/sobjects/Opportunity/', 'PATCH').at(-1)?.status,
    ).toBe(204);
  });

  it('update_opportunity_stage refuses an unknown stage listing the valid ones, and an unknown id', async () => {
    const open = sf.opportunities.find((o) => !o.isClosed && o.accountId !== helix);
    const stage = await toolError(
      callTool(h, updateOpportunityStageTool, { opportunityId: open?.id ?? '', stage: 'Won-ish' }),
    );
    expect(stage.code).toBe('invalid_input');
    expect(stage.message).toContain('Negotiation/Review');
    const unknown = await toolError(
      callTool(h, updateOpportunityStageTool, { opportunityId: '006000000000000AAA', stage: 'Closed Won' }),
    );
    expect(unknown.code).toBe('not_found');
    expect(unknown.message).toContain('006000000000000AAA');
    expect(unknown.message).toContain('salesforce__list_opportunities');
  });
});

describe('query', () => {
  it('runs a SELECT with relationship fields and walks its pages with the cursor (batchSize 5)', async () => {
    const soql = `SELECT Id, Name, Account.Name FROM Contact WHERE AccountId = '${helix}' ORDER BY Name`;
    const expected = sf.contacts.filter((c) => c.accountId === helix);
    const first = await callTool(h, queryTool, { soql });
    expect(first.limitCapped).toBe(true);
    expect(first.totalSize).toBe(expected.length);
    const rows = [...first.records];
    let cursor = first.nextCursor;
    while (cursor !== undefined) {
      const next = await callTool(h, queryTool, { soql, cursor });
      rows.push(...next.records);
      cursor = next.nextCursor;
    }
    expect(rows).toHaveLength(expected.length);
    expect(rows[0]).toEqual({
      Id: expect.any(String),
      Name: expect.any(String),
      Account: { Name: 'Helix Robotics AB' },
    });
    const headers = h.sandbox.server
      .requestsTo('/services/data/v62.0/query')
      .map((r) => r.headers['sforce-query-options']);
    expect(headers).toContain('batchSize=5');
  });

  it('caps LIMIT at 200', async () => {
    const result = await callTool(h, queryTool, { soql: 'SELECT Id FROM Contact LIMIT 5000' });
    expect(result).toMatchObject({
      limit: 200,
      limitCapped: true,
      totalSize: Math.min(200, sf.contacts.length),
    });
    const small = await callTool(h, queryTool, { soql: 'SELECT Id FROM Contact LIMIT 3' });
    expect(small).toMatchObject({ limit: 3, limitCapped: false, totalSize: 3 });
    const sent = h.sandbox.server
      .requestsTo('/services/data/v62.0/query')
      .map((r) => decodeURIComponent(r.query));
    expect(sent.some((q) => q.includes('LIMIT 200') && !q.includes('5000'))).toBe(true);
  });

  it('refuses DML, several statements, FOR UPDATE and non-SELECT input with invalid_input, calling nothing', async () => {
    const before = h.sandbox.server.requests.length;
    for (const soql of [
      "DELETE FROM Account WHERE Name = 'x'",
      "UPDATE Account SET Name = 'x'",
      'SELECT Id FROM Account; DELETE FROM Account',
      'SELECT Id FROM Account;',
      'SELECT Id FROM Account FOR UPDATE',
      'describe Account please',
      "INSERT INTO Task (Subject) VALUES ('x')",
    ]) {
      const error = await toolError(callTool(h, queryTool, { soql }));
      expect(error.code, soql).toBe('invalid_input');
    }
    expect(h.sandbox.server.requests.length).toBe(before);
    // A semicolon inside a string literal is data, not a second statement.
    const literal = await callTool(h, queryTool, { soql: "SELECT Id FROM Account WHERE Name = 'a;b'" });
    expect(literal.records).toEqual([]);
  });

  it("passes Salesforce's diagnosis of unsupported or wrong SOQL back as invalid_input", async () => {
    const group = await toolError(
      callTool(h, queryTool, { soql: 'SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry' }),
    );
    expect(group.code).toBe('invalid_input');
    expect(group.message).toContain('MALFORMED_QUERY');
    const field = await toolError(callTool(h, queryTool, { soql: 'SELECT Id, Secret__c FROM Account' }));
    expect(field.message).toContain('INVALID_FIELD');
  });
});

describe('CRM capability', () => {
  const crm = () => crmAdapter(h.client, instance);
  const options = () => ({ signal: AbortSignal.timeout(10_000) });

  it('finds accounts by id, external id, email, domain and name, reporting how', async () => {
    expect((await crm().findAccounts({ id: helix }, options()))[0]).toMatchObject({ matchedBy: 'id' });
    expect((await crm().findAccounts({ externalIds: { salesforce: helix } }, options()))[0]?.matchedBy).toBe(
      'external_id',
    );
    const byEmail = await crm().findAccounts({ email: HERO_EMAILS.everywhere, name: 'Lumen' }, options());
    expect(byEmail.map((m) => [m.account.source.id, m.matchedBy])).toEqual([[helix, 'email']]);
    expect((await crm().findAccounts({ domain: 'helix-robotics.com' }, options()))[0]?.matchedBy).toBe(
      'domain',
    );
    expect((await crm().findAccounts({ name: 'brightwater' }, options()))[0]).toMatchObject({
      matchedBy: 'name',
      account: { name: 'Brightwater Logistics GmbH', employees: 850, industry: 'Transportation' },
    });
    expect(await crm().findAccounts({ id: UNKNOWN_ACCOUNT, domain: 'nowhere.example' }, options())).toEqual(
      [],
    );
    expect(await crm().findAccounts({ domain: 'fjordoutdoor.no' }, options())).toEqual([]);
  });

  it('returns the account detail in the common models, and not_found for an unknown id', async () => {
    const detail = await crm().getAccountDetail(accountOf(HERO.healthy), options());
    expect(detail.openDeals.length).toBe(
      sf.opportunities.filter((o) => o.accountId === accountOf(HERO.healthy) && !o.isClosed).length,
    );
    expect(detail.openDeals.length).toBeGreaterThanOrEqual(2);
    expect(detail.contacts.length).toBeGreaterThan(0);
    const error = await toolError(crm().getAccountDetail('nope', options()));
    expect(error.code).toBe('not_found');
  });
});
