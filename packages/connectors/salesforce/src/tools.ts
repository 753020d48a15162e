import {
  ANNOTATIONS,
  atLeastOne,
  categoryScopes,
  cursorInput,
  domainInput,
  emailInput,
  nextCursorOutput,
  normalizeDomain,
  pagedInput,
  pagedOutput,
  ToolError,
  textInput,
} from '@switchboard/kit';
import { z } from 'zod';
import { SalesforceHttpError } from './client.js';
import { salesforce } from './connector.js';
import type { Page, PageRequest } from './operations.js';
import {
  getOpportunity,
  getTask,
  listOpportunities,
  loadAccountDetail,
  MAX_PAGE,
  opportunityStages,
  QueryResult,
  queryHeaders,
  read,
  searchAccounts,
  searchContacts,
} from './operations.js';
import { keysetCursor, locatorCursor } from './paging.js';
import { AccountDetail, AccountMatch, Activity, Opportunity, SalesforceContact } from './schemas.js';
import { isSalesforceId, KEY_PREFIX, MAX_QUERY_ROWS, prepareQuery, salesforceId, toId18 } from './soql.js';

const SCOPES = categoryScopes('crm');

const accountTag = (id: string | undefined) => (id === undefined ? [] : [`salesforce:account:${id}`]);

/**
 * One page of a listing tool: the cursor carries the keyset of the last record, bound to the tool
 * and its filters (`bound`).
 */
async function keysetPage<T>(
  input: { limit: number; cursor?: string | undefined },
  bound: { tool: string },
  list: (page: PageRequest) => Promise<Page<T>>,
) {
  const page = await list({ limit: input.limit, after: keysetCursor.decode(input.cursor, bound) });
  return { items: page.items, nextCursor: keysetCursor.encode(bound, page.next) };
}

// ---------------------------------------------------------------------------------------------

export const searchAccountsTool = salesforce.tool({
  name: 'search_accounts',
  title: 'Search Salesforce accounts',
  description:
    'Find Salesforce accounts (customer companies) by part of their name, their website/email domain, or the ' +
    'exact email of one of their contacts. Criteria are alternatives: an account matching any of them is ' +
    'returned once, labelled with the strongest criterion it matched (email, then domain, then name); pages are ' +
    'ordered by account name. Use it to get the id that {tool:get_account}, {tool:list_opportunities} and ' +
    '{tool:log_activity} take. To find people use {tool:search_contacts}.',
  input: pagedInput(20, MAX_PAGE, {
    query: textInput(2, 200).optional().describe('Part of the account name, case-insensitive.'),
    domain: domainInput()
      .optional()
      .describe(
        'Website or email domain, e.g. "example.com" (a URL is accepted). Matches the account website and ' +
          'the email domain of its contacts (free-mail domains such as gmail.com match websites only).',
      ),
    email: emailInput.optional().describe('Exact email address of a contact of the account.'),
  }).refine(
    atLeastOne('query', 'domain', 'email'),
    'Pass at least one of query (part of the name), domain or email.',
  ),
  output: pagedOutput({
    accounts: z
      .array(AccountMatch)
      .describe('Matching accounts by name. A page may hold fewer than limit accounts; follow nextCursor.'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 300,
    scope: 'shared',
    tags: (_input, output) => [
      'salesforce:accounts',
      ...output.accounts.flatMap((account) => accountTag(account.source.id)),
    ],
  },
  timeoutMs: 15_000,
  async handler(input, ctx) {
    const domain = input.domain === undefined ? undefined : normalizeDomain(input.domain);
    const criteria = { name: input.query, domain, email: input.email };
    const page = await keysetPage(input, { tool: 'search_accounts', ...criteria }, (at) =>
      searchAccounts(ctx, criteria, at),
    );
    return { accounts: page.items, nextCursor: page.nextCursor };
  },
});

// ---------------------------------------------------------------------------------------------

export const getAccountTool = salesforce.tool({
  name: 'get_account',
  title: 'Get a Salesforce account',
  description:
    'Get one Salesforce account by id with its contacts, its open opportunities and its 10 most recent ' +
    'activities. Find the id with {tool:search_accounts} first. For closed or all opportunities use ' +
    '{tool:list_opportunities}; to search people across accounts use {tool:search_contacts}.',
  input: z.object({
    id: salesforceId(
      'account',
      'Salesforce account id (001..., 15 or 18 characters), from {tool:search_accounts}.',
    ),
  }),
  output: AccountDetail,
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 120,
    scope: 'shared',
    tags: (input) => accountTag(input.id),
    negativeTtlSeconds: 30,
  },
  timeoutMs: 15_000,
  handler: (input, ctx) => loadAccountDetail(ctx, input.id),
});

// ---------------------------------------------------------------------------------------------

export const searchContactsTool = salesforce.tool({
  name: 'search_contacts',
  title: 'Search Salesforce contacts',
  description:
    'Find Salesforce contacts (people at customer accounts) by part of their name or email, by exact email, ' +
    'or all contacts of one account. Filters combine (all must match); results are ordered by name. Each ' +
    'contact carries its accountId for {tool:get_account}. To find companies use {tool:search_accounts}.',
  input: pagedInput(20, MAX_PAGE, {
    query: textInput(2, 200).optional().describe('Part of the name or email, case-insensitive.'),
    email: emailInput.optional().describe('Exact email address.'),
    accountId: salesforceId('account', 'Only contacts of this account (001...).').optional(),
  }).refine(atLeastOne('query', 'email', 'accountId'), 'Pass at least one of query, email or accountId.'),
  output: pagedOutput({ contacts: z.array(SalesforceContact).describe('Matching contacts by name.') }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 300,
    scope: 'shared',
    tags: (input, output) => [
      'salesforce:contacts',
      ...accountTag(input.accountId),
      ...output.contacts.flatMap((contact) => accountTag(contact.accountId)),
    ],
  },
  timeoutMs: 15_000,
  async handler(input, ctx) {
    const filters = { query: input.query, email: input.email, accountId: input.accountId };
    const page = await keysetPage(input, { tool: 'search_contacts', ...filters }, (at) =>
      searchContacts(ctx, filters, at),
    );
    return { contacts: page.items, nextCursor: page.nextCursor };
  },
});

// ---------------------------------------------------------------------------------------------

export const listOpportunitiesTool = salesforce.tool({
  name: 'list_opportunities',
  title: 'List Salesforce opportunities',
  description:
    'List Salesforce opportunities (deals), optionally of one account and in one stage. status open (default) ' +
    'lists the pipeline soonest close date first; closed, won, lost and all list most recent close date first. ' +
    'To move a deal to another stage use {tool:update_opportunity_stage}; for an account overview use ' +
    '{tool:get_account}.',
  input: pagedInput(20, MAX_PAGE, {
    accountId: salesforceId(
      'account',
      'Only opportunities of this account (001...), from {tool:search_accounts}.',
    ).optional(),
    stage: textInput(1, 100).optional().describe('Only this stage, exactly as named, e.g. "Needs Analysis".'),
    status: z
      .enum(['open', 'closed', 'won', 'lost', 'all'])
      .default('open')
      .describe('open (default), closed (won or lost), won, lost, or all.'),
  }),
  output: pagedOutput({
    opportunities: z.array(Opportunity).describe('Opportunities in close-date order.'),
  }),
  scopes: SCOPES.read,
  annotations: ANNOTATIONS.read,
  cache: {
    ttlSeconds: 120,
    scope: 'shared',
    tags: (input) => ['salesforce:opportunities', ...accountTag(input.accountId)],
  },
  timeoutMs: 15_000,
  async handler(input, ctx) {
    const filters = { status: input.status, accountId: input.accountId, stage: input.stage };
    const page = await keysetPage(input, { tool: 'list_opportunities', ...filters }, (at) =>
      listOpportunities(ctx, filters, at),
    );
    return { opportunities: page.items, nextCursor: page.nextCursor };
  },
});

// ---------------------------------------------------------------------------------------------

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValue),
    z.record(z.string(), JsonValue),
  ]),
);

/** Drops the `attributes` envelope Salesforce puts on every record and related record. */
function stripAttributes(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(stripAttributes);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: JsonValue } = {};
  for (const [key, child] of Object.entries(value))
    if (key !== 'attributes') out[key] = stripAttributes(child);
  return out;
}

const QueryRecords = QueryResult.extend({ records: z.array(z.record(z.string(), JsonValue)) });

const SalesforceErrors = z.array(z.object({ errorCode: z.string(), message: z.string() }));

/**
 * The model wrote this SOQL, so Salesforce's diagnosis of it is what it needs to fix it: an invalid
 * statement is reported with Salesforce's error code and its message for the statement, never a
 * body or a credential.
 */
function withDiagnosis(error: unknown): unknown {
  if (!(error instanceof ToolError) || error.code !== 'invalid_input') return error;
  if (!(error.cause instanceof SalesforceHttpError)) return error;
  const first = SalesforceErrors.safeParse(error.cause.body).data?.[0];
  if (first === undefined || first.errorCode === 'INVALID_QUERY_LOCATOR') return error;
  return new ToolError(
    'invalid_input',
    `Salesforce rejected the query (${first.errorCode}): ${first.message.slice(0, 300)}`,
    { cause: error.cause },
  );
}

export const queryTool = salesforce.tool({
  name: 'query',
  title: 'Run a read-only SOQL query',
  description:
    'Run one read-only SOQL SELECT statement against Salesforce, for questions the other tools cannot answer ' +
    `(other fields, filters, objects). At most ${MAX_QUERY_ROWS} rows: a larger or missing LIMIT is set to ` +
    `${MAX_QUERY_ROWS}. DML, several statements and FOR VIEW/UPDATE are refused. Prefer {tool:search_accounts}, ` +
    '{tool:get_account}, {tool:search_contacts} and {tool:list_opportunities} when they fit; to change data use ' +
    '{tool:log_activity} or {tool:update_opportunity_stage}.',
  input: z.object({
    soql: z
      .string()
      .min(10)
      .max(20_000)
      .describe("One SOQL SELECT statement, e.g. SELECT Id, Name FROM Account WHERE Industry = 'Energy'."),
    cursor: cursorInput,
  }),
  output: z.object({
    records: z
      .array(z.record(z.string(), JsonValue))
      .describe(
        'Rows of this page as Salesforce returns them (relationship fields nested), without attributes.',
      ),
    totalSize: z.number().int().describe('Rows the query returns in all pages (after the LIMIT).'),
    limit: z.number().int().describe(`The LIMIT that was applied (at most ${MAX_QUERY_ROWS}).`),
    limitCapped: z.boolean().describe(`True when the LIMIT was added or lowered to ${MAX_QUERY_ROWS}.`),
    nextCursor: nextCursorOutput,
  }),
  scopes: ['salesforce:query'],
  annotations: ANNOTATIONS.read,
  cache: { ttlSeconds: 60, scope: 'shared', tags: () => ['salesforce:query'] },
  timeoutMs: 20_000,
  async handler(input, ctx) {
    const writeTools = `${ctx.instance.toolName('log_activity')} or ${ctx.instance.toolName('update_opportunity_stage')}`;
    const prepared = prepareQuery(input.soql, writeTools);
    const bound = { tool: 'query', soql: prepared.soql };
    const locator = locatorCursor.decode(input.cursor, bound);
    const { client } = ctx;
    const headers = queryHeaders(client);
    let raw: unknown;
    try {
      raw = await read(
        ctx,
        locator === undefined ? 'query' : 'query.more',
        () =>
          client.conn.request({
            method: 'GET',
            url:
              locator === undefined ? `/query?q=${encodeURIComponent(prepared.soql)}` : `/query/${locator}`,
            headers,
          }),
        {
          rules: [
            {
              code: 'INVALID_QUERY_LOCATOR',
              means: 'invalid_input',
              message:
                'The cursor has expired (Salesforce keeps query cursors for 15 minutes). Run the query again without cursor.',
            },
          ],
        },
      );
    } catch (error) {
      throw withDiagnosis(error);
    }
    const parsed = QueryRecords.safeParse(raw);
    if (!parsed.success) {
      throw new ToolError(
        'internal',
        'Salesforce returned the query result in an unexpected shape. The error was logged.',
        { cause: parsed.error },
      );
    }
    const next = parsed.data.done ? undefined : parsed.data.nextRecordsUrl?.split('/').pop();
    return {
      records: parsed.data.records.map((record) => {
        const stripped = stripAttributes(record);
        return stripped !== null && typeof stripped === 'object' && !Array.isArray(stripped) ? stripped : {};
      }),
      totalSize: parsed.data.totalSize,
      limit: prepared.limit,
      limitCapped: prepared.capped,
      nextCursor: locatorCursor.encode(bound, next),
    };
  },
});

// ---------------------------------------------------------------------------------------------

const today = () => new Date().toISOString().slice(0, 10);

const SaveResult = z.object({ id: z.string(), success: z.boolean() });

export const logActivityTool = salesforce.tool({
  name: 'log_activity',
  title: 'Log an activity in Salesforce',
  description:
    'Log a call, email, meeting or note as a Salesforce task on an account, a contact or an opportunity, so ' +
    "that it appears in the record's activity history. Creates a new task on every call (not idempotent). " +
    'Find ids with {tool:search_accounts}, {tool:search_contacts} or {tool:list_opportunities}; ' +
    '{tool:get_account} shows the logged activities.',
  input: z.object({
    recordId: z
      .string()
      .trim()
      .refine(isSalesforceId, 'Pass a 15- or 18-character Salesforce id.')
      .refine(
        (id) =>
          [KEY_PREFIX.account, KEY_PREFIX.contact, KEY_PREFIX.opportunity].some((prefix) =>
            id.startsWith(prefix),
          ),
        'Pass an account (001...), contact (003...) or opportunity (006...) id.',
      )
      .transform(toId18)
      .describe(
        'Id of the account (001...), contact (003...) or opportunity (006...) the activity is about.',
      ),
    contactId: salesforceId(
      'contact',
      'Optional contact (003...) the activity was with, when recordId is an account or opportunity.',
    ).optional(),
    subject: textInput(1, 255).describe('Short subject, e.g. "Call: renewal pricing".'),
    description: z.string().max(32_000).optional().describe('Notes: what was discussed or agreed.'),
    type: z
      .enum(['Call', 'Email', 'Meeting', 'Other'])
      .default('Call')
      .describe('Kind of activity (default Call).'),
    status: z
      .enum(['Completed', 'Not Started', 'In Progress'])
      .default('Completed')
      .describe('Completed for something that happened (default); Not Started for a follow-up to do.'),
    date: z.iso.date().optional().describe('Activity date (YYYY-MM-DD); defaults to today (UTC).'),
  }),
  output: z.object({ activity: Activity.describe('The task as Salesforce stored it.') }),
  scopes: SCOPES.write,
  annotations: ANNOTATIONS.create,
  invalidates: (input, output) => [
    'salesforce:query',
    ...accountTag(output.activity.accountId),
    ...(input.recordId.startsWith(KEY_PREFIX.account) ? accountTag(input.recordId) : []),
  ],
  timeoutMs: 15_000,
  async handler(input, ctx) {
    const isContact = input.recordId.startsWith(KEY_PREFIX.contact);
    if (isContact && input.contactId !== undefined) {
      throw new ToolError(
        'invalid_input',
        'recordId is already a contact: omit contactId, or pass an account or opportunity as recordId.',
      );
    }
    const task = {
      Subject: input.subject,
      Type: input.type,
      Status: input.status,
      TaskSubtype: input.type === 'Email' ? 'Email' : input.type === 'Call' ? 'Call' : 'Task',
      ActivityDate: input.date ?? today(),
      ...(input.description === undefined ? {} : { Description: input.description }),
      ...(isContact ? { WhoId: input.recordId } : { WhatId: input.recordId }),
      ...(input.contactId === undefined ? {} : { WhoId: input.contactId }),
    };
    const ids = [input.recordId, input.contactId].filter((id) => id !== undefined).join(' or ');
    // Not repeated: Salesforce may have created the task before a failure reached the connector.
    const saved = await ctx.upstream.run(
      'sobjects.create',
      () => ctx.client.conn.sobject('Task').create(task),
      {
        retry: false,
        rules: [
          {
            code: 'INVALID_CROSS_REFERENCE_KEY',
            means: 'not_found',
            message:
              `No Salesforce record with id ${ids}. Find the account with ${ctx.instance.toolName('search_accounts')}, ` +
              `the contact with ${ctx.instance.toolName('search_contacts')} or the opportunity with ` +
              `${ctx.instance.toolName('list_opportunities')}.`,
          },
        ],
      },
    );
    const result = SaveResult.safeParse(saved);
    if (!result.success || !result.data.success) {
      throw new ToolError('internal', 'Salesforce did not confirm the new task. The error was logged.', {
        cause: saved,
      });
    }
    const activity = await getTask(ctx, result.data.id);
    if (activity === undefined) {
      throw new ToolError(
        'internal',
        `Salesforce created task ${result.data.id} but does not return it yet. Check it later.`,
      );
    }
    return { activity };
  },
});

// ---------------------------------------------------------------------------------------------

export const updateOpportunityStageTool = salesforce.tool({
  name: 'update_opportunity_stage',
  title: 'Move a Salesforce opportunity to another stage',
  description:
    'Set the stage of one Salesforce opportunity (e.g. "Negotiation/Review", "Closed Won"), and optionally its ' +
    'close date. Closed Won and Closed Lost close the deal. Setting the stage it already has changes nothing. ' +
    'Find the opportunity with {tool:list_opportunities} or {tool:get_account}; to record what happened use ' +
    '{tool:log_activity}.',
  input: z.object({
    opportunityId: salesforceId(
      'opportunity',
      'Salesforce opportunity id (006...), from {tool:list_opportunities}.',
    ),
    stage: textInput(1, 100).describe('The new stage, exactly as the org names it, e.g. "Closed Won".'),
    closeDate: z.iso.date().optional().describe('New close date (YYYY-MM-DD); unchanged when omitted.'),
  }),
  output: z.object({
    opportunity: Opportunity.describe('The opportunity after the update.'),
    previousStage: z.string().describe('The stage before the update.'),
  }),
  scopes: SCOPES.write,
  annotations: ANNOTATIONS.update,
  invalidates: (input, output) => [
    'salesforce:opportunities',
    'salesforce:query',
    `salesforce:opportunity:${input.opportunityId}`,
    ...accountTag(output.opportunity.accountId),
  ],
  timeoutMs: 15_000,
  async handler(input, ctx) {
    const { client } = ctx;
    const [before, stages] = await Promise.all([
      getOpportunity(ctx, input.opportunityId),
      opportunityStages(ctx),
    ]);
    if (before === undefined) {
      throw new ToolError(
        'not_found',
        `No Salesforce opportunity with id ${input.opportunityId}. Find it with ${ctx.instance.toolName('list_opportunities')}.`,
      );
    }
    if (stages.length > 0 && !stages.includes(input.stage)) {
      throw new ToolError(
        'invalid_input',
        `"${input.stage}" is not an opportunity stage here. Use one of: ${stages.join(', ')}.`,
      );
    }
    const gone = `Opportunity ${input.opportunityId} disappeared during the update (deleted meanwhile?).`;
    await ctx.upstream.run(
      'sobjects.update',
      () =>
        client.conn.sobject('Opportunity').update({
          Id: input.opportunityId,
          StageName: input.stage,
          ...(input.closeDate === undefined ? {} : { CloseDate: input.closeDate }),
        }),
      { notFound: gone, rules: [{ code: 'ENTITY_IS_DELETED', means: 'not_found', message: gone }] },
    );
    const after = await getOpportunity(ctx, input.opportunityId);
    if (after === undefined) {
      throw new ToolError('not_found', gone);
    }
    return { opportunity: after, previousStage: before.stage };
  },
});
