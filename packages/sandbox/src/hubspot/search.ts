import type { CrmObject, HubSpotStore, ObjectType } from './store.js';
import { QUERY_PROPERTIES } from './store.js';

/**
 * CRM v3 search: filterGroups are ORed, the filters of a group ANDed; `query` matches word
 * prefixes of each type's default searchable properties; `after` is an offset, as HubSpot's is.
 */

export const MAX_GROUPS = 5;
export const MAX_FILTERS_PER_GROUP = 6;
export const MAX_FILTERS_TOTAL = 18;
export const MAX_SEARCH_LIMIT = 200;
/** HubSpot stops paging a search at 10,000 results. */
export const MAX_SEARCH_RESULTS = 10_000;

export const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;
type Operator = (typeof OPERATORS)[number];

export interface Filter {
  propertyName: string;
  operator: Operator;
  value?: string;
  highValue?: string;
  values?: string[];
}

export interface SearchRequest {
  filterGroups: Filter[][];
  query?: string;
  sorts: Array<{ propertyName: string; descending: boolean }>;
  properties?: string[];
  limit: number;
  after: number;
}

/** A 400 the route answers with HubSpot's VALIDATION_ERROR body. */
export class SearchValidationError extends Error {}

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value))
    : undefined;

const text = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;

function isOperator(value: unknown): value is Operator {
  return typeof value === 'string' && (OPERATORS as readonly string[]).includes(value);
}

/** Validates a search body as HubSpot does, or throws SearchValidationError. */
export function parseSearchRequest(body: unknown): SearchRequest {
  const input = record(body) ?? {};
  const groups = input.filterGroups ?? [];
  if (!Array.isArray(groups)) throw new SearchValidationError('filterGroups must be an array.');
  if (groups.length > MAX_GROUPS) {
    throw new SearchValidationError(
      `Too many filter groups: ${groups.length}. A search may have at most ${MAX_GROUPS} filterGroups.`,
    );
  }
  let total = 0;
  const filterGroups = groups.map((group, groupIndex) => {
    const filters = record(group)?.filters;
    if (!Array.isArray(filters))
      throw new SearchValidationError(`filterGroups[${groupIndex}].filters is required.`);
    if (filters.length > MAX_FILTERS_PER_GROUP) {
      throw new SearchValidationError(
        `Too many filters in filterGroups[${groupIndex}]: ${filters.length}. A filter group may have at most ${MAX_FILTERS_PER_GROUP} filters.`,
      );
    }
    total += filters.length;
    return filters.map((raw, index): Filter => {
      const filter = record(raw) ?? {};
      const propertyName = text(filter.propertyName);
      const operator = filter.operator;
      if (propertyName === undefined || !isOperator(operator)) {
        throw new SearchValidationError(
          `Invalid filter filterGroups[${groupIndex}].filters[${index}]: propertyName and a valid operator (${OPERATORS.join(', ')}) are required.`,
        );
      }
      const values = Array.isArray(filter.values) ? filter.values.map((v) => text(v) ?? '') : undefined;
      const parsed: Filter = { propertyName, operator };
      const value = text(filter.value);
      const highValue = text(filter.highValue);
      if (value !== undefined) parsed.value = value;
      if (highValue !== undefined) parsed.highValue = highValue;
      if (values !== undefined) parsed.values = values;
      const needsValue = !['HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'IN', 'NOT_IN'].includes(operator);
      if (needsValue && value === undefined) {
        throw new SearchValidationError(
          `Filter on ${propertyName} with operator ${operator} requires a value.`,
        );
      }
      if ((operator === 'IN' || operator === 'NOT_IN') && (values === undefined || values.length === 0)) {
        throw new SearchValidationError(
          `Filter on ${propertyName} with operator ${operator} requires values.`,
        );
      }
      if (operator === 'BETWEEN' && highValue === undefined) {
        throw new SearchValidationError(
          `Filter on ${propertyName} with operator BETWEEN requires a highValue.`,
        );
      }
      return parsed;
    });
  });
  if (total > MAX_FILTERS_TOTAL) {
    throw new SearchValidationError(
      `Too many filters: ${total}. A search may have at most ${MAX_FILTERS_TOTAL}.`,
    );
  }

  const limitRaw = input.limit ?? 10;
  const limit = typeof limitRaw === 'number' ? limitRaw : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_SEARCH_LIMIT) {
    throw new SearchValidationError(`limit must be an integer between 0 and ${MAX_SEARCH_LIMIT}.`);
  }
  const afterText = text(input.after) ?? '0';
  const after = /^\d+$/.test(afterText) ? Number(afterText) : Number.NaN;
  if (!Number.isInteger(after))
    throw new SearchValidationError('after must be a paging cursor from a previous page.');

  // Sorts come as objects ({propertyName, direction}) or, from typed clients, as "prop" / "-prop".
  const sortsRaw = Array.isArray(input.sorts) ? input.sorts : [];
  const sorts = sortsRaw.map((sort) => {
    if (typeof sort === 'string') {
      return { propertyName: sort.replace(/^-/, ''), descending: sort.startsWith('-') };
    }
    const object = record(sort) ?? {};
    return {
      propertyName: text(object.propertyName) ?? 'hs_object_id',
      descending: object.direction === 'DESCENDING',
    };
  });
  const properties = Array.isArray(input.properties)
    ? input.properties.filter((p): p is string => typeof p === 'string')
    : undefined;
  const query = text(input.query);
  const request: SearchRequest = { filterGroups, sorts, limit, after };
  if (query !== undefined && query.trim() !== '') request.query = query;
  if (properties !== undefined) request.properties = properties;
  return request;
}

const words = (value: string): string[] =>
  value
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** `*` wildcards inside a CONTAINS_TOKEN value. */
function tokenMatches(pattern: string, value: string): boolean {
  const lower = value.toLowerCase();
  const needle = pattern.toLowerCase();
  if (!needle.includes('*')) return words(lower).includes(needle) || lower === needle;
  const source = needle
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return regex.test(lower) || words(lower).some((word) => regex.test(word));
}

/** Numbers, or dates (ISO strings or epoch milliseconds) as epoch milliseconds. */
function numeric(value: string): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

function compare(a: string, b: string): number {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return x - y;
  return a.toLowerCase().localeCompare(b.toLowerCase());
}

const ASSOCIATION_PSEUDO: Record<string, ObjectType> = {
  'associations.contact': 'contacts',
  'associations.company': 'companies',
  'associations.deal': 'deals',
};

function valuesOf(store: HubSpotStore, object: CrmObject, propertyName: string): string[] {
  const associated = ASSOCIATION_PSEUDO[propertyName];
  if (associated !== undefined) {
    return store.associations(object.type, object.id, associated).map((edge) => edge.toId);
  }
  const value = object.properties[propertyName];
  return value === undefined || value === null || value === '' ? [] : [value];
}

function matchesFilter(store: HubSpotStore, object: CrmObject, filter: Filter): boolean {
  const present = valuesOf(store, object, filter.propertyName);
  const value = filter.value ?? '';
  const lowered = (filter.values ?? []).map((v) => v.toLowerCase());
  const some = (test: (candidate: string) => boolean) => present.some(test);
  switch (filter.operator) {
    case 'EQ':
      return some((candidate) => compare(candidate, value) === 0);
    case 'NEQ':
      return !some((candidate) => compare(candidate, value) === 0);
    case 'LT':
      return some((candidate) => compare(candidate, value) < 0);
    case 'LTE':
      return some((candidate) => compare(candidate, value) <= 0);
    case 'GT':
      return some((candidate) => compare(candidate, value) > 0);
    case 'GTE':
      return some((candidate) => compare(candidate, value) >= 0);
    case 'BETWEEN':
      return some(
        (candidate) => compare(candidate, value) >= 0 && compare(candidate, filter.highValue ?? value) <= 0,
      );
    case 'IN':
      return some((candidate) => lowered.includes(candidate.toLowerCase()));
    case 'NOT_IN':
      return !some((candidate) => lowered.includes(candidate.toLowerCase()));
    case 'HAS_PROPERTY':
      return present.length > 0;
    case 'NOT_HAS_PROPERTY':
      return present.length === 0;
    case 'CONTAINS_TOKEN':
      return some((candidate) => tokenMatches(value, candidate));
    case 'NOT_CONTAINS_TOKEN':
      return !some((candidate) => tokenMatches(value, candidate));
  }
}

function matchesQuery(object: CrmObject, query: string): boolean {
  const haystack = QUERY_PROPERTIES[object.type].flatMap((name) => {
    const value = object.properties[name];
    return value ? [value.toLowerCase(), ...words(value)] : [];
  });
  return words(query).every((token) => haystack.some((word) => word.startsWith(token)));
}

export interface SearchPage {
  total: number;
  results: CrmObject[];
  nextAfter?: number;
}

export function runSearch(store: HubSpotStore, type: ObjectType, request: SearchRequest): SearchPage {
  if (request.after + request.limit > MAX_SEARCH_RESULTS && request.after >= MAX_SEARCH_RESULTS) {
    throw new SearchValidationError(`A search cannot page beyond ${MAX_SEARCH_RESULTS} results.`);
  }
  const matching = store.all(type).filter((object) => {
    if (request.query !== undefined && !matchesQuery(object, request.query)) return false;
    if (request.filterGroups.length === 0) return true;
    return request.filterGroups.some((group) =>
      group.every((filter) => matchesFilter(store, object, filter)),
    );
  });
  const sorts =
    request.sorts.length > 0 ? request.sorts : [{ propertyName: 'hs_object_id', descending: false }];
  matching.sort((a, b) => {
    for (const sort of sorts) {
      const x = a.properties[sort.propertyName];
      const y = b.properties[sort.propertyName];
      if (x === y) continue;
      // Objects without the property come last in either direction.
      if (x === undefined || x === null) return 1;
      if (y === undefined || y === null) return -1;
      const order = compare(x, y);
      if (order !== 0) return sort.descending ? -order : order;
    }
    return compare(a.id, b.id);
  });
  const results = matching.slice(request.after, request.after + request.limit);
  const next = request.after + results.length;
  const page: SearchPage = { total: matching.length, results };
  if (next < matching.length && next < MAX_SEARCH_RESULTS && results.length > 0) page.nextAfter = next;
  return page;
}
