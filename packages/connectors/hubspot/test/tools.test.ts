import type { CustomerLookup } from '@switchboard/kit';
import { allPages, callTool, must, testSource, toolError } from '@switchboard/kit/testing';
import { type Dataset, demoDataset, findCustomer, HERO, HERO_EMAILS } from '@switchboard/sandbox';
import { describe, expect, it } from 'vitest';
import {
  companyResource,
  createNoteTool,
  getCompanyTool,
  getContactTool,
  hubspotConnector,
  listDealsTool,
  searchCompaniesTool,
  searchContactsTool,
  updateDealStageTool,
} from '../src/index.js';
import { ctx, instance, sandboxHarness } from './helpers.js';

/** Every tool through the real @hubspot/api-client against the HubSpot sandbox on loopback. */

const dataset: Dataset = demoDataset();
const companyOf = (key: string) => findCustomer(dataset, key).presence.hubspot?.companyId ?? '';
const HELIX = companyOf(HERO.everywhere);
const FJORD = companyOf(HERO.hubspotAndOdooOnly);
const BRIGHTWATER = companyOf(HERO.crmConflict);

const live = sandboxHarness(dataset);

describe('searches walked page by page', () => {
  it('list_deals returns every deal exactly once across pages, newest first', async () => {
    const pages = await allPages((cursor) =>
      callTool(listDealsTool, { limit: 7, ...(cursor ? { cursor } : {}) }, ctx(live())),
    );
    for (const page of pages) expect(page.total).toBe(dataset.hubspot.deals.length);
    const seen = pages.flatMap((page) => page.deals.map((deal) => deal.source.id));
    expect(pages).toHaveLength(Math.ceil(dataset.hubspot.deals.length / 7));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(dataset.hubspot.deals.map((deal) => deal.id).sort());
    expect(live().sandbox.server.requestsTo('/crm/v3/objects/deals/search', 'POST')).toHaveLength(
      pages.length,
    );
  });

  it('search_contacts by company domain pages one contact at a time without repeats', async () => {
    const expected = dataset.hubspot.contacts.filter((c) => c.email.endsWith('@helix-robotics.com'));
    expect(expected.length).toBeGreaterThan(1);
    const pages = await allPages((cursor) =>
      callTool(
        searchContactsTool,
        { domain: 'https://www.Helix-Robotics.com/', limit: 1, ...(cursor ? { cursor } : {}) },
        ctx(live()),
      ),
    );
    const contacts = pages.flatMap((page) => page.contacts);
    expect(contacts.every((c) => c.accountId === HELIX)).toBe(true);
    expect(contacts.map((c) => c.source.id).sort()).toEqual(expected.map((c) => c.id).sort());
  });

  it('search_contacts by exact email and by name', async () => {
    const byEmail = await callTool(
      searchContactsTool,
      {
        email: HERO_EMAILS.everywhere.toUpperCase(),
      },
      ctx(live()),
    );
    expect(byEmail.contacts.map((c) => c.email)).toEqual([HERO_EMAILS.everywhere]);
    const byName = await callTool(searchContactsTool, { name: 'maya lindq' }, ctx(live()));
    expect(byName.contacts.map((c) => c.email)).toContain(HERO_EMAILS.everywhere);
  });

  it('search_companies by name words and by domain; HubSpot keeps its own spelling of a conflicting record', async () => {
    const byName = await callTool(searchCompaniesTool, { name: 'brightwater' }, ctx(live()));
    expect(byName.companies.map((c) => c.source.id)).toEqual([BRIGHTWATER]);
    expect(byName.companies[0]).toMatchObject({ name: 'BrightWater Logistics', employees: 1200 });
    const byDomain = await callTool(searchCompaniesTool, { domain: 'fjordoutdoor.no' }, ctx(live()));
    expect(byDomain.companies.map((c) => c.source.id)).toEqual([FJORD]);
    expect(byDomain.companies[0]?.country).toBe('NO');
  });

  it('refuses a cursor replayed with other filters', async () => {
    const page = await callTool(listDealsTool, { limit: 1 }, ctx(live()));
    const error = await toolError(
      callTool(
        listDealsTool,
        { limit: 1, stages: ['closedwon'], cursor: page.nextCursor ?? 'x' },
        ctx(live()),
      ),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(/different filters/);
  });
});

describe('reads include their associations', () => {
  it('get_company returns its contacts and deals from v4 associations', async () => {
    const detail = await callTool(getCompanyTool, { id: FJORD }, ctx(live()));
    expect(detail.company).toMatchObject({ name: expect.any(String), domain: 'fjordoutdoor.no' });
    expect(detail.contacts.map((c) => c.source.id).sort()).toEqual(
      dataset.hubspot.contacts
        .filter((c) => c.companyId === FJORD)
        .map((c) => c.id)
        .sort(),
    );
    const deals = dataset.hubspot.deals.filter((d) => d.companyId === FJORD);
    expect(detail.deals.map((d) => d.source.id).sort()).toEqual(deals.map((d) => d.id).sort());
    expect(detail.deals.every((d) => d.accountId === FJORD)).toBe(true);
    expect(live().sandbox.server.requestsTo(`/crm/v4/objects/companies/${FJORD}/associations/`)).toHaveLength(
      3,
    );
  });

  it('get_contact returns its companies and deals from the v3 associations of the read', async () => {
    const contact = dataset.hubspot.contacts.find((c) => c.email === HERO_EMAILS.hubspotAndOdooOnly);
    const detail = await callTool(getContactTool, { id: contact?.id ?? '' }, ctx(live()));
    expect(detail.contact).toMatchObject({ email: HERO_EMAILS.hubspotAndOdooOnly, accountId: FJORD });
    expect(detail.companies.map((c) => c.source.id)).toEqual([FJORD]);
    const deals = dataset.hubspot.deals.filter((d) => d.contactIds.includes(contact?.id ?? ''));
    expect(detail.deals.map((d) => d.source.id).sort()).toEqual(deals.map((d) => d.id).sort());
    expect(live().sandbox.server.requests[0]?.query).toContain('associations=companies&associations=deals');
  });

  it('serves the companies/{id} resource with the same JSON as get_company', async () => {
    const content = await companyResource.read({ id: HELIX }, ctx(live()));
    expect(content.json).toEqual(await callTool(getCompanyTool, { id: HELIX }, ctx(live())));
  });
});

describe('writes are visible on the next read', () => {
  it('create_note adds a note that the next get_company shows', async () => {
    const result = await callTool(
      createNoteTool,
      {
        objectType: 'company',
        objectId: HELIX,
        body: 'Called Maya: line 3 <down> since Monday.\nFollow up Friday.',
      },
      ctx(live()),
    );
    expect(result.attachedTo).toEqual({ objectType: 'company', id: HELIX, name: 'Helix Robotics AB' });
    const created = live().sandbox.server.requestsTo('/crm/v3/objects/notes', 'POST');
    expect(created).toHaveLength(1);
    expect(created[0]?.body).toMatchObject({
      properties: { hs_note_body: 'Called Maya: line 3 &lt;down&gt; since Monday.<br>Follow up Friday.' },
      associations: [
        { to: { id: HELIX }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 190 }] },
      ],
    });
    const detail = await callTool(getCompanyTool, { id: HELIX }, ctx(live()));
    expect(detail.notes[0]).toMatchObject({
      source: { id: result.note.source.id },
      body: 'Called Maya: line 3 <down> since Monday.\nFollow up Friday.',
    });
  });

  it('update_deal_stage moves the deal, the next read shows it, and a repeat changes nothing', async () => {
    const deal = dataset.hubspot.deals.find((d) => d.companyId === BRIGHTWATER && d.stage !== 'closedwon');
    const id = deal?.id ?? '';
    const moved = await callTool(updateDealStageTool, { dealId: id, stage: 'closedwon' }, ctx(live()));
    expect(moved).toMatchObject({
      changed: true,
      previousStage: deal?.stage,
      deal: { stage: 'closedwon', isClosed: true, isWon: true, accountId: BRIGHTWATER },
    });
    expect(
      updateDealStageTool.invalidates?.(
        updateDealStageTool.input.parse({ dealId: id, stage: 'closedwon' }),
        moved,
      ),
    ).toEqual(['hubspot:deals', `hubspot:deal:${id}`, `hubspot:company:${BRIGHTWATER}`]);
    const won = await callTool(listDealsTool, { companyId: BRIGHTWATER, stages: ['closedwon'] }, ctx(live()));
    expect(won.deals.map((d) => d.source.id)).toContain(id);

    live().sandbox.server.clearLog();
    const again = await callTool(updateDealStageTool, { dealId: id, stage: 'closedwon' }, ctx(live()));
    expect(again).toMatchObject({ changed: false, previousStage: 'closedwon' });
    expect(live().sandbox.server.requestsTo('/crm/v3/objects/deals', 'PATCH')).toHaveLength(0);
  });

  it('update_deal_stage refuses a stage HubSpot does not know with invalid_input naming it', async () => {
    const id = dataset.hubspot.deals[0]?.id ?? '';
    const error = await toolError(callTool(updateDealStageTool, { dealId: id, stage: 'Won' }, ctx(live())));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('"Won"');
    expect(error.message).toContain('closedwon');
  });
});

describe('unknown ids', () => {
  it.each([
    ['get_company', () => callTool(getCompanyTool, { id: '999' }, ctx(live())), 'hubspot__search_companies'],
    ['get_contact', () => callTool(getContactTool, { id: '999' }, ctx(live())), 'hubspot__search_contacts'],
    [
      'list_deals',
      () => callTool(listDealsTool, { companyId: '999' }, ctx(live())),
      'hubspot__search_companies',
    ],
    [
      'update_deal_stage',
      () => callTool(updateDealStageTool, { dealId: '999', stage: 'closedwon' }, ctx(live())),
      'hubspot__list_deals',
    ],
    [
      'create_note',
      () => callTool(createNoteTool, { objectType: 'contact', objectId: '999', body: 'x' }, ctx(live())),
      'hubspot__search_contacts',
    ],
  ])('%s answers not_found naming the id and the tool to use', async (_name, call, tool) => {
    const error = await toolError(call());
    expect(error.code).toBe('not_found');
    expect(error.message).toContain('999');
    expect(error.message).toContain(tool);
    expect(error.message).not.toMatch(/OBJECT_NOT_FOUND|correlationId/);
  });

  it('create_note on an unknown record creates nothing', async () => {
    await toolError(
      callTool(createNoteTool, { objectType: 'deal', objectId: '999', body: 'x' }, ctx(live())),
    );
    expect(live().sandbox.server.requestsTo('/crm/v3/objects/notes', 'POST')).toHaveLength(0);
  });
});

describe('crm capability', () => {
  const crm = () => must(testSource(hubspotConnector, live().client, live().config, instance).crm, 'crm');
  const options = () => ({ signal: AbortSignal.timeout(10_000) });
  const ids = async (lookup: CustomerLookup) =>
    (await crm().findAccounts(lookup, options())).map((m) => [m.account.source.id, m.matchedBy]);

  it('finds accounts by id, external id, email, domain and name, reporting how', async () => {
    expect(await ids({ id: FJORD, email: HERO_EMAILS.everywhere })).toEqual([[FJORD, 'id']]);
    expect(await ids({ id: '999', externalIds: { hubspot: HELIX } })).toEqual([[HELIX, 'external_id']]);
    expect(await ids({ email: ` ${HERO_EMAILS.crmConflict.toUpperCase()} ` })).toEqual([
      [BRIGHTWATER, 'email'],
    ]);
    expect(await ids({ email: 'nobody@nowhere.example', domain: 'https://www.helix-robotics.com/' })).toEqual(
      [[HELIX, 'domain']],
    );
    expect(await ids({ name: 'Fjord' })).toEqual([[FJORD, 'name']]);
    expect(await ids({ name: 'Zzyzx Nonexistent' })).toEqual([]);
  });

  it('never matches by a free-mail domain, built in or named by the lookup', async () => {
    live().sandbox.server.clearLog();
    expect(await ids({ domain: 'gmail.com' })).toEqual([]);
    expect(await ids({ domain: 'helix-robotics.com', freeMailDomains: ['helix-robotics.com'] })).toEqual([]);
    expect(live().sandbox.server.requests).toHaveLength(0);
  });

  it('gives an account with its contacts and only its open deals', async () => {
    const detail = await crm().getAccountDetail(FJORD, options());
    expect(detail.account.source.id).toBe(FJORD);
    expect(detail.contacts.length).toBe(dataset.hubspot.contacts.filter((c) => c.companyId === FJORD).length);
    const open = dataset.hubspot.deals.filter((d) => d.companyId === FJORD && !d.stage.startsWith('closed'));
    expect(detail.openDeals.map((d) => d.source.id)).toEqual(open.map((d) => d.id));
    const error = await toolError(crm().getAccountDetail('999', options()));
    expect(error.code).toBe('not_found');
  });
});
