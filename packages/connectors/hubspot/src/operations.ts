import {
  AssociationSpecAssociationCategoryEnum,
  FilterOperatorEnum,
} from '@hubspot/api-client/lib/codegen/crm/objects/index.js';
import { ToolError } from '@switchboard/kit';
import type { Scope } from './client.js';
import { hubspotRequest } from './client.js';
import type { CompanyDetail, HsObject, MapScope } from './schemas.js';
import {
  COMPANY_PROPERTIES,
  CONTACT_PROPERTIES,
  DEAL_PROPERTIES,
  HsAssociationPage,
  HsBatch,
  HsObject as HsObjectSchema,
  HsSearchPage,
  NOTE_PROPERTIES,
  toCompany,
  toContact,
  toDeal,
  toNote,
} from './schemas.js';

/** The HubSpot calls the tools, the resource and the capability share. */

export type ObjectType = 'companies' | 'contacts' | 'deals';

/** Related records read with a company or contact; HubSpot's batch read takes 100 ids. */
export const MAX_RELATED = 100;
const RECENT_NOTES = 10;

export const PROPERTIES: Record<ObjectType, readonly string[]> = {
  companies: COMPANY_PROPERTIES,
  contacts: CONTACT_PROPERTIES,
  deals: DEAL_PROPERTIES,
};

export function mapScope(scope: Pick<Scope, 'client' | 'instance'>): MapScope {
  return { instance: scope.instance, portalId: scope.client.config.portalId };
}

/** HubSpot ids are positive integers sent as strings. */
export const ID_PATTERN = /^[1-9]\d{0,19}$/;

export interface SearchFilter {
  propertyName: string;
  operator: 'EQ' | 'IN' | 'CONTAINS_TOKEN' | 'HAS_PROPERTY';
  value?: string;
  values?: string[];
}

const OPERATOR: Record<SearchFilter['operator'], FilterOperatorEnum> = {
  EQ: FilterOperatorEnum.Eq,
  IN: FilterOperatorEnum.In,
  CONTAINS_TOKEN: FilterOperatorEnum.ContainsToken,
  HAS_PROPERTY: FilterOperatorEnum.HasProperty,
};

export interface SearchArgs {
  filters: SearchFilter[];
  query?: string | undefined;
  /**
   * "prop" ascending or "-prop" descending (the client types sorts as strings); by default record id
   * ascending, oldest record first, an order that stays stable across pages.
   */
  sort?: string | undefined;
  limit: number;
  after?: string | undefined;
}

/** One page of a CRM search: the filters are ANDed in one filter group. */
export async function searchObjects(scope: Scope, type: ObjectType, args: SearchArgs) {
  const page = await hubspotRequest(scope, `${type}.search`, (api, options) =>
    api.crm.objects.searchApi.doSearch(
      type,
      {
        filterGroups:
          args.filters.length === 0
            ? []
            : [
                {
                  filters: args.filters.map((filter) => ({
                    propertyName: filter.propertyName,
                    operator: OPERATOR[filter.operator],
                    ...(filter.value === undefined ? {} : { value: filter.value }),
                    ...(filter.values === undefined ? {} : { values: filter.values }),
                  })),
                },
              ],
        ...(args.query === undefined ? {} : { query: args.query }),
        sorts: [args.sort ?? 'hs_object_id'],
        properties: [...PROPERTIES[type]],
        limit: args.limit,
        ...(args.after === undefined ? {} : { after: args.after }),
      },
      options,
    ),
  );
  const parsed = HsSearchPage.parse(page);
  return { total: parsed.total, results: parsed.results, after: parsed.paging?.next?.after };
}

/** One object by id, or a `not_found` with the given message. */
export async function readObject(
  scope: Scope,
  type: ObjectType | 'notes',
  id: string,
  notFound: string,
  associations?: readonly ObjectType[],
): Promise<HsObject> {
  if (!ID_PATTERN.test(id)) throw new ToolError('not_found', notFound);
  const properties = type === 'notes' ? [...NOTE_PROPERTIES] : [...PROPERTIES[type]];
  const object = await hubspotRequest(
    scope,
    `${type}.read`,
    (api, options) =>
      api.crm.objects.basicApi.getById(
        type,
        id,
        properties,
        undefined,
        associations === undefined ? undefined : [...associations],
        false,
        undefined,
        options,
      ),
    { notFound },
  );
  return HsObjectSchema.parse(object);
}

/** Ids associated with an object (v4), first `max` of them, and whether there are more. */
export async function associatedIds(
  scope: Scope,
  fromType: ObjectType,
  id: string,
  toType: ObjectType | 'notes',
  max = MAX_RELATED,
): Promise<{ ids: string[]; truncated: boolean }> {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = HsAssociationPage.parse(
      await hubspotRequest(scope, `${fromType}.associations.${toType}`, (api, options) =>
        api.crm.associations.v4.basicApi.getPage(
          fromType,
          id,
          toType,
          after,
          Math.min(500, max + 1),
          options,
        ),
      ),
    );
    for (const result of page.results) if (!ids.includes(result.toObjectId)) ids.push(result.toObjectId);
    after = page.paging?.next?.after;
  } while (after !== undefined && ids.length <= max);
  return { ids: ids.slice(0, max), truncated: ids.length > max || after !== undefined };
}

/** Objects by id in one batch (ids HubSpot no longer has are skipped). */
export async function batchRead(
  scope: Scope,
  type: ObjectType | 'notes',
  ids: readonly string[],
): Promise<HsObject[]> {
  if (ids.length === 0) return [];
  const properties = type === 'notes' ? [...NOTE_PROPERTIES] : [...PROPERTIES[type]];
  const response = await hubspotRequest(scope, `${type}.batchRead`, (api, options) =>
    api.crm.objects.batchApi.read(
      type,
      { inputs: ids.slice(0, MAX_RELATED).map((id) => ({ id })), properties, propertiesWithHistory: [] },
      false,
      options,
    ),
  );
  const byId = new Map(HsBatch.parse(response).results.map((object) => [object.id, object]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export function companyNotFound(scope: Scope, id: string): string {
  return `No HubSpot company with id ${id}. Find companies with ${scope.instance.toolName('search_companies')} first.`;
}

export function contactNotFound(scope: Scope, id: string): string {
  return `No HubSpot contact with id ${id}. Find contacts with ${scope.instance.toolName('search_contacts')} first.`;
}

export function dealNotFound(scope: Scope, id: string): string {
  return `No HubSpot deal with id ${id}. Find deals with ${scope.instance.toolName('list_deals')} first.`;
}

const byCloseDateDesc = (a: { closeDate?: string | undefined }, b: { closeDate?: string | undefined }) =>
  (b.closeDate ?? '').localeCompare(a.closeDate ?? '');

/** A company with its contacts, deals and recent notes, through v4 associations and batch reads. */
export async function loadCompanyDetail(scope: Scope, id: string): Promise<CompanyDetail> {
  const company = await readObject(scope, 'companies', id, companyNotFound(scope, id));
  const [contactIds, dealIds, noteIds] = await Promise.all([
    associatedIds(scope, 'companies', id, 'contacts'),
    associatedIds(scope, 'companies', id, 'deals'),
    associatedIds(scope, 'companies', id, 'notes'),
  ]);
  const [contacts, deals, notes] = await Promise.all([
    batchRead(scope, 'contacts', contactIds.ids),
    batchRead(scope, 'deals', dealIds.ids),
    batchRead(scope, 'notes', noteIds.ids),
  ]);
  const map = mapScope(scope);
  return {
    company: toCompany(map, company),
    contacts: contacts.map((contact) => toContact(map, contact, id)),
    contactsTruncated: contactIds.truncated,
    deals: deals.map((deal) => toDeal(map, deal, id)).sort(byCloseDateDesc),
    dealsTruncated: dealIds.truncated,
    notes: notes
      .map((note) => toNote(map, note))
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp))
      .slice(0, RECENT_NOTES),
  };
}

/** The first company id of a v3 `associations` block (the primary company is listed first). */
export function firstAssociated(object: HsObject, type: string): string | undefined {
  return object.associations?.[type]?.results[0]?.id;
}

export function uniqueAssociated(object: HsObject, type: string): string[] {
  return [...new Set((object.associations?.[type]?.results ?? []).map((result) => result.id))];
}

/** Association type ids of a note to each object type (HUBSPOT_DEFINED). */
export const NOTE_ASSOCIATION: Record<ObjectType, number> = { companies: 190, contacts: 202, deals: 214 };

export async function createNote(
  scope: Scope,
  target: { type: ObjectType; id: string },
  bodyHtml: string,
  timestamp: string,
): Promise<HsObject> {
  const note = await hubspotRequest(
    scope,
    'notes.create',
    (api, options) =>
      api.crm.objects.basicApi.create(
        'notes',
        {
          properties: { hs_note_body: bodyHtml, hs_timestamp: timestamp },
          associations: [
            {
              to: { id: target.id },
              types: [
                {
                  associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
                  associationTypeId: NOTE_ASSOCIATION[target.type],
                },
              ],
            },
          ],
        },
        options,
      ),
    // Each attempt may add a note: never sent twice by this call.
    { retry: false },
  );
  return HsObjectSchema.parse(note);
}

export async function updateDeal(
  scope: Scope,
  id: string,
  properties: Record<string, string>,
  invalid: string,
): Promise<HsObject> {
  const deal = await hubspotRequest(
    scope,
    'deals.update',
    (api, options) => api.crm.objects.basicApi.update('deals', id, { properties }, undefined, options),
    {
      notFound: dealNotFound(scope, id),
      rules: [{ status: 400, means: 'invalid_input', message: invalid }],
    },
  );
  return HsObjectSchema.parse(deal);
}
