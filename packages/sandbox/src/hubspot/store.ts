import { dateFromOffset, isoDateTime } from '../dataset/dates.js';
import type { Dataset } from '../dataset/types.js';

/**
 * The HubSpot portal the emulator serves: CRM objects keyed by type and id, with HubSpot's internal
 * property names, and associations stored once per direction with HubSpot's association type ids.
 */

export type ObjectType = 'contacts' | 'companies' | 'deals' | 'notes';

export const OBJECT_TYPES: readonly ObjectType[] = ['contacts', 'companies', 'deals', 'notes'];

export function isObjectType(value: string): value is ObjectType {
  return (OBJECT_TYPES as readonly string[]).includes(value);
}

export interface CrmObject {
  id: string;
  type: ObjectType;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
}

export interface AssociationType {
  category: 'HUBSPOT_DEFINED';
  typeId: number;
  label: string | null;
}

/** Singular names, as in v3 association type names (`company_to_contact`). */
export const SINGULAR: Record<ObjectType, string> = {
  contacts: 'contact',
  companies: 'company',
  deals: 'deal',
  notes: 'note',
};

/**
 * HubSpot-defined association type ids (the client's `AssociationTypes` enum): the unlabeled type,
 * and the "Primary" one where HubSpot has it.
 */
const TYPE_IDS: Record<string, { unlabeled: number; primary?: number }> = {
  'contacts>companies': { unlabeled: 279, primary: 1 },
  'companies>contacts': { unlabeled: 280, primary: 2 },
  'deals>companies': { unlabeled: 341, primary: 5 },
  'companies>deals': { unlabeled: 342, primary: 6 },
  'deals>contacts': { unlabeled: 3 },
  'contacts>deals': { unlabeled: 4 },
  'notes>companies': { unlabeled: 190 },
  'companies>notes': { unlabeled: 189 },
  'notes>contacts': { unlabeled: 202 },
  'contacts>notes': { unlabeled: 201 },
  'notes>deals': { unlabeled: 214 },
  'deals>notes': { unlabeled: 213 },
};

/** The association type id a note-to-object association must use when creating a note. */
export function unlabeledTypeId(from: ObjectType, to: ObjectType): number | undefined {
  return TYPE_IDS[`${from}>${to}`]?.unlabeled;
}

/** Default pipeline stage ids, in order; a deal's stage must be one of them. */
export const DEFAULT_PIPELINE_STAGES: readonly string[] = [
  'appointmentscheduled',
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'contractsent',
  'closedwon',
  'closedlost',
];

/** Properties returned when a request names none, as HubSpot does per object type. */
export const DEFAULT_PROPERTIES: Record<ObjectType, readonly string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  deals: [
    'amount',
    'closedate',
    'createdate',
    'dealname',
    'dealstage',
    'hs_lastmodifieddate',
    'hs_object_id',
    'pipeline',
  ],
  notes: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

/** Always returned beside the requested properties. */
const ALWAYS: Record<ObjectType, readonly string[]> = {
  contacts: ['createdate', 'hs_object_id', 'lastmodifieddate'],
  companies: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  deals: ['createdate', 'hs_lastmodifieddate', 'hs_object_id'],
  notes: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
};

/** What the free-text `query` of a search looks at, per object type. */
export const QUERY_PROPERTIES: Record<ObjectType, readonly string[]> = {
  contacts: ['firstname', 'lastname', 'email', 'phone', 'company'],
  companies: ['name', 'domain', 'website', 'phone'],
  deals: ['dealname', 'pipeline', 'dealstage', 'description'],
  notes: ['hs_note_body'],
};

const MODIFIED: Record<ObjectType, string> = {
  contacts: 'lastmodifieddate',
  companies: 'hs_lastmodifieddate',
  deals: 'hs_lastmodifieddate',
  notes: 'hs_lastmodifieddate',
};

interface Edge {
  toId: string;
  types: AssociationType[];
}

export class HubSpotStore {
  readonly portalId: number;
  private readonly objects: Record<ObjectType, Map<string, CrmObject>> = {
    contacts: new Map(),
    companies: new Map(),
    deals: new Map(),
    notes: new Map(),
  };
  /** `${fromType}>${toType}` -> from id -> edges, in insertion order. */
  private readonly edges = new Map<string, Map<string, Edge[]>>();
  private nextNoteId = 70_000_000_001;

  constructor(dataset: Dataset, asOf: Date) {
    const { hubspot } = dataset;
    this.portalId = hubspot.portalId;
    for (const company of hubspot.companies) {
      const created = isoDateTime(company.createdAt, asOf);
      this.put('companies', company.id, created, created, {
        name: company.name,
        domain: company.domain,
        website: `https://www.${company.domain}`,
        industry: company.industry,
        numberofemployees: String(company.numberOfEmployees),
        annualrevenue: String(company.annualRevenue),
        phone: company.phone,
        city: company.city,
        country: company.country,
        lifecyclestage: company.lifecycleStage,
        hubspot_owner_id: company.ownerId,
        description: company.sourceNote,
      });
    }
    for (const contact of hubspot.contacts) {
      const created = isoDateTime(contact.createdAt, asOf);
      const company = this.objects.companies.get(contact.companyId);
      this.put('contacts', contact.id, created, created, {
        firstname: contact.firstName,
        lastname: contact.lastName,
        email: contact.email,
        hs_email_domain: contact.email.split('@')[1] ?? null,
        jobtitle: contact.jobTitle,
        phone: contact.phone,
        company: company?.properties.name ?? null,
        associatedcompanyid: contact.companyId,
        hubspot_owner_id: contact.ownerId,
      });
      this.associate('contacts', contact.id, 'companies', contact.companyId, true);
    }
    for (const deal of hubspot.deals) {
      const created = isoDateTime(deal.createdAt, asOf);
      const closed = deal.stage === 'closedwon' || deal.stage === 'closedlost';
      this.put('deals', deal.id, created, created, {
        dealname: deal.name,
        amount: String(deal.amount),
        deal_currency_code: deal.currency,
        pipeline: deal.pipeline,
        dealstage: deal.stage,
        closedate: dateFromOffset(deal.closeDate, asOf).toISOString(),
        hubspot_owner_id: deal.ownerId,
        hs_is_closed: String(closed),
        hs_is_closed_won: String(deal.stage === 'closedwon'),
      });
      this.associate('deals', deal.id, 'companies', deal.companyId, true);
      for (const contactId of deal.contactIds) this.associate('deals', deal.id, 'contacts', contactId, false);
    }
  }

  get(type: ObjectType, id: string): CrmObject | undefined {
    return this.objects[type].get(id);
  }

  all(type: ObjectType): CrmObject[] {
    return [...this.objects[type].values()];
  }

  /** Associated ids with their types, from -> to, in the order they were created. */
  associations(fromType: ObjectType, fromId: string, toType: ObjectType): readonly Edge[] {
    return this.edges.get(`${fromType}>${toType}`)?.get(fromId) ?? [];
  }

  createNote(
    properties: Record<string, string | null>,
    targets: ReadonlyArray<{ type: ObjectType; id: string }>,
    now: Date,
  ): CrmObject {
    const id = String(this.nextNoteId++);
    const at = now.toISOString();
    const note = this.put('notes', id, at, at, properties);
    for (const target of targets) this.associate('notes', id, target.type, target.id, false);
    return note;
  }

  update(type: ObjectType, id: string, properties: Record<string, string | null>, now: Date): CrmObject {
    const object = this.objects[type].get(id);
    if (object === undefined) throw new Error(`no ${type} ${id}`);
    const at = now.toISOString();
    Object.assign(object.properties, properties, { [MODIFIED[type]]: at });
    object.updatedAt = at;
    return object;
  }

  /** The object as the v3 API returns it, with only the requested (or default) properties. */
  view(object: CrmObject, requested: readonly string[] | undefined): Record<string, unknown> {
    const names =
      requested === undefined || requested.length === 0
        ? DEFAULT_PROPERTIES[object.type]
        : [...new Set([...requested, ...ALWAYS[object.type]])];
    const properties: Record<string, string | null> = {};
    for (const name of names) {
      if (name in object.properties) properties[name] = object.properties[name] ?? null;
    }
    return {
      id: object.id,
      properties,
      createdAt: object.createdAt,
      updatedAt: object.updatedAt,
      archived: false,
    };
  }

  private put(
    type: ObjectType,
    id: string,
    createdAt: string,
    updatedAt: string,
    properties: Record<string, string | null>,
  ): CrmObject {
    const dates: Record<string, string> =
      type === 'notes'
        ? { hs_createdate: createdAt, hs_lastmodifieddate: updatedAt }
        : { createdate: createdAt, [MODIFIED[type]]: updatedAt };
    const object: CrmObject = {
      id,
      type,
      properties: { ...properties, ...dates, hs_object_id: id },
      createdAt,
      updatedAt,
    };
    this.objects[type].set(id, object);
    return object;
  }

  /** Stores both directions; `primary` adds HubSpot's "Primary" label where the pair has one. */
  private associate(
    fromType: ObjectType,
    fromId: string,
    toType: ObjectType,
    toId: string,
    primary: boolean,
  ) {
    this.addEdge(fromType, fromId, toType, toId, primary);
    this.addEdge(toType, toId, fromType, fromId, primary);
  }

  private addEdge(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string, primary: boolean) {
    const ids = TYPE_IDS[`${fromType}>${toType}`];
    if (ids === undefined) throw new Error(`no association type ${fromType} -> ${toType}`);
    const types: AssociationType[] = [];
    if (primary && ids.primary !== undefined) {
      types.push({ category: 'HUBSPOT_DEFINED', typeId: ids.primary, label: 'Primary' });
    }
    types.push({ category: 'HUBSPOT_DEFINED', typeId: ids.unlabeled, label: null });
    const key = `${fromType}>${toType}`;
    let byFrom = this.edges.get(key);
    if (byFrom === undefined) {
      byFrom = new Map();
      this.edges.set(key, byFrom);
    }
    const list = byFrom.get(fromId) ?? [];
    const existing = list.find((edge) => edge.toId === toId);
    if (existing === undefined) list.push({ toId, types });
    else existing.types = types.length > existing.types.length ? types : existing.types;
    byFrom.set(fromId, list);
  }
}
