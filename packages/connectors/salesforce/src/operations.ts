import { setTimeout as sleep } from 'node:timers/promises';
import type { Identity, InstanceInfo, RunOptions, Upstream } from '@switchboard/kit';
import { normalizeDomain, normalizeEmail, ToolError } from '@switchboard/kit';
import { z } from 'zod';
import type { SalesforceClient } from './client.js';
import type { Keyset } from './paging.js';
import type {
  AccountDetail,
  AccountMatch,
  Activity,
  Opportunity,
  SalesforceAccount,
  SalesforceContact,
} from './schemas.js';
import { soqlDate, soqlId, soqlLike, soqlString } from './soql.js';

/** Query code shared by the tools, the resource and the CRM capability. */

export const MAX_PAGE = 100;
const MAX_CONTACTS = 50;
const MAX_OPEN_DEALS = 50;
const RECENT_ACTIVITIES = 10;
/** Accounts found through contacts' emails, at most (keeps the IN list short). */
const MAX_CONTACT_ACCOUNTS = 200;
/** Pause before a read is sent again after Salesforce was unavailable. */
const READ_RETRY_PAUSE_MS = 250;

/**
 * What a request needs: the client, the call's upstream, the identity rules in force and the
 * instance, for messages. A tool's context is one.
 */
export interface Call {
  readonly client: SalesforceClient;
  readonly upstream: Upstream;
  readonly identity: Identity;
  readonly instance: InstanceInfo;
}

/**
 * One idempotent read, one `run`; sent again up to `retries` times (configuration) while Salesforce
 * is unavailable (5xx, reset connection), each attempt a request of its own. The kit retries only
 * rate limits, and jsforce's own retries are off so that a run is one request.
 */
export async function read(
  call: Call,
  name: string,
  send: () => Promise<unknown>,
  options?: RunOptions,
): Promise<unknown> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call.upstream.run(name, send, options);
    } catch (error) {
      const transient =
        error instanceof ToolError && error.code === 'upstream_unavailable' && error.retryable;
      if (!transient || attempt >= call.client.config.retries) throw error;
      try {
        await sleep(READ_RETRY_PAUSE_MS * 2 ** attempt, undefined, { signal: call.upstream.signal });
      } catch {
        throw error;
      }
    }
  }
}

const text = z.string().nullish();
const ref = z.object({ Name: text }).nullish();

const RawAccount = z.object({
  Id: z.string(),
  Name: z.string(),
  Website: text,
  Industry: text,
  NumberOfEmployees: z.number().nullish(),
  AnnualRevenue: z.number().nullish(),
  Phone: text,
  BillingCity: text,
  BillingCountryCode: text,
  CurrencyIsoCode: text,
  Owner: ref,
  LastModifiedDate: text,
});
const RawContact = z.object({
  Id: z.string(),
  Name: z.string(),
  FirstName: text,
  LastName: z.string(),
  Email: text,
  Title: text,
  Phone: text,
  AccountId: text,
  Account: ref,
});
const RawOpportunity = z.object({
  Id: z.string(),
  Name: z.string(),
  AccountId: text,
  Account: ref,
  StageName: z.string(),
  Amount: z.number().nullish(),
  CurrencyIsoCode: text,
  Probability: z.number().nullish(),
  CloseDate: text,
  IsClosed: z.boolean(),
  IsWon: z.boolean(),
  Owner: ref,
});
const RawTask = z.object({
  Id: z.string(),
  Subject: text,
  Status: z.string(),
  Type: text,
  ActivityDate: text,
  WhatId: text,
  WhoId: text,
  AccountId: text,
  CreatedDate: z.string(),
});
const AccountIdRow = z.object({ AccountId: z.string().nullish() });

const QueryResult = z.object({
  totalSize: z.number(),
  done: z.boolean(),
  nextRecordsUrl: z.string().optional(),
  records: z.array(z.unknown()),
});

/** `Sforce-Query-Options`: the page size of every query (a hint Salesforce keeps between 200 and 2000). */
export const queryHeaders = (client: SalesforceClient) => ({
  'Sforce-Query-Options': `batchSize=${client.config.queryBatchSize}`,
});

const withCurrency = (client: SalesforceClient, fields: string[]) =>
  client.config.currency === undefined ? [...fields, 'CurrencyIsoCode'] : fields;

const accountFields = (client: SalesforceClient) =>
  withCurrency(client, [
    'Id',
    'Name',
    'Website',
    'Industry',
    'NumberOfEmployees',
    'AnnualRevenue',
    'Phone',
    'BillingCity',
    'BillingCountryCode',
    'Owner.Name',
    'LastModifiedDate',
  ]).join(', ');
const CONTACT_FIELDS = 'Id, Name, FirstName, LastName, Email, Title, Phone, AccountId, Account.Name';
const opportunityFields = (client: SalesforceClient) =>
  withCurrency(client, [
    'Id',
    'Name',
    'AccountId',
    'Account.Name',
    'StageName',
    'Amount',
    'Probability',
    'CloseDate',
    'IsClosed',
    'IsWon',
    'Owner.Name',
  ]).join(', ');
const TASK_FIELDS = 'Id, Subject, Status, Type, ActivityDate, WhatId, WhoId, AccountId, CreatedDate';

/**
 * Runs one SOQL query and parses all its records. Salesforce answers in pages: each further page
 * (`nextRecordsUrl`) is fetched here as a request of its own, never by jsforce inside one call.
 * Every statement here has a LIMIT, and the call's deadline bounds the walk.
 */
export async function query<S extends z.ZodType>(
  call: Call,
  soql: string,
  schema: S,
): Promise<Array<z.output<S>>> {
  const Page = QueryResult.extend({ records: z.array(schema) });
  const headers = queryHeaders(call.client);
  const records: Array<z.output<S>> = [];
  let next: string | undefined = `/query?q=${encodeURIComponent(soql)}`;
  for (let page = 1; next !== undefined; page += 1) {
    const url: string = next;
    const answer = await read(call, page === 1 ? 'query' : 'query.more', () =>
      call.client.conn.request({ method: 'GET', url, headers }),
    );
    const parsed = Page.safeParse(answer);
    if (!parsed.success) {
      throw new ToolError(
        'internal',
        'Salesforce returned records in an unexpected shape. The error was logged.',
        {
          cause: parsed.error,
        },
      );
    }
    records.push(...parsed.data.records);
    next = parsed.data.done ? undefined : parsed.data.nextRecordsUrl;
  }
  return records;
}

/** ISO 8601 from Salesforce's `2025-03-01T09:30:00.000+0000`. */
export function isoInstant(value: string): string {
  const date = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

const opt = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

function recordUrl(client: SalesforceClient, object: string, id: string): string | undefined {
  const base = client.conn.instanceUrl;
  return base ? `${base}/lightning/r/${object}/${id}/view` : undefined;
}

function source(call: Call, object: string, id: string) {
  const url = recordUrl(call.client, object, id);
  return { system: 'salesforce', instance: call.instance.namespace, id, ...(url ? { url } : {}) };
}

function currencyOf(client: SalesforceClient, value: string | null | undefined): string | undefined {
  return client.config.currency ?? opt(value) ?? undefined;
}

function toAccount(call: Call, row: z.output<typeof RawAccount>): SalesforceAccount {
  const currency = currencyOf(call.client, row.CurrencyIsoCode);
  const domain = row.Website ? normalizeDomain(row.Website) : undefined;
  return {
    source: source(call, 'Account', row.Id),
    name: row.Name,
    ...(domain ? { domain } : {}),
    ...(row.Website ? { website: row.Website } : {}),
    ...(row.Phone ? { phone: row.Phone } : {}),
    ...(row.Industry ? { industry: row.Industry } : {}),
    ...(typeof row.NumberOfEmployees === 'number' ? { employees: Math.round(row.NumberOfEmployees) } : {}),
    ...(typeof row.AnnualRevenue === 'number' && currency
      ? { annualRevenue: { amount: row.AnnualRevenue, currency } }
      : {}),
    ...(row.BillingCity ? { city: row.BillingCity } : {}),
    ...(row.BillingCountryCode ? { country: row.BillingCountryCode } : {}),
    ...(row.Owner?.Name ? { owner: row.Owner.Name } : {}),
    ...(row.LastModifiedDate ? { updatedAt: isoInstant(row.LastModifiedDate) } : {}),
  };
}

function toContact(call: Call, row: z.output<typeof RawContact>): SalesforceContact {
  return {
    source: source(call, 'Contact', row.Id),
    name: row.Name,
    lastName: row.LastName,
    ...(row.FirstName ? { firstName: row.FirstName } : {}),
    ...(row.AccountId ? { accountId: row.AccountId } : {}),
    ...(row.Account?.Name ? { accountName: row.Account.Name } : {}),
    ...(row.Email ? { email: row.Email } : {}),
    ...(row.Phone ? { phone: row.Phone } : {}),
    ...(row.Title ? { title: row.Title } : {}),
  };
}

function toOpportunity(call: Call, row: z.output<typeof RawOpportunity>): Opportunity {
  const currency = currencyOf(call.client, row.CurrencyIsoCode);
  return {
    source: source(call, 'Opportunity', row.Id),
    name: row.Name,
    stage: row.StageName,
    isClosed: row.IsClosed,
    isWon: row.IsWon,
    ...(row.AccountId ? { accountId: row.AccountId } : {}),
    ...(row.Account?.Name ? { accountName: row.Account.Name } : {}),
    ...(typeof row.Amount === 'number' && currency ? { amount: { amount: row.Amount, currency } } : {}),
    ...(row.CloseDate ? { closeDate: row.CloseDate } : {}),
    ...(typeof row.Probability === 'number' ? { probability: row.Probability } : {}),
    ...(row.Owner?.Name ? { owner: row.Owner.Name } : {}),
  };
}

function toActivity(row: z.output<typeof RawTask>): Activity {
  return {
    id: row.Id,
    status: row.Status,
    createdAt: isoInstant(row.CreatedDate),
    ...(row.Subject ? { subject: row.Subject } : {}),
    ...(row.Type ? { type: row.Type } : {}),
    ...(row.ActivityDate ? { dueDate: row.ActivityDate } : {}),
    ...(row.WhatId ? { relatedToId: row.WhatId } : {}),
    ...(row.WhoId ? { contactId: row.WhoId } : {}),
    ...(row.AccountId ? { accountId: row.AccountId } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Keyset paging

interface SortKey {
  field: string;
  direction: 'ASC' | 'DESC';
  literal(value: string): string;
}

/** `(F > v OR (F = v AND Id > id))` for the records after the keyset, in the sort order. */
function after(sort: SortKey, keyset: Keyset | undefined): string | undefined {
  if (keyset === undefined) return undefined;
  const op = sort.direction === 'ASC' ? '>' : '<';
  const value = sort.literal(keyset.v);
  return `(${sort.field} ${op} ${value} OR (${sort.field} = ${value} AND Id ${op} ${soqlId(keyset.id)}))`;
}

const orderBy = (sort: SortKey) => `ORDER BY ${sort.field} ${sort.direction}, Id ${sort.direction}`;

/** A page to read: its size, and the keyset of the previous page's last record. */
export interface PageRequest {
  limit: number;
  after?: Keyset | undefined;
}

export interface Page<T> {
  items: T[];
  /** The keyset of the last record when more records follow. */
  next?: { v: string; id: string } | undefined;
}

async function keysetPage<S extends z.ZodType<{ Id: string }>>(
  call: Call,
  spec: {
    object: string;
    fields: string;
    where: string[];
    sort: SortKey;
    sortValue(row: z.output<S>): string;
  },
  schema: S,
  page: PageRequest,
): Promise<Page<z.output<S>>> {
  const conditions = [...spec.where];
  const keyset = after(spec.sort, page.after);
  if (keyset) conditions.push(keyset);
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  const soql = `SELECT ${spec.fields} FROM ${spec.object}${where} ${orderBy(spec.sort)} LIMIT ${page.limit + 1}`;
  const rows = await query(call, soql, schema);
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items,
    ...(rows.length > page.limit && last ? { next: { v: spec.sortValue(last), id: last.Id } } : {}),
  };
}

const BY_NAME: SortKey = { field: 'Name', direction: 'ASC', literal: soqlString };

/** The WHERE conditions of the filters given: a filter left out (undefined or empty) adds none. */
const conditions = (...filters: Array<string | undefined>): string[] =>
  filters.filter((condition): condition is string => Boolean(condition));

// ---------------------------------------------------------------------------------------------
// Accounts

export interface AccountCriteria {
  name?: string;
  domain?: string;
  email?: string;
}

async function accountIdsOfContacts(call: Call, condition: string): Promise<string[]> {
  const rows = await query(
    call,
    `SELECT AccountId FROM Contact WHERE ${condition} AND AccountId != null LIMIT ${MAX_CONTACT_ACCOUNTS}`,
    AccountIdRow,
  );
  return [...new Set(rows.flatMap((row) => (row.AccountId ? [row.AccountId] : [])))];
}

/**
 * Accounts matching any of the criteria (alternatives), by name then id, with the strongest
 * criterion each matched. Emails and domains also match through the account's contacts.
 */
export async function searchAccounts(
  call: Call,
  criteria: AccountCriteria,
  page: PageRequest,
): Promise<Page<AccountMatch>> {
  const email = criteria.email === undefined ? undefined : normalizeEmail(criteria.email);
  const domain = criteria.domain === undefined ? undefined : normalizeDomain(criteria.domain);
  // A free-mail domain identifies no company: it may match a website, never contacts' emails.
  const companyDomain = domain === undefined ? undefined : call.identity.companyDomain(domain);
  const [byEmail, byDomain] = await Promise.all([
    email ? accountIdsOfContacts(call, `Email = ${soqlString(email)}`) : Promise.resolve([]),
    companyDomain
      ? accountIdsOfContacts(call, `Email LIKE ${soqlLike(`@${companyDomain}`, 'suffix')}`)
      : Promise.resolve([]),
  ]);
  const alternatives: string[] = [];
  if (criteria.name) alternatives.push(`Name LIKE ${soqlLike(criteria.name.trim())}`);
  if (domain) alternatives.push(`Website LIKE ${soqlLike(domain)}`);
  const ids = [...new Set([...byEmail, ...byDomain])];
  if (ids.length > 0) alternatives.push(`Id IN (${ids.map(soqlId).join(', ')})`);
  if (alternatives.length === 0) return { items: [] };

  const raw = await keysetPage(
    call,
    {
      object: 'Account',
      fields: accountFields(call.client),
      where: [`(${alternatives.join(' OR ')})`],
      sort: BY_NAME,
      sortValue: (row) => row.Name,
    },
    RawAccount,
    page,
  );
  const emailIds = new Set(byEmail);
  const domainIds = new Set(byDomain);
  const name = criteria.name?.trim().toLowerCase();
  const items = raw.items.flatMap((row): AccountMatch[] => {
    const account = toAccount(call, row);
    const websiteMatches =
      domain !== undefined &&
      account.domain !== undefined &&
      (account.domain === domain || account.domain.endsWith(`.${domain}`));
    // LIKE on the website over-matches (ab.com in cab.com): keep only real matches.
    const matchedBy = emailIds.has(row.Id)
      ? 'email'
      : domainIds.has(row.Id) || websiteMatches
        ? 'domain'
        : name !== undefined && row.Name.toLowerCase().includes(name)
          ? 'name'
          : undefined;
    return matchedBy ? [{ ...account, matchedBy }] : [];
  });
  return { items, next: raw.next };
}

/** The record of `object` with this id, mapped; undefined when there is none. */
async function byId<S extends z.ZodType, T>(
  call: Call,
  record: { object: string; fields: string; schema: S },
  id: string,
  map: (row: z.output<S>) => T,
): Promise<T | undefined> {
  const soql = `SELECT ${record.fields} FROM ${record.object} WHERE Id = ${soqlId(id)}`;
  const [row] = await query(call, soql, record.schema);
  return row === undefined ? undefined : map(row);
}

export const getAccount = (call: Call, id: string) =>
  byId(call, { object: 'Account', fields: accountFields(call.client), schema: RawAccount }, id, (row) =>
    toAccount(call, row),
  );

export function accountNotFound(call: Call, id: string): ToolError {
  const hint = id.startsWith('003')
    ? ` That is a contact id: ${call.instance.toolName('search_contacts')} gives its accountId.`
    : id.startsWith('006')
      ? ` That is an opportunity id: ${call.instance.toolName('list_opportunities')} gives its accountId.`
      : '';
  return new ToolError(
    'not_found',
    `No Salesforce account with id ${id}.${hint} Search with ${call.instance.toolName('search_accounts')} first.`,
  );
}

/** The account with its contacts, open opportunities and recent activities. */
export async function loadAccountDetail(call: Call, id: string): Promise<AccountDetail> {
  const account = await getAccount(call, id);
  if (account === undefined) throw accountNotFound(call, id);
  const accountId = account.source.id;
  const [contacts, deals, tasks] = await Promise.all([
    query(
      call,
      `SELECT ${CONTACT_FIELDS} FROM Contact WHERE AccountId = ${soqlId(accountId)} ORDER BY Name ASC, Id ASC LIMIT ${MAX_CONTACTS + 1}`,
      RawContact,
    ),
    query(
      call,
      `SELECT ${opportunityFields(call.client)} FROM Opportunity WHERE AccountId = ${soqlId(accountId)} AND IsClosed = false ` +
        `ORDER BY CloseDate ASC, Id ASC LIMIT ${MAX_OPEN_DEALS}`,
      RawOpportunity,
    ),
    query(
      call,
      `SELECT ${TASK_FIELDS} FROM Task WHERE AccountId = ${soqlId(accountId)} ORDER BY CreatedDate DESC, Id DESC LIMIT ${RECENT_ACTIVITIES}`,
      RawTask,
    ),
  ]);
  return {
    account,
    contacts: contacts.slice(0, MAX_CONTACTS).map((row) => toContact(call, row)),
    contactsTruncated: contacts.length > MAX_CONTACTS,
    openOpportunities: deals.map((row) => toOpportunity(call, row)),
    recentActivities: tasks.map(toActivity),
  };
}

// ---------------------------------------------------------------------------------------------
// Contacts and opportunities

export interface ContactFilters {
  query?: string;
  email?: string;
  accountId?: string;
}

export async function searchContacts(
  call: Call,
  filters: ContactFilters,
  page: PageRequest,
): Promise<Page<SalesforceContact>> {
  const term = filters.query?.trim();
  const where = conditions(
    term && `(Name LIKE ${soqlLike(term)} OR Email LIKE ${soqlLike(term)})`,
    filters.email && `Email = ${soqlString(filters.email.trim().toLowerCase())}`,
    filters.accountId && `AccountId = ${soqlId(filters.accountId)}`,
  );
  const raw = await keysetPage(
    call,
    { object: 'Contact', fields: CONTACT_FIELDS, where, sort: BY_NAME, sortValue: (row) => row.Name },
    RawContact,
    page,
  );
  return { items: raw.items.map((row) => toContact(call, row)), next: raw.next };
}

export type OpportunityStatus = 'open' | 'closed' | 'won' | 'lost' | 'all';

export interface OpportunityFilters {
  accountId?: string;
  stage?: string;
  status: OpportunityStatus;
}

const STATUS_CONDITION: Record<OpportunityStatus, string | undefined> = {
  open: 'IsClosed = false',
  closed: 'IsClosed = true',
  won: 'IsWon = true',
  lost: '(IsClosed = true AND IsWon = false)',
  all: undefined,
};

/** Open opportunities soonest close first; closed ones most recent first. */
export async function listOpportunities(
  call: Call,
  filters: OpportunityFilters,
  page: PageRequest,
): Promise<Page<Opportunity>> {
  const where = conditions(
    STATUS_CONDITION[filters.status],
    filters.accountId && `AccountId = ${soqlId(filters.accountId)}`,
    filters.stage && `StageName = ${soqlString(filters.stage)}`,
  );
  const sort: SortKey = {
    field: 'CloseDate',
    direction: filters.status === 'open' ? 'ASC' : 'DESC',
    literal: soqlDate,
  };
  const raw = await keysetPage(
    call,
    {
      object: 'Opportunity',
      fields: opportunityFields(call.client),
      where,
      sort,
      sortValue: (row) => row.CloseDate ?? '',
    },
    RawOpportunity,
    page,
  );
  return { items: raw.items.map((row) => toOpportunity(call, row)), next: raw.next };
}

export const getOpportunity = (call: Call, id: string) =>
  byId(
    call,
    { object: 'Opportunity', fields: opportunityFields(call.client), schema: RawOpportunity },
    id,
    (row) => toOpportunity(call, row),
  );

export const getTask = (call: Call, id: string) =>
  byId(call, { object: 'Task', fields: TASK_FIELDS, schema: RawTask }, id, toActivity);

const Describe = z.object({
  fields: z.array(
    z.object({
      name: z.string(),
      picklistValues: z.array(z.object({ value: z.string(), active: z.boolean() })).nullish(),
    }),
  ),
});

/**
 * The active stages of opportunities, from the describe of Opportunity, read once per process (as
 * jsforce's describe$ did): stages change rarely, and a describe costs an API request. Empty when
 * the describe names none, so that the caller checks nothing rather than refusing everything.
 */
export async function opportunityStages(call: Call): Promise<readonly string[]> {
  const key = 'Opportunity.StageName';
  const known = call.client.picklists.get(key);
  if (known !== undefined) return known;
  const answer = await read(call, 'sobjects.describe', () =>
    call.client.conn.request('/sobjects/Opportunity/describe'),
  );
  const stages = (
    Describe.safeParse(answer).data?.fields.find((field) => field.name === 'StageName')?.picklistValues ?? []
  )
    .filter((value) => value.active)
    .map((value) => value.value);
  if (stages.length > 0) call.client.picklists.set(key, stages);
  return stages;
}

export { QueryResult };
