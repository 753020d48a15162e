/**
 * The objects and fields the Salesforce emulator knows: a small, faithful subset of the standard
 * objects (API names, types, picklists, relationship names as in a real org with multi-currency
 * and state/country picklists enabled). Queries naming anything else are refused.
 */

export type FieldType =
  | 'id'
  | 'reference'
  | 'string'
  | 'textarea'
  | 'email'
  | 'url'
  | 'phone'
  | 'picklist'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'boolean'
  | 'date'
  | 'datetime';

export type FieldValue = string | number | boolean | null;
export type Row = Record<string, FieldValue>;

export interface FieldDef {
  name: string;
  type: FieldType;
  label: string;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  /** For references: the object(s) it may point to, and the relationship name for `Rel.Field`. */
  referenceTo?: readonly string[];
  relationshipName?: string;
  /** For picklists: the allowed values; writes of anything else are refused (restricted picklist). */
  picklist?: readonly string[];
  /** The value a create gets when the field is omitted. */
  defaultValue?: FieldValue;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: readonly FieldDef[];
}

const TEXT_TYPES: ReadonlySet<FieldType> = new Set([
  'string',
  'textarea',
  'email',
  'url',
  'phone',
  'picklist',
]);
const NUMBER_TYPES: ReadonlySet<FieldType> = new Set(['int', 'double', 'currency', 'percent']);

export const isTextType = (type: FieldType) => TEXT_TYPES.has(type);
export const isNumberType = (type: FieldType) => NUMBER_TYPES.has(type);
export const isIdType = (type: FieldType) => type === 'id' || type === 'reference';

function field(
  name: string,
  type: FieldType,
  options: Partial<Omit<FieldDef, 'name' | 'type'>> = {},
): FieldDef {
  const system = type === 'id' || name === 'CreatedDate' || name === 'LastModifiedDate';
  return {
    name,
    type,
    label: options.label ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/ Id$/, ' ID'),
    nillable: options.nillable ?? !system,
    createable: options.createable ?? !system,
    updateable: options.updateable ?? !system,
    ...(options.referenceTo ? { referenceTo: options.referenceTo } : {}),
    ...(options.relationshipName ? { relationshipName: options.relationshipName } : {}),
    ...(options.picklist ? { picklist: options.picklist } : {}),
    ...(options.defaultValue !== undefined ? { defaultValue: options.defaultValue } : {}),
  };
}

const owner = () =>
  field('OwnerId', 'reference', {
    referenceTo: ['User'],
    relationshipName: 'Owner',
    nillable: false,
    label: 'Owner ID',
  });
const audit = () => [field('CreatedDate', 'datetime'), field('LastModifiedDate', 'datetime')];
const currencyIso = () =>
  field('CurrencyIsoCode', 'picklist', { picklist: ['EUR', 'USD'], label: 'Currency ISO Code' });
/** Fields Salesforce computes itself: readable, never written by a create or an update. */
const computed = { createable: false, updateable: false } as const;
/** A person's name fields: Name is the compound of FirstName and LastName, never written directly. */
const personName = () => [
  field('FirstName', 'string'),
  field('LastName', 'string', { nillable: false }),
  field('Name', 'string', { nillable: false, ...computed, label: 'Full Name' }),
];
/** A standard object, labelled with its API name as in an org without renamed tabs. */
const sobject = (name: string, labelPlural: string, keyPrefix: string, fields: FieldDef[]): ObjectDef => ({
  name,
  label: name,
  labelPlural,
  keyPrefix,
  fields,
});

/** Salesforce's default opportunity stages. */
export const OPPORTUNITY_STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Id. Decision Makers',
  'Perception Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
] as const;

/** Default probability of each stage, as a new org has them. */
export const STAGE_PROBABILITY: Record<string, number> = {
  Prospecting: 10,
  Qualification: 10,
  'Needs Analysis': 20,
  'Value Proposition': 50,
  'Id. Decision Makers': 60,
  'Perception Analysis': 70,
  'Proposal/Price Quote': 75,
  'Negotiation/Review': 90,
  'Closed Won': 100,
  'Closed Lost': 0,
};

export const TASK_STATUSES = [
  'Not Started',
  'In Progress',
  'Completed',
  'Waiting on someone else',
  'Deferred',
];

export const OBJECTS: readonly ObjectDef[] = [
  sobject('Account', 'Accounts', '001', [
    field('Id', 'id', { label: 'Account ID' }),
    field('Name', 'string', { nillable: false, label: 'Account Name' }),
    field('Website', 'url'),
    field('Industry', 'picklist', {
      picklist: [
        'Agriculture',
        'Construction',
        'Energy',
        'Engineering',
        'Healthcare',
        'Hospitality',
        'Machinery',
        'Manufacturing',
        'Recreation',
        'Retail',
        'Technology',
        'Transportation',
        'Other',
      ],
    }),
    field('NumberOfEmployees', 'int', { label: 'Employees' }),
    field('AnnualRevenue', 'currency'),
    field('Phone', 'phone'),
    field('BillingCity', 'string'),
    field('BillingCountry', 'string'),
    field('BillingCountryCode', 'string', { label: 'Billing Country Code' }),
    field('Description', 'textarea'),
    currencyIso(),
    owner(),
    ...audit(),
  ]),
  sobject('Contact', 'Contacts', '003', [
    field('Id', 'id', { label: 'Contact ID' }),
    ...personName(),
    field('Email', 'email'),
    field('Title', 'string'),
    field('Phone', 'phone'),
    field('AccountId', 'reference', { referenceTo: ['Account'], relationshipName: 'Account' }),
    owner(),
    ...audit(),
  ]),
  sobject('Opportunity', 'Opportunities', '006', [
    field('Id', 'id', { label: 'Opportunity ID' }),
    field('Name', 'string', { nillable: false }),
    field('AccountId', 'reference', { referenceTo: ['Account'], relationshipName: 'Account' }),
    field('Amount', 'currency'),
    currencyIso(),
    field('StageName', 'picklist', { picklist: OPPORTUNITY_STAGES, nillable: false, label: 'Stage' }),
    field('Probability', 'percent'),
    field('CloseDate', 'date', { nillable: false }),
    field('IsClosed', 'boolean', { ...computed, nillable: false, label: 'Closed' }),
    field('IsWon', 'boolean', { ...computed, nillable: false, label: 'Won' }),
    field('Description', 'textarea'),
    owner(),
    ...audit(),
  ]),
  sobject('Task', 'Tasks', '00T', [
    field('Id', 'id', { label: 'Activity ID' }),
    field('Subject', 'string'),
    field('Description', 'textarea', { label: 'Comments' }),
    field('Status', 'picklist', { picklist: TASK_STATUSES, nillable: false, defaultValue: 'Not Started' }),
    field('Priority', 'picklist', {
      picklist: ['High', 'Normal', 'Low'],
      nillable: false,
      defaultValue: 'Normal',
    }),
    field('Type', 'picklist', { picklist: ['Call', 'Email', 'Meeting', 'Other'] }),
    field('TaskSubtype', 'picklist', {
      picklist: ['Task', 'Email', 'Call'],
      defaultValue: 'Task',
      updateable: false,
    }),
    field('ActivityDate', 'date', { label: 'Due Date Only' }),
    field('WhatId', 'reference', {
      referenceTo: ['Account', 'Opportunity'],
      relationshipName: 'What',
      label: 'Related To ID',
    }),
    field('WhoId', 'reference', { referenceTo: ['Contact'], relationshipName: 'Who', label: 'Name ID' }),
    // Derived by Salesforce from WhatId/WhoId.
    field('AccountId', 'reference', { referenceTo: ['Account'], relationshipName: 'Account', ...computed }),
    owner(),
    ...audit(),
  ]),
  sobject('User', 'Users', '005', [
    field('Id', 'id', { label: 'User ID' }),
    ...personName(),
    field('Email', 'email', { nillable: false }),
    field('Title', 'string'),
    field('IsActive', 'boolean', { nillable: false }),
    ...audit(),
  ]),
];

export function findObject(name: string): ObjectDef | undefined {
  const wanted = name.toLowerCase();
  return OBJECTS.find((object) => object.name.toLowerCase() === wanted);
}

export function findField(object: ObjectDef, name: string): FieldDef | undefined {
  const wanted = name.toLowerCase();
  return object.fields.find((candidate) => candidate.name.toLowerCase() === wanted);
}

export function findRelationship(object: ObjectDef, name: string): FieldDef | undefined {
  const wanted = name.toLowerCase();
  return object.fields.find((candidate) => candidate.relationshipName?.toLowerCase() === wanted);
}

export function objectForId(id: string): ObjectDef | undefined {
  return OBJECTS.find((object) => id.startsWith(object.keyPrefix));
}

/** A 15- or 18-character Salesforce id (format only). */
export function isSalesforceId(value: string): boolean {
  return /^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$/.test(value);
}

/** The describe result of an object, in the shape of `GET /sobjects/{Type}/describe` (subset). */
export function describeObject(object: ObjectDef, version: string) {
  const { fields, ...names } = object;
  return {
    ...names,
    createable: object.name !== 'User',
    updateable: object.name !== 'User',
    deletable: false,
    queryable: true,
    searchable: true,
    custom: false,
    urls: {
      sobject: `/services/data/v${version}/sobjects/${object.name}`,
      describe: `/services/data/v${version}/sobjects/${object.name}/describe`,
      rowTemplate: `/services/data/v${version}/sobjects/${object.name}/{ID}`,
    },
    fields: fields.map((def) => ({
      name: def.name,
      label: def.label,
      type: def.type,
      nillable: def.nillable,
      createable: def.createable,
      updateable: def.updateable,
      filterable: def.type !== 'textarea',
      sortable: def.type !== 'textarea',
      custom: false,
      referenceTo: def.referenceTo ?? [],
      relationshipName: def.relationshipName ?? null,
      restrictedPicklist: def.picklist !== undefined,
      defaultValue: def.defaultValue ?? null,
      picklistValues: (def.picklist ?? []).map((value) => ({
        active: true,
        defaultValue: def.defaultValue === value,
        label: value,
        validFor: null,
        value,
      })),
    })),
  };
}
