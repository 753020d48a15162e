import {
  allPages,
  callTool,
  must,
  sharedFixture,
  testCallOptions,
  toolError,
} from '@switchboard/kit/testing';
import { demoDataset, findCustomer, HERO, HERO_EMAILS } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountResource,
  crmAdapter,
  getAccountTool,
  listOpportunitiesTool,
  logActivityTool,
  queryTool,
  salesforce,
  searchAccountsTool,
  searchContactsTool,
  updateOpportunityStageTool,
} from '../src/index.js';
import { instance, startHarness } from './harness.js';

/** Every tool through jsforce against the sandbox; expected values come from the dataset. */

const dataset = demoDataset();
const sf = dataset.salesforce;
const accountOf = (key: string) => must(findCustomer(dataset, key).presence.salesforce?.accountId, key);
const helix = accountOf(HERO.everywhere);
const UNKNOWN_ACCOUNT = '001000000000000AAA';

const h = sharedFixture(beforeAll, afterAll, () => startHarness({}, { queryBatchSize: 5 }));

describe('search_accounts', () => {
  it('walks a name search page by page and returns every match exactly once, by name', async () => {
    const expected = sf.accounts
      .filter((account) => account.name.toLowerCase().includes('er'))
      .map((a) => a.id);
    expect(expected.length).toBeGreaterThan(6);
    const pages = await allPages(
      (cursor) =>
        callTool(searchAccountsTool, { query: 'ER', limit: 3, ...(cursor ? { cursor } : {}) }, h().ctx()),
      50,
    );
    for (const page of pages) expect(page.accounts.length).toBeLessThanOrEqual(3);
    const accounts = pages.flatMap((page) => page.accounts);
    for (const account of accounts) expect(account.matchedBy).toBe('name');
    const seen = accounts.map((account) => account.source.id);
    expect(pages.length).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...expected].sort());
    const names = seen.map((id) => sf.accounts.find((a) => a.id === id)?.name.toLowerCase() ?? '');
    expect(names).toEqual([...names].sort());
  });

  it('finds an account by a contact email, by domain, and labels the strongest match', async () => {
    const byEmail = await callTool(
      searchAccountsTool,
      { email: HERO_EMAILS.everywhere.toUpperCase() },
      h().ctx(),
    );
    expect(byEmail.accounts.map((a) => [a.source.id, a.matchedBy])).toEqual([[helix, 'email']]);
    const byDomain = await callTool(
      searchAccountsTool,
      {
        domain: 'https://www.helix-robotics.com/about',
      },
      h().ctx(),
    );
    expect(byDomain.accounts).toMatchObject([
      { source: { id: helix }, matchedBy: 'domain', domain: 'helix-robotics.com' },
    ]);
    const both = await callTool(
      searchAccountsTool,
      { email: HERO_EMAILS.everywhere, query: 'Helix' },
      h().ctx(),
    );
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
    const byEmail = await callTool(searchAccountsTool, { email: HERO_EMAILS.freeMail }, h().ctx());
    expect(byEmail.accounts.map((a) => a.source.id)).toEqual(moreau ? [moreau] : []);
    const byDomain = await callTool(searchAccountsTool, { domain: 'gmail.com' }, h().ctx());
    expect(byDomain.accounts).toEqual([]);
  });

  it('treats quotes, backslashes and wildcards in the search text as text (no SOQL injection)', async () => {
    for (const query of ["x' OR Name LIKE '%", '%%', '__', "\\' OR Id != null OR Name = \\'", 'Helix\\']) {
      const page = await callTool(searchAccountsTool, { query }, h().ctx());
      expect(page.accounts, query).toEqual([]);
    }
  });

  it('refuses a cursor issued for other filters and a forged cursor with invalid_input', async () => {
    const first = await callTool(searchAccountsTool, { query: 'en', limit: 2 }, h().ctx());
    expect(first.nextCursor).toBeDefined();
    const other = await toolError(
      callTool(searchAccountsTool, { query: 'ro', cursor: first.nextCursor }, h().ctx()),
    );
    expect(other.code).toBe('invalid_input');
    expect(other.message).toContain('issued for different input');
    const forged = await toolError(
      callTool(searchAccountsTool, { query: 'en', cursor: 'bm90LWEtY3Vyc29y' }, h().ctx()),
    );
    expect(forged.code).toBe('invalid_input');
  });
});

describe('get_account', () => {
  it('includes the contacts and only the open opportunities of the account', async () => {
    const detail = await callTool(getAccountTool, { id: helix.slice(0, 15) }, h().ctx());
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
    const error = await toolError(callTool(getAccountTool, { id: UNKNOWN_ACCOUNT }, h().ctx()));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain(UNKNOWN_ACCOUNT);
    expect(error.message).toContain('salesforce__search_accounts');
  });

  it('refuses malformed ids and ids of other objects before calling Salesforce', async () => {
    const before = h().sandbox.server.requests.length;
    for (const id of ["001' OR Id != null", '0037W00000YI4z4QAD', '0017W00000du1HuQAX']) {
      expect(getAccountTool.input.safeParse({ id }).success, id).toBe(false);
    }
    expect(h().sandbox.server.requests.length).toBe(before);
  });

  it('serves the accounts/{id} resource with the same data', async () => {
    const content = await accountResource.read(accountResource.params.parse({ id: helix }), h().ctx());
    expect(content.json).toEqual(await callTool(getAccountTool, { id: helix }, h().ctx()));
  });
});

describe('search_contacts and list_opportunities', () => {
  it('walks the contacts of an account page by page', async () => {
    const lumen = accountOf(HERO.healthy);
    const expected = sf.contacts.filter((c) => c.accountId === lumen).map((c) => c.id);
    const pages = await allPages((cursor) =>
      callTool(searchContactsTool, { accountId: lumen, limit: 1, ...(cursor ? { cursor } : {}) }, h().ctx()),
    );
    const seen = pages.flatMap((page) => page.contacts.map((c) => c.source.id));
    expect(seen.sort()).toEqual([...expected].sort());
  });

  it('finds a contact by exact email and by part of the name', async () => {
    const byEmail = await callTool(searchContactsTool, { email: HERO_EMAILS.crmConflict }, h().ctx());
    expect(byEmail.contacts).toMatchObject([
      { email: HERO_EMAILS.crmConflict, accountId: accountOf(HERO.crmConflict) },
    ]);
    const byName = await callTool(searchContactsTool, { query: 'lindqvist' }, h().ctx());
    expect(byName.contacts.map((c) => c.email)).toContain(HERO_EMAILS.everywhere);
  });

  it('walks the open pipeline page by page, soonest close first, each opportunity once', async () => {
    const expected = sf.opportunities.filter((o) => !o.isClosed).map((o) => o.id);
    const pages = await allPages((cursor) =>
      callTool(listOpportunitiesTool, { limit: 7, ...(cursor ? { cursor } : {}) }, h().ctx()),
    );
    const opportunities = pages.flatMap((page) => page.opportunities);
    const seen = opportunities.map((o) => o.source.id);
    const dates = opportunities.map((o) => o.closeDate ?? '');
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual([...expected].sort());
    expect(dates).toEqual([...dates].sort());
  });

  it('filters by account, status and stage', async () => {
    const all = await callTool(listOpportunitiesTool, { accountId: helix, status: 'all' }, h().ctx());
    expect(all.opportunities).toHaveLength(sf.opportunities.filter((o) => o.accountId === helix).length);
    const won = await callTool(listOpportunitiesTool, { accountId: helix, status: 'won' }, h().ctx());
    expect(won.opportunities.every((o) => o.isWon === true)).toBe(true);
    const stage = await callTool(
      listOpportunitiesTool,
      {
        status: 'all',
        stage: 'Closed Lost',
        limit: 100,
      },
      h().ctx(),
    );
    expect(stage.opportunities.length).toBe(
      sf.opportunities.filter((o) => o.stageName === 'Closed Lost').length,
    );
  });
});

describe('writes', () => {
  it('log_activity creates a task that get_account shows next', async () => {
    const maya = sf.contacts.find((c) => c.email === HERO_EMAILS.everywhere);
    const logged = await callTool(
      logActivityTool,
      {
        recordId: helix,
        contactId: maya?.id,
        subject: "Call: line 4 'go-live' plan",
        description: 'Agreed on a pilot in June.',
      },
      h().ctx(),
    );
    expect(logged.activity).toMatchObject({
      relatedToId: helix,
      contactId: maya?.id,
      accountId: helix,
      status: 'Completed',
      type: 'Call',
    });
    const detail = await callTool(getAccountTool, { id: helix }, h().ctx());
    expect(detail.recentActivities[0]).toEqual(logged.activity);
    const invalidated = logActivityTool.invalidates?.(
      logActivityTool.input.parse({ recordId: helix, subject: 'x' }),
      logged,
    );
    expect(invalidated).toContain(`salesforce:account:${helix}`);
  });

  it('log_activity on a contact derives the account; an unknown record is not_found', async () => {
    const maya = sf.contacts.find((c) => c.email === HERO_EMAILS.everywhere);
    const logged = await callTool(
      logActivityTool,
      {
        recordId: maya?.id ?? '',
        subject: 'Email sent',
        type: 'Email',
      },
      h().ctx(),
    );
    expect(logged.activity).toMatchObject({ contactId: maya?.id, accountId: helix });
    const unknown = '006000000000000AAA';
    const error = await toolError(callTool(logActivityTool, { recordId: unknown, subject: 'x' }, h().ctx()));
    expect(error.code).toBe('not_found');
    expect(error.message).toContain(unknown);
    expect(error.message).toContain('salesforce__list_opportunities');
  });

  it('update_opportunity_stage moves a deal, the next read sees it, and a repeat changes nothing', async () => {
    const open = sf.opportunities.find((o) => o.accountId === helix && !o.isClosed);
    if (open === undefined) throw new Error('no open opportunity');
    const result = await callTool(
      updateOpportunityStageTool,
      {
        opportunityId: open.id,
        stage: 'Closed Won',
      },
      h().ctx(),
    );
    expect(result.previousStage).toBe(open.stageName);
    expect(result.opportunity).toMatchObject({
      stage: 'Closed Won',
      isClosed: true,
      isWon: true,
      probability: 100,
    });
    const detail = await callTool(getAccountTool, { id: helix }, h().ctx());
    expect(detail.openOpportunities.map((o) => o.source.id)).not.toContain(open.id);
    const won = await callTool(listOpportunitiesTool, { accountId: helix, status: 'won' }, h().ctx());
    expect(won.opportunities.map((o) => o.source.id)).toContain(open.id);
    const again = await callTool(
      updateOpportunityStageTool,
      {
        opportunityId: open.id,
        stage: 'Closed Won',
      },
      h().ctx(),
    );
    expect(again).toMatchObject({ previousStage: 'Closed Won', opportunity: { stage: 'Closed Won' } });
    expect(
      h().sandbox.server.requestsTo('/services/data/v62.0/sobjects/Opportunity/', 'PATCH').at(-1)?.status,
    ).toBe(204);
  });

  it('update_opportunity_stage refuses an unknown stage listing the valid ones, and an unknown id', async () => {
    const open = sf.opportunities.find((o) => !o.isClosed && o.accountId !== helix);
    const stage = await toolError(
      callTool(updateOpportunityStageTool, { opportunityId: open?.id ?? '', stage: 'Won-ish' }, h().ctx()),
    );
    expect(stage.code).toBe('invalid_input');
    expect(stage.message).toContain('Negotiation/Review');
    const unknown = await toolError(
      callTool(
        updateOpportunityStageTool,
        { opportunityId: '006000000000000AAA', stage: 'Closed Won' },
        h().ctx(),
      ),
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
    const pages = await allPages((cursor) =>
      callTool(queryTool, { soql, ...(cursor ? { cursor } : {}) }, h().ctx()),
    );
    const first = must(pages[0], 'first page');
    expect(first.limitCapped).toBe(true);
    expect(first.totalSize).toBe(expected.length);
    const rows = pages.flatMap((page) => page.records);
    expect(rows).toHaveLength(expected.length);
    expect(rows[0]).toEqual({
      Id: expect.any(String),
      Name: expect.any(String),
      Account: { Name: 'Helix Robotics AB' },
    });
    const headers = h()
      .sandbox.server.requestsTo('/services/data/v62.0/query')
      .map((r) => r.headers['sforce-query-options']);
    expect(headers).toContain('batchSize=5');
  });

  it('caps LIMIT at 200', async () => {
    const result = await callTool(queryTool, { soql: 'SELECT Id FROM Contact LIMIT 5000' }, h().ctx());
    expect(result).toMatchObject({
      limit: 200,
      limitCapped: true,
      totalSize: Math.min(200, sf.contacts.length),
    });
    const small = await callTool(queryTool, { soql: 'SELECT Id FROM Contact LIMIT 3' }, h().ctx());
    expect(small).toMatchObject({ limit: 3, limitCapped: false, totalSize: 3 });
    const sent = h()
      .sandbox.server.requestsTo('/services/data/v62.0/query')
      .map((r) => decodeURIComponent(r.query));
    expect(sent.some((q) => q.includes('LIMIT 200') && !q.includes('5000'))).toBe(true);
  });

  it('refuses DML, several statements, FOR UPDATE and non-SELECT input with invalid_input, calling nothing', async () => {
    const before = h().sandbox.server.requests.length;
    for (const soql of [
      "DELETE FROM Account WHERE Name = 'x'",
      "UPDATE Account SET Name = 'x'",
      'SELECT Id FROM Account; DELETE FROM Account',
      'SELECT Id FROM Account;',
      'SELECT Id FROM Account FOR UPDATE',
      'describe Account please',
      "INSERT INTO Task (Subject) VALUES ('x')",
    ]) {
      const error = await toolError(callTool(queryTool, { soql }, h().ctx()));
      expect(error.code, soql).toBe('invalid_input');
    }
    expect(h().sandbox.server.requests.length).toBe(before);
    // A semicolon inside a string literal is data, not a second statement.
    const literal = await callTool(
      queryTool,
      { soql: "SELECT Id FROM Account WHERE Name = 'a;b'" },
      h().ctx(),
    );
    expect(literal.records).toEqual([]);
  });

  it("passes Salesforce's diagnosis of unsupported or wrong SOQL back as invalid_input", async () => {
    const group = await toolError(
      callTool(queryTool, { soql: 'SELECT Industry, COUNT(Id) FROM Account GROUP BY Industry' }, h().ctx()),
    );
    expect(group.code).toBe('invalid_input');
    expect(group.message).toContain('MALFORMED_QUERY');
    const field = await toolError(
      callTool(queryTool, { soql: 'SELECT Id, Secret__c FROM Account' }, h().ctx()),
    );
    expect(field.message).toContain('INVALID_FIELD');
  });
});

describe('CRM capability', () => {
  const crm = () => crmAdapter(h().client, instance);
  const options = () => testCallOptions(salesforce.spec, h().config);

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

  it("treats a lookup's own free-mail domains as identifying no company", async () => {
    const lookup = { domain: 'helix-robotics.com', freeMailDomains: ['helix-robotics.com'] };
    expect(await crm().findAccounts(lookup, options())).toEqual([]);
    const free = await crm().findAccounts({ domain: 'gmail.com', name: 'brightwater' }, options());
    expect(free.map((match) => match.matchedBy)).toEqual(['name']);
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
