import type { InstanceInfo } from '@switchboard/kit';
import { Account, Contact, Deal, model, normalizeDomain, SourceRef } from '@switchboard/kit';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// What HubSpot sends, as the generated client hands it over (dates already turned into Dates).

const Timestamp = z
  .union([z.date(), z.string()])
  .transform((value) => (typeof value === 'string' ? value : value.toISOString()));

export const HsObject = z.object({
  id: z.string(),
  properties: z.record(z.string(), z.string().nullable().optional()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  archived: z.boolean().optional(),
  associations: z
    .record(z.string(), z.object({ results: z.array(z.object({ id: z.string(), type: z.string() })) }))
    .optional(),
});
export type HsObject = z.output<typeof HsObject>;

const NextPage = z.object({ next: z.object({ after: z.string() }).optional() }).optional();

export const HsSearchPage = z.object({
  total: z.number().int(),
  results: z.array(HsObject),
  paging: NextPage,
});

export const HsBatch = z.object({ results: z.array(HsObject) });

export const HsAssociationPage = z.object({
  results: z.array(
    z.object({
      // Typed string by the client, sent as a number by HubSpot.
      toObjectId: z.union([z.string(), z.number()]).transform(String),
      associationTypes: z.array(z.object({ typeId: z.number(), label: z.string().nullish() })),
    }),
  ),
  paging: NextPage,
});

// ---------------------------------------------------------------------------------------------
// What the tools return.

const recordOwner = z.string().optional().describe('HubSpot owner (user) id of the record.');

export const Company = Account.extend({
  lifecycleStage: z
    .string()
    .optional()
    .describe('HubSpot lifecycle stage, e.g. "customer" or "opportunity".'),
  ownerId: recordOwner,
  description: z.string().optional().describe('Free-text description of the company in HubSpot.'),
}).describe('A HubSpot company, in the common account model plus HubSpot fields.');
export type Company = z.output<typeof Company>;

export const ContactRecord = Contact.extend({
  firstName: z.string().optional().describe('First name.'),
  lastName: z.string().optional().describe('Last name.'),
  ownerId: recordOwner,
}).describe('A HubSpot contact; accountId is the id of its primary company.');
export type ContactRecord = z.output<typeof ContactRecord>;

export const DealRecord = Deal.extend({
  pipeline: z.string().describe('Pipeline id, e.g. "default".'),
  ownerId: z.string().optional().describe('HubSpot owner (user) id of the deal.'),
}).describe(
  'A HubSpot deal; stage is the pipeline stage id (e.g. "closedwon"); accountId its primary company.',
);
export type DealRecord = z.output<typeof DealRecord>;

export const Note = model('A note on the HubSpot timeline of a record.', {
  source: SourceRef,
  body: z.string().describe('The note as plain text (HTML removed).'),
  timestamp: z.string().describe('When the note applies (ISO 8601), as shown on the HubSpot timeline.'),
});
export type Note = z.output<typeof Note>;

export const CompanyDetail = z.object({
  company: Company,
  contacts: z.array(ContactRecord).describe('Contacts associated with the company (at most 100).'),
  contactsTruncated: z.boolean().describe('True when the company has more than 100 contacts.'),
  deals: z
    .array(DealRecord)
    .describe('Deals associated with the company (at most 100), newest close date first.'),
  dealsTruncated: z.boolean().describe('True when the company has more than 100 deals.'),
  notes: z.array(Note).describe('The 10 most recent notes on the company, newest first.'),
});
export type CompanyDetail = z.output<typeof CompanyDetail>;

// ---------------------------------------------------------------------------------------------
// Mapping.

export const COMPANY_PROPERTIES = [
  'name',
  'domain',
  'website',
  'phone',
  'industry',
  'numberofemployees',
  'city',
  'country',
  'lifecyclestage',
  'hubspot_owner_id',
  'description',
] as const;
export const CONTACT_PROPERTIES = [
  'firstname',
  'lastname',
  'email',
  'phone',
  'jobtitle',
  'associatedcompanyid',
  'hubspot_owner_id',
] as const;
export const DEAL_PROPERTIES = [
  'dealname',
  'dealstage',
  'pipeline',
  'amount',
  'deal_currency_code',
  'closedate',
  'hs_is_closed',
  'hs_is_closed_won',
  'hubspot_owner_id',
] as const;
export const NOTE_PROPERTIES = ['hs_note_body', 'hs_timestamp'] as const;

/** HubSpot object type ids, as in record URLs. */
const TYPE_IDS = { companies: '0-2', contacts: '0-1', deals: '0-3', notes: '0-46' } as const;

export interface MapScope {
  instance: InstanceInfo;
  portalId?: number | undefined;
}

function source(scope: MapScope, type: keyof typeof TYPE_IDS, id: string): SourceRef {
  const ref: SourceRef = { system: 'hubspot', instance: scope.instance.namespace, id };
  if (scope.portalId !== undefined && type !== 'notes') {
    ref.url = `https://app.hubspot.com/contacts/${scope.portalId}/record/${TYPE_IDS[type]}/${id}`;
  }
  return ref;
}

const prop = (object: HsObject, name: string): string | undefined => {
  const value = object.properties[name];
  return value === null || value === undefined || value.trim() === '' ? undefined : value;
};

const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region' });
let countryCodes: Map<string, string> | undefined;

/** HubSpot's country is free text ("Germany"); the common model wants ISO 3166-1 alpha-2. */
export function countryCode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^[A-Za-z]{2}$/.test(text)) return text.toUpperCase();
  if (countryCodes === undefined) {
    countryCodes = new Map();
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = REGION_NAMES.of(code);
        if (name !== undefined && name !== code) countryCodes.set(name.toLowerCase(), code);
      }
    }
    countryCodes.set('usa', 'US').set('uk', 'GB').set('united states of america', 'US');
  }
  return countryCodes.get(text.toLowerCase());
}

export function toCompany(scope: MapScope, object: HsObject): Company {
  const employees = Number(prop(object, 'numberofemployees'));
  const domain = normalizeDomain(prop(object, 'domain') ?? prop(object, 'website') ?? '');
  return {
    source: source(scope, 'companies', object.id),
    name: prop(object, 'name') ?? `(unnamed company ${object.id})`,
    domain,
    phone: prop(object, 'phone'),
    industry: prop(object, 'industry'),
    employees: Number.isInteger(employees) ? employees : undefined,
    city: prop(object, 'city'),
    country: countryCode(prop(object, 'country')),
    updatedAt: object.updatedAt,
    lifecycleStage: prop(object, 'lifecyclestage'),
    ownerId: prop(object, 'hubspot_owner_id'),
    description: prop(object, 'description'),
  };
}

export function toContact(scope: MapScope, object: HsObject, accountId?: string): ContactRecord {
  const firstName = prop(object, 'firstname');
  const lastName = prop(object, 'lastname');
  const email = prop(object, 'email');
  const name = [firstName, lastName].filter(Boolean).join(' ') || email || `(unnamed contact ${object.id})`;
  return {
    source: source(scope, 'contacts', object.id),
    accountId: accountId ?? prop(object, 'associatedcompanyid'),
    name,
    email: email?.toLowerCase(),
    phone: prop(object, 'phone'),
    title: prop(object, 'jobtitle'),
    firstName,
    lastName,
    ownerId: prop(object, 'hubspot_owner_id'),
  };
}

const CLOSED_WON = new Set(['closedwon']);
const CLOSED = new Set(['closedwon', 'closedlost']);

export function toDeal(scope: MapScope, object: HsObject, accountId?: string): DealRecord {
  const stage = prop(object, 'dealstage') ?? 'unknown';
  const amount = Number(prop(object, 'amount'));
  const currency = prop(object, 'deal_currency_code');
  const closedFlag = prop(object, 'hs_is_closed');
  const isClosed = closedFlag === undefined ? CLOSED.has(stage) : closedFlag === 'true';
  const wonFlag = prop(object, 'hs_is_closed_won');
  const isWon = wonFlag === undefined ? CLOSED_WON.has(stage) : wonFlag === 'true';
  return {
    source: source(scope, 'deals', object.id),
    accountId,
    name: prop(object, 'dealname') ?? `(unnamed deal ${object.id})`,
    stage,
    amount:
      Number.isFinite(amount) && currency !== undefined && /^[A-Z]{3}$/.test(currency)
        ? { amount, currency }
        : undefined,
    closeDate: prop(object, 'closedate')?.slice(0, 10),
    isClosed,
    isWon: isClosed ? isWon : undefined,
    pipeline: prop(object, 'pipeline') ?? 'default',
    ownerId: prop(object, 'hubspot_owner_id'),
  };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** Note bodies are HTML in HubSpot. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_match, name: string) => ENTITIES[name] ?? '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function textToHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r?\n/g, '<br>');
}

export function toNote(scope: MapScope, object: HsObject): Note {
  return {
    source: source(scope, 'notes', object.id),
    body: htmlToText(prop(object, 'hs_note_body') ?? ''),
    timestamp: prop(object, 'hs_timestamp') ?? object.createdAt,
  };
}
