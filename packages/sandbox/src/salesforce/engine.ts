import { salesforceRecordId } from '../dataset/ids.js';
import type { FieldDef, FieldValue, ObjectDef, Row } from './schema.js';
import {
  findField,
  findObject,
  findRelationship,
  isIdType,
  isNumberType,
  isSalesforceId,
  isTextType,
  OBJECTS,
  objectForId,
  STAGE_PROBABILITY,
} from './schema.js';
import type { Condition, FieldRef, Literal, OrderItem, SoqlQuery } from './soql.js';
import { parseSoql, SoqlError } from './soql.js';

/**
 * The emulator's records and the query engine over them: compiles a parsed SOQL statement against
 * the schema (unknown objects and fields, type mismatches and invalid ids are refused the way
 * Salesforce refuses them), then filters, sorts, pages and projects the rows.
 */

const MS_PER_DAY = 86_400_000;

/** Salesforce's datetime format in API responses: `2025-03-01T09:30:00.000+0000`. */
export function sfDateTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

const id15 = (id: string) => id.slice(0, 15);

export class RecordStore {
  readonly #tables = new Map<string, Map<string, Row>>();
  #counter = 238_328 * 62 ** 3; // "A000000" territory in base 62: never collides with seeded ids
  constructor(
    readonly now: () => Date,
    private readonly pod: string,
  ) {
    for (const object of OBJECTS) this.#tables.set(object.name, new Map());
  }

  table(object: string): Map<string, Row> {
    const table = this.#tables.get(object);
    if (table === undefined) throw new Error(`no table ${object}`);
    return table;
  }

  /** A record by 15- or 18-character id, of the given object or of any. */
  get(id: string, object?: string): Row | undefined {
    const def = object === undefined ? objectForId(id) : findObject(object);
    if (def === undefined || !id.startsWith(def.keyPrefix)) return undefined;
    const table = this.table(def.name);
    const exact = table.get(id);
    if (exact) return exact;
    for (const [key, row] of table) if (id15(key) === id15(id)) return row;
    return undefined;
  }

  insert(object: ObjectDef, row: Row): string {
    let id: string;
    do {
      this.#counter += 1;
      id = salesforceRecordId(object.keyPrefix, this.pod, this.#counter);
    } while (this.table(object.name).has(id));
    const stamp = sfDateTime(this.now());
    const full: Row = { ...row, Id: id, CreatedDate: stamp, LastModifiedDate: stamp };
    this.table(object.name).set(id, this.derive(object, full));
    return id;
  }

  put(object: ObjectDef, row: Row): void {
    const id = row.Id;
    if (typeof id !== 'string') throw new Error('row without Id');
    this.table(object.name).set(id, this.derive(object, row));
  }

  update(object: ObjectDef, id: string, changes: Row): void {
    const current = this.get(id, object.name);
    if (current === undefined) throw new Error(`no ${object.name} ${id}`);
    const merged: Row = { ...current, ...changes, LastModifiedDate: sfDateTime(this.now()) };
    // As in Salesforce: a new stage brings its default probability unless one is given.
    if ('StageName' in changes && !('Probability' in changes)) merged.Probability = null;
    const next = this.derive(object, merged);
    const key = current.Id;
    if (typeof key === 'string') this.table(object.name).set(key, next);
  }

  /** Fields Salesforce computes: compound names, closed/won flags, a task's account. */
  private derive(object: ObjectDef, row: Row): Row {
    const next = { ...row };
    if (object.name === 'Contact' || object.name === 'User') {
      next.Name = [next.FirstName, next.LastName]
        .filter((part) => typeof part === 'string' && part)
        .join(' ');
    }
    if (object.name === 'Opportunity' && typeof next.StageName === 'string') {
      next.IsClosed = next.StageName.startsWith('Closed');
      next.IsWon = next.StageName === 'Closed Won';
      if (row.Probability === undefined || row.Probability === null) {
        next.Probability = STAGE_PROBABILITY[next.StageName] ?? null;
      }
    }
    if (object.name === 'Task') {
      next.AccountId = this.accountOf(next.WhatId) ?? this.accountOf(next.WhoId) ?? null;
    }
    return next;
  }

  private accountOf(id: FieldValue | undefined): string | undefined {
    if (typeof id !== 'string') return undefined;
    const row = this.get(id);
    if (row === undefined) return undefined;
    if (id.startsWith('001')) return typeof row.Id === 'string' ? row.Id : undefined;
    return typeof row.AccountId === 'string' ? row.AccountId : undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Field resolution

/** The polymorphic relationships (What) expose only these fields, as in Salesforce. */
const POLYMORPHIC_FIELDS = ['Id', 'Name'];

interface ResolvedField {
  /** Reference fields to follow, in order. */
  hops: FieldDef[];
  field: FieldDef;
  /** Canonical names for the JSON output: relationship names, then the field name. */
  path: string[];
}

function resolveField(object: ObjectDef, ref: FieldRef): ResolvedField {
  let current: ObjectDef | undefined = object;
  const hops: FieldDef[] = [];
  const path: string[] = [];
  const parts = [...ref.path];
  // `SELECT Account.Name FROM Account`: a leading object name qualifies the field.
  if (
    parts.length > 1 &&
    parts[0]?.toLowerCase() === object.name.toLowerCase() &&
    !findRelationship(object, parts[0])
  ) {
    parts.shift();
  }
  for (let index = 0; index < parts.length; index += 1) {
    const name = parts[index] ?? '';
    const last = index === parts.length - 1;
    if (current === undefined) {
      // Past a polymorphic relationship: only Id and Name are common to every target.
      const common = POLYMORPHIC_FIELDS.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
      const previous = hops.at(-1);
      const target = findObject(previous?.referenceTo?.[0] ?? '');
      const def = common && target ? findField(target, common) : undefined;
      if (!last || def === undefined) {
        throw new SoqlError(
          'INVALID_FIELD',
          `No such column '${name}' on the polymorphic relationship ${path.join('.')}.`,
        );
      }
      path.push(def.name);
      return { hops, field: def, path };
    }
    if (last) {
      const def = findField(current, name);
      if (def === undefined) {
        throw new SoqlError(
          'INVALID_FIELD',
          `No such column '${name}' on entity '${current.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`,
        );
      }
      path.push(def.name);
      return { hops, field: def, path };
    }
    const relation = findRelationship(current, name);
    if (relation === undefined) {
      throw new SoqlError(
        'INVALID_FIELD',
        `Didn't understand relationship '${name}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.`,
      );
    }
    if (hops.length >= 5)
      throw new SoqlError('MALFORMED_QUERY', 'A field path may follow at most 5 relationships.');
    hops.push(relation);
    path.push(relation.relationshipName ?? name);
    const targets = relation.referenceTo ?? [];
    current = targets.length === 1 ? findObject(targets[0] ?? '') : undefined;
  }
  throw new SoqlError('MALFORMED_QUERY', 'Empty field path.');
}

function fieldValueOf(store: RecordStore, row: Row, resolved: ResolvedField): FieldValue {
  let current: Row | undefined = row;
  for (const hop of resolved.hops) {
    const id: FieldValue | undefined = current?.[hop.name];
    if (typeof id !== 'string') return null;
    current = store.get(id);
    if (current === undefined) return null;
  }
  return current?.[resolved.field.name] ?? null;
}

// ---------------------------------------------------------------------------------------------
// Typed comparison

type Key = string | number;

function fieldKey(def: FieldDef, value: FieldValue): Key | null {
  if (value === null) return null;
  if (isTextType(def.type)) return String(value).toLowerCase();
  if (isIdType(def.type)) return id15(String(value));
  if (isNumberType(def.type)) return Number(value);
  if (def.type === 'boolean') return value === true ? 1 : 0;
  if (def.type === 'datetime') return Date.parse(String(value).replace(/\+0000$/, 'Z'));
  return String(value);
}

function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function typeError(def: FieldDef, expected: string): SoqlError {
  return new SoqlError(
    'INVALID_FIELD',
    `value of filter criterion for field '${def.name}' must be of type ${expected}` +
      (expected === 'date' || expected === 'dateTime' || expected === 'boolean' || expected === 'number'
        ? ' and should not be enclosed in quotes'
        : ''),
  );
}

/** The literal as a key comparable with `fieldKey` of the field, after checking its type. */
function literalKey(def: FieldDef, literal: Literal, today: Date): Key | null {
  if (literal.kind === 'null') return null;
  if (isTextType(def.type)) {
    if (literal.kind !== 'string') throw typeError(def, 'string');
    return literal.value.toLowerCase();
  }
  if (isIdType(def.type)) {
    if (literal.kind !== 'string') throw typeError(def, 'string');
    if (!isSalesforceId(literal.value)) {
      throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${literal.value}`);
    }
    return id15(literal.value);
  }
  if (isNumberType(def.type)) {
    if (literal.kind !== 'number') throw typeError(def, 'number');
    return literal.value;
  }
  if (def.type === 'boolean') {
    if (literal.kind !== 'boolean') throw typeError(def, 'boolean');
    return literal.value ? 1 : 0;
  }
  if (def.type === 'date') {
    if (literal.kind === 'date') return literal.value;
    if (literal.kind === 'relativeDate') {
      return new Date(today.getTime() + literal.offsetDays * MS_PER_DAY).toISOString().slice(0, 10);
    }
    throw typeError(def, 'date');
  }
  // datetime
  if (literal.kind === 'datetime') return Date.parse(literal.value);
  throw typeError(def, 'dateTime');
}

function likeRegex(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern.charAt(index);
    if (char === '\\') {
      index += 1;
      source += escapeRegex(pattern.charAt(index));
    } else if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += escapeRegex(char);
  }
  return new RegExp(`^${source}$`, 'i');
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

type Predicate = (row: Row) => boolean;

function compileCondition(
  store: RecordStore,
  object: ObjectDef,
  condition: Condition,
  today: Date,
): Predicate {
  switch (condition.kind) {
    case 'and': {
      const parts = condition.operands.map((operand) => compileCondition(store, object, operand, today));
      return (row) => parts.every((part) => part(row));
    }
    case 'or': {
      const parts = condition.operands.map((operand) => compileCondition(store, object, operand, today));
      return (row) => parts.some((part) => part(row));
    }
    case 'not': {
      const inner = compileCondition(store, object, condition.operand, today);
      return (row) => !inner(row);
    }
    case 'like': {
      const resolved = resolveField(object, condition.field);
      if (!isTextType(resolved.field.type)) {
        throw new SoqlError(
          'INVALID_QUERY_FILTER_OPERATOR',
          `invalid operator on ${resolved.field.type} field: LIKE on ${resolved.field.name}`,
        );
      }
      if (condition.value.kind !== 'string') throw typeError(resolved.field, 'string');
      const regex = likeRegex(condition.value.pattern);
      return (row) => {
        const value = fieldValueOf(store, row, resolved);
        return value !== null && regex.test(String(value));
      };
    }
    case 'in': {
      const resolved = resolveField(object, condition.field);
      const keys = condition.values.map((value) => literalKey(resolved.field, value, today));
      return (row) => {
        const key = fieldKey(resolved.field, fieldValueOf(store, row, resolved));
        const found = keys.some((candidate) =>
          candidate === null || key === null ? candidate === key : compareKeys(key, candidate) === 0,
        );
        return condition.negated ? !found : found;
      };
    }
    case 'compare': {
      const resolved = resolveField(object, condition.field);
      const { op } = condition;
      if (resolved.field.type === 'boolean' && op !== '=' && op !== '!=') {
        throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid operator on boolean field: ${op}`);
      }
      const literal = literalKey(resolved.field, condition.value, today);
      if (literal === null && op !== '=' && op !== '!=') {
        throw new SoqlError('INVALID_QUERY_FILTER_OPERATOR', `invalid operator on null: ${op}`);
      }
      // Relative dates on a datetime field compare the UTC day of the value.
      const byDay = resolved.field.type === 'datetime' && condition.value.kind === 'relativeDate';
      const dayLiteral = byDay
        ? literalKey({ ...resolved.field, type: 'date' }, condition.value, today)
        : null;
      return (row) => {
        const raw = fieldValueOf(store, row, resolved);
        const key = byDay ? (raw === null ? null : String(raw).slice(0, 10)) : fieldKey(resolved.field, raw);
        const target = byDay ? dayLiteral : literal;
        if (target === null || key === null) {
          if (op === '=') return key === target;
          return key !== target; // '!=': a null field differs from any value
        }
        const order = compareKeys(key, target);
        switch (op) {
          case '=':
            return order === 0;
          case '!=':
            return order !== 0;
          case '<':
            return order < 0;
          case '>':
            return order > 0;
          case '<=':
            return order <= 0;
          case '>=':
            return order >= 0;
        }
        return false;
      };
    }
  }
}

function compileOrder(store: RecordStore, object: ObjectDef, items: OrderItem[]) {
  const resolved = items.map((item) => {
    const field = resolveField(object, item.field);
    if (field.field.type === 'textarea') {
      throw new SoqlError('INVALID_FIELD', `field '${field.field.name}' can not be sorted in a query call`);
    }
    return { ...item, field };
  });
  return (a: Row, b: Row): number => {
    for (const item of resolved) {
      const left = fieldKey(item.field.field, fieldValueOf(store, a, item.field));
      const right = fieldKey(item.field.field, fieldValueOf(store, b, item.field));
      if (left === null || right === null) {
        if (left === right) continue;
        const nullFirst = item.nulls === 'FIRST' ? -1 : 1;
        return left === null ? nullFirst : -nullFirst;
      }
      const order = compareKeys(left, right);
      if (order !== 0) return item.direction === 'ASC' ? order : -order;
    }
    return 0;
  };
}

// ---------------------------------------------------------------------------------------------
// Projection

export type JsonRecord = { [key: string]: JsonValue };
export type JsonValue = FieldValue | JsonRecord;

export function attributes(object: string, id: string, version: string): JsonRecord {
  return { type: object, url: `/services/data/v${version}/sobjects/${object}/${id}` };
}

function project(store: RecordStore, object: ObjectDef, row: Row, fields: ResolvedField[], version: string) {
  const out: JsonRecord = { attributes: attributes(object.name, String(row.Id), version) };
  for (const resolved of fields) {
    let target: JsonRecord = out;
    let current: Row | undefined = row;
    let broken = false;
    for (let index = 0; index < resolved.hops.length; index += 1) {
      const hop = resolved.hops[index];
      const name = resolved.path[index] ?? '';
      const id: FieldValue | undefined = hop === undefined ? undefined : current?.[hop.name];
      const parent: Row | undefined = typeof id === 'string' ? store.get(id) : undefined;
      const parentObject = typeof id === 'string' ? objectForId(id) : undefined;
      if (parent === undefined || parentObject === undefined) {
        target[name] = null;
        broken = true;
        break;
      }
      const existing = target[name];
      const next: JsonRecord =
        typeof existing === 'object' && existing !== null
          ? existing
          : { attributes: attributes(parentObject.name, String(parent.Id), version) };
      target[name] = next;
      target = next;
      current = parent;
    }
    if (!broken) target[resolved.field.name] = current?.[resolved.field.name] ?? null;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

export interface CompiledQuery {
  object: ObjectDef;
  run(): JsonRecord[];
}

/** Parses and compiles a SOQL statement; throws SoqlError for anything Salesforce would refuse. */
export function compileQuery(store: RecordStore, source: string, version: string): CompiledQuery {
  const query: SoqlQuery = parseSoql(source);
  return compileParsed(store, query, version);
}

export function compileParsed(store: RecordStore, query: SoqlQuery, version: string): CompiledQuery {
  const object = findObject(query.object);
  if (object === undefined) {
    throw new SoqlError(
      'INVALID_TYPE',
      `sObject type '${query.object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`,
    );
  }
  const fields = query.fields.map((ref) => resolveField(object, ref));
  const seen = new Set<string>();
  for (const resolved of fields) {
    const key = resolved.path.join('.').toLowerCase();
    if (seen.has(key))
      throw new SoqlError('MALFORMED_QUERY', `duplicate field selected: ${resolved.path.join('.')}`);
    seen.add(key);
  }
  const today = new Date(Math.floor(store.now().getTime() / MS_PER_DAY) * MS_PER_DAY);
  const where = query.where ? compileCondition(store, object, query.where, today) : () => true;
  const order = query.orderBy.length > 0 ? compileOrder(store, object, query.orderBy) : undefined;
  return {
    object,
    run() {
      let rows = [...store.table(object.name).values()].filter(where);
      if (order) rows.sort(order);
      const offset = query.offset ?? 0;
      rows = rows.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
      return rows.map((row) => project(store, object, row, fields, version));
    },
  };
}

export { isSalesforceId };
