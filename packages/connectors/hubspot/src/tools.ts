import {
  ANNOTATIONS,
  atLeastOne,
  boundCursor,
  categoryScopes,
  emailInput,
  normalizeDomain,
  pagedInput,
  pagedOutput,
  textInput,
  totalOutput,
} from '@switchboard/kit';
import { z } from 'zod';
import type { Scope } from './client.js';
import { hubspot } from './connector.js';
import type { ObjectType, SearchArgs, SearchFilter } from './operations.js';
import {
  batchRead,
  companyNotFound,
  contactNotFound,
  createNote,
  dealNotFound,
  firstAssociated,
  ID_PATTERN,
  loadCompanyDetail,
  mapScope,
  readObject,
  searchObjects,
  uniqueAssociated,
  updateDeal,
} from './operations.js';
import type { MapScope } from './schemas.js';
import {
  Company,
  CompanyDetail,
  ContactRecord,
  DealRecord,
  type HsObject,
  Note,
  textToHtml,
  toCompany,
  toContact,
  toDeal,
  toNote,
} from './schemas.js';

const SCOPES = categoryScopes('crm');
/** Hard cap on every page (HubSpot's search allows 200). */
export const MAX_PAGE = 100;

/** Cursors carry HubSpot's `after` token, bound to the filters it was issued for. */
const afterCursor = boundCursor(z.string().min(1).max(256), { what: 'filters' });

const hubspotId = (description: string) =>
  z.string().trim().regex(ID_PATTERN, 'A HubSpot id is a number such as "9012345678".').describe(description);

/**
 * Unlike the kit's `domainInput`, normalized by the schema itself: every HubSpot filter takes the
 * bare domain.
 */
const domainInput = z
  .string()
  .trim()
  .toLowerCase()
  .min(3)
  .max(253)
  .transform((value, ctx) => {
    const domain = normalizeDomain(value);
    if (domain === undefined) {
      ctx.addIssue({ code: 'custom', message: 'Pass a domain such as "example.com".' });
      return z.NEVER;
    }
    return domain;
  });

type Tagged = 'company' | 'contact' | 'deal';

const tag = (type: Tagged, id: string | undefined) => (id === undefined ? [] : [`hubspot:${type}:${id}`]);
const tagsOf = (type: Tagged, records: ReadonlyArray<{ source: { id: string } }>) =>
  records.flatMap((record) => tag(type, record.source.id));

/** A filter on a property equal to a value, or in a list of values, when the tool was given any. */
const eq = (propertyName: string, value: string | undefined): SearchFilter[] =>
  value === undefined ? [] : [{ propertyName, operator: 'EQ', value }];
const among = (propertyName: string, values: string[] | undefined): SearchFilter[] =>
  values === undefined ? [] : [{ propertyName, operator: 'IN', values }];

/**
 * One page of a search tool: HubSpot's `after` token travels in the cursor, bound to the tool's
 * criteria, and the records come back in the tool's output model.
 */
async function searchPage<T>(
  scope: Scope,
  type: ObjectType,
  criteria: { tool: string },
  search: Omit<SearchArgs, 'limit' | 'after'>,
  page: { limit: number; cursor?: string | undefined },
  toRecord: (map: MapScope, object: HsObject) => T,
) {
  const found = await searchObjects(scope, type, {
    ...search,
    limit: page.limit,
    after: afterCursor.decode(page.cursor, criteria),
  });
  const map = mapScope(scope);
  return {
    items: found.results.map((object) => toRecord(map, object)),
    total: found.total,
    nextCursor: afterCursor.encode(criteria, found.after),
  };
}

// ---------------------------------------------------------------------------------------------

export const searchContactsTool = hubspot.tool({
  name: 'search_contacts',
  title: 'Search HubSpot contacts',
  description:
    'Find people in HubSpot by exact email, by name (words of the first or last name, prefix match), or by ' +
    'company domain (contacts whose email is at that domain). Criteria given together must all match. Returns ' +
    'contacts with their primary company id (accountId); use {tool:get_contact} for one contact with its ' +
    'companies and deals, and {tool:get_company} for everyone at a company.',
  input: pagedInput(20, MAX_PAGE, {
    email: emailInput.optional().describe('Exact email address, case-insensitive.'),
    name: textInput(2, 100)
      .optional()
      .describe(
        'Name or part of it, e.g. "Maya" or "Maya Lindq"; every word must start a word of the name or email.',
      ),
    domain: domainInput
      .optional()
      .describe(
        'Company email domain such as "example.com" (a URL is accepted): contacts with an email there.',
      ),
  }).refine(atLeastOne('email', 'name', 'domain'), 'Pass at least one of email, name or domain.'),
  output: pagedOutput({
    contacts: z.array(ContactRecord).describe('Matching contacts, oldest record first.'),
    total: totalOutput('contacts'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 120,
    scope: 'shared',
    tags: (_input, output) => ['hubspot:contacts', ...tagsOf('contact', output.contacts)],
  },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const criteria = { tool: 'search_contacts', email: input.email, name: input.name, domain: input.domain };
    const page = await searchPage(
      ctx,
      'contacts',
      criteria,
      { filters: [...eq('email', input.email), ...eq('hs_email_domain', input.domain)], query: input.name },
      input,
      toContact,
    );
    return { contacts: page.items, total: page.total, nextCursor: page.nextCursor };
  },
});

// ---------------------------------------------------------------------------------------------

export const getContactTool = hubspot.tool({
  name: 'get_contact',
  title: 'Get a HubSpot contact',
  description:
    'Get one HubSpot contact by id with the companies and deals it is associated with. Find the id with ' +
    '{tool:search_contacts} first. For a whole company (all its contacts, deals and notes) use {tool:get_company}.',
  input: z.object({ id: hubspotId('HubSpot id of the contact (source.id from {tool:search_contacts}).') }),
  output: z.object({
    contact: ContactRecord,
    companies: z.array(Company).describe('Companies the contact is associated with, primary company first.'),
    deals: z.array(DealRecord).describe('Deals the contact is associated with (at most 100).'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 120,
    scope: 'shared',
    tags: (input, output) => [
      ...tag('contact', input.id),
      ...tagsOf('company', output.companies),
      ...tagsOf('deal', output.deals),
    ],
    negativeTtlSeconds: 30,
  },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const contact = await readObject(ctx, 'contacts', input.id, contactNotFound(ctx, input.id), [
      'companies',
      'deals',
    ]);
    const companyIds = uniqueAssociated(contact, 'companies');
    const [companies, deals] = await Promise.all([
      batchRead(ctx, 'companies', companyIds),
      batchRead(ctx, 'deals', uniqueAssociated(contact, 'deals')),
    ]);
    const map = mapScope(ctx);
    const primary =
      contact.properties.associatedcompanyid ?? firstAssociated(contact, 'companies') ?? undefined;
    return {
      contact: toContact(map, contact, primary),
      companies: companies
        .map((company) => toCompany(map, company))
        .sort((a, b) => Number(b.source.id === primary) - Number(a.source.id === primary)),
      deals: deals.map((deal) => toDeal(map, deal)),
    };
  },
});

// ---------------------------------------------------------------------------------------------

export const searchCompaniesTool = hubspot.tool({
  name: 'search_companies',
  title: 'Search HubSpot companies',
  description:
    'Find companies in HubSpot by name (words, prefix match, e.g. "bright logist") or by exact domain such as ' +
    '"example.com". Criteria given together must all match. Use this to get the id that {tool:get_company}, ' +
    '{tool:list_deals} and {tool:create_note} take. To find the company of a person, use {tool:search_contacts}.',
  input: pagedInput(20, MAX_PAGE, {
    name: textInput(2, 200).optional().describe('Company name or words of it, case-insensitive.'),
    domain: domainInput.optional().describe('Company domain, e.g. "example.com" (a URL is accepted).'),
  }).refine(atLeastOne('name', 'domain'), 'Pass name or domain.'),
  output: pagedOutput({
    companies: z.array(Company).describe('Matching companies, oldest record first.'),
    total: totalOutput('companies'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 300,
    scope: 'shared',
    tags: (_input, output) => ['hubspot:companies', ...tagsOf('company', output.companies)],
  },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const criteria = { tool: 'search_companies', name: input.name, domain: input.domain };
    const page = await searchPage(
      ctx,
      'companies',
      criteria,
      { filters: eq('domain', input.domain), query: input.name },
      input,
      toCompany,
    );
    return { companies: page.items, total: page.total, nextCursor: page.nextCursor };
  },
});

// ---------------------------------------------------------------------------------------------

export const getCompanyTool = hubspot.tool({
  name: 'get_company',
  title: 'Get a HubSpot company',
  description:
    'Get one HubSpot company by id with its associated contacts, its deals (newest close date first) and its ' +
    '10 most recent notes. Find the id with {tool:search_companies} first. To filter deals by stage or pipeline ' +
    'use {tool:list_deals}; to add a note use {tool:create_note}.',
  input: z.object({ id: hubspotId('HubSpot id of the company (source.id from {tool:search_companies}).') }),
  output: CompanyDetail,
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 120,
    scope: 'shared',
    tags: (input, output) => [
      ...tag('company', input.id),
      ...tagsOf('contact', output.contacts),
      ...tagsOf('deal', output.deals),
    ],
    negativeTtlSeconds: 30,
  },
  timeoutMs: 15_000,
  handler: (input, ctx) => loadCompanyDetail(ctx, input.id),
});

// ---------------------------------------------------------------------------------------------

const STAGE = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, 'A stage id such as "closedwon" (not its label).');

export const listDealsTool = hubspot.tool({
  name: 'list_deals',
  title: 'List HubSpot deals',
  description:
    'List deals, newest first, optionally only those of one company, in given pipeline stages (stage ids such ' +
    'as "appointmentscheduled", "contractsent", "closedwon", "closedlost" in the default pipeline) or in one ' +
    'pipeline. Use {tool:search_companies} to find the company id, and {tool:update_deal_stage} to move a deal.',
  input: pagedInput(20, MAX_PAGE, {
    companyId: hubspotId('Only deals of this company (id from {tool:search_companies}).').optional(),
    stages: z
      .array(STAGE.toLowerCase())
      .min(1)
      .max(10)
      .optional()
      .describe('Only deals in these stage ids, e.g. ["contractsent", "closedwon"].'),
    pipeline: STAGE.optional().describe('Only deals in this pipeline id, e.g. "default".'),
  }),
  output: pagedOutput({
    deals: z.array(DealRecord).describe('Deals, most recently created first.'),
    total: totalOutput('deals'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 60,
    scope: 'shared',
    tags: (input, output) => [
      'hubspot:deals',
      ...tag('company', input.companyId),
      ...tagsOf('deal', output.deals),
    ],
  },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const stages = input.stages === undefined ? undefined : [...new Set(input.stages)].sort();
    const criteria = { tool: 'list_deals', companyId: input.companyId, stages, pipeline: input.pipeline };
    const page = await searchPage(
      ctx,
      'deals',
      criteria,
      {
        filters: [
          ...eq('associations.company', input.companyId),
          ...among('dealstage', stages),
          ...eq('pipeline', input.pipeline),
        ],
        sort: '-createdate',
      },
      input,
      (map, deal) => toDeal(map, deal, input.companyId),
    );
    if (page.total === 0 && input.companyId !== undefined) {
      // An empty list for a company that does not exist would mislead: say so.
      await readObject(ctx, 'companies', input.companyId, companyNotFound(ctx, input.companyId));
    }
    return { deals: page.items, total: page.total, nextCursor: page.nextCursor };
  },
});

// ---------------------------------------------------------------------------------------------

const TARGETS = { company: 'companies', contact: 'contacts', deal: 'deals' } as const satisfies Record<
  string,
  ObjectType
>;

export const createNoteTool = hubspot.tool({
  name: 'create_note',
  title: 'Add a note in HubSpot',
  description:
    'Add a plain-text note to the HubSpot timeline of a company, contact or deal. Each call creates a new note, ' +
    'so do not repeat a call that succeeded. Find the record with {tool:search_companies}, ' +
    '{tool:search_contacts} or {tool:list_deals}; the note then shows in {tool:get_company}.',
  input: z.object({
    objectType: z
      .enum(['company', 'contact', 'deal'])
      .describe('What the note is about: company, contact or deal.'),
    objectId: hubspotId('HubSpot id of that company, contact or deal.'),
    body: textInput(1, 10_000).describe('The note, plain text (line breaks are kept).'),
    timestamp: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('When the note applies (ISO 8601 date-time); default now.'),
  }),
  output: z.object({
    note: Note,
    attachedTo: z
      .object({
        objectType: z.enum(['company', 'contact', 'deal']).describe('Type of the record the note is on.'),
        id: z.string().describe('HubSpot id of that record.'),
        name: z.string().describe('Its name.'),
      })
      .describe('The record the note was added to.'),
  }),
  scopes: SCOPES.write,
  annotations: ANNOTATIONS.create,
  invalidates: (input) => [`hubspot:${input.objectType}:${input.objectId}`],
  timeoutMs: 15_000,
  async handler(input, ctx) {
    const type = TARGETS[input.objectType];
    const notFound = {
      companies: companyNotFound,
      contacts: contactNotFound,
      deals: dealNotFound,
    }[type](ctx, input.objectId);
    // Read the target first: a clear not_found, and its name for the answer.
    const target = await readObject(ctx, type, input.objectId, notFound);
    const map = mapScope(ctx);
    const name =
      type === 'companies'
        ? toCompany(map, target).name
        : type === 'contacts'
          ? toContact(map, target).name
          : toDeal(map, target).name;
    const note = await createNote(
      ctx,
      { type, id: input.objectId },
      textToHtml(input.body),
      input.timestamp === undefined ? new Date().toISOString() : new Date(input.timestamp).toISOString(),
    );
    return {
      note: toNote(map, note),
      attachedTo: { objectType: input.objectType, id: input.objectId, name },
    };
  },
});

// ---------------------------------------------------------------------------------------------

export const updateDealStageTool = hubspot.tool({
  name: 'update_deal_stage',
  title: 'Move a HubSpot deal to another stage',
  description:
    'Set the pipeline stage of one HubSpot deal, by stage id (e.g. "contractsent", "closedwon", "closedlost" in ' +
    'the default pipeline). Repeating the call is harmless: a deal already in that stage is left unchanged ' +
    '(changed: false). Find the deal with {tool:list_deals} or {tool:get_company}.',
  input: z.object({
    dealId: hubspotId('HubSpot id of the deal (source.id from {tool:list_deals}).'),
    stage: STAGE.describe('Target stage id in the deal\'s pipeline, e.g. "closedwon".'),
  }),
  output: z.object({
    deal: DealRecord.describe('The deal after the change.'),
    previousStage: z.string().describe('The stage id before the call.'),
    changed: z.boolean().describe('False when the deal was already in that stage.'),
  }),
  scopes: SCOPES.write,
  annotations: ANNOTATIONS.update,
  invalidates: (input, output) => [
    'hubspot:deals',
    ...tag('deal', input.dealId),
    ...tag('company', output.deal.accountId),
  ],
  timeoutMs: 15_000,
  async handler(input, ctx) {
    const map = mapScope(ctx);
    const before = await readObject(ctx, 'deals', input.dealId, dealNotFound(ctx, input.dealId), [
      'companies',
    ]);
    const companyId = firstAssociated(before, 'companies');
    const current = toDeal(map, before, companyId);
    if (current.stage === input.stage) return { deal: current, previousStage: current.stage, changed: false };
    const updated = await updateDeal(
      ctx,
      input.dealId,
      { dealstage: input.stage },
      `HubSpot refused stage "${input.stage}" for deal ${input.dealId} in pipeline "${current.pipeline}": it is ` +
        'not a stage id of that pipeline. Pass a stage id, not its label (default pipeline: appointmentscheduled, ' +
        'qualifiedtobuy, presentationscheduled, decisionmakerboughtin, contractsent, closedwon, closedlost).',
    );
    const merged = {
      ...before,
      properties: { ...before.properties, ...updated.properties },
      updatedAt: updated.updatedAt,
    };
    return { deal: toDeal(map, merged, companyId), previousStage: current.stage, changed: true };
  },
});
