import type { JsonRecord, RecordStore } from './engine.js';
import { compileParsed } from './engine.js';
import type { FieldDef, ObjectDef } from './schema.js';
import { findObject, isTextType } from './schema.js';
import type { Condition, FieldRef, FilterClauses } from './soql.js';
import {
  parseCountClause,
  parseFieldRef,
  parseFilterClauses,
  SoqlError,
  TokenStream,
  tokenize,
  unexpected,
} from './soql.js';

/**
 * A SOSL subset: `FIND {term} [IN ALL|NAME|EMAIL|PHONE FIELDS] RETURNING Object[(fields [WHERE ...]
 * [ORDER BY ...] [LIMIT n])], ... [LIMIT n]`. Words of the term must all occur (case-insensitive)
 * in one of the searched fields; `*` and `?` wildcards are accepted and treated as "anything".
 */

type Group = 'ALL' | 'NAME' | 'EMAIL' | 'PHONE';

interface Returning extends FilterClauses {
  object: string;
  fields: FieldRef[];
}

const malformed = (message: string) => new SoqlError('MALFORMED_SEARCH', message);

const FIND = /^\s*FIND\s*\{((?:[^}\\]|\\.)*)\}([\s\S]*)$/i;

export function parseSosl(source: string): {
  words: string[];
  group: Group;
  returning: Returning[];
  limit?: number;
} {
  const match = FIND.exec(source);
  if (!match)
    throw malformed('No search term found. The search term must be enclosed in braces: FIND {term}.');
  const term = (match[1] ?? '').replace(/\\(.)/g, '$1');
  const words = term
    .toLowerCase()
    .split(/\s+/)
    .map((word) => word.replace(/[*?]/g, ''))
    .filter((word) => word.length > 0 && !['and', 'or', 'not'].includes(word));
  if (words.join('').length < 2) throw malformed('search term must be longer than one character');

  const stream = new TokenStream(tokenize(match[2] ?? ''));
  let group: Group = 'ALL';
  if (stream.isKeyword('IN')) {
    stream.next();
    const token = stream.next();
    if (token.kind !== 'ident' || !['ALL', 'NAME', 'EMAIL', 'PHONE'].includes(token.upper)) {
      throw unexpected(token, 'expected ALL, NAME, EMAIL or PHONE');
    }
    group =
      token.upper === 'NAME'
        ? 'NAME'
        : token.upper === 'EMAIL'
          ? 'EMAIL'
          : token.upper === 'PHONE'
            ? 'PHONE'
            : 'ALL';
    stream.expectKeyword('FIELDS');
  }
  stream.expectKeyword('RETURNING');
  const returning: Returning[] = [];
  do {
    if (returning.length > 0) stream.next();
    const objectToken = stream.next();
    if (objectToken.kind !== 'ident') throw unexpected(objectToken, 'expected an object name');
    if (stream.isPunct('(')) {
      stream.next();
      const fields = [parseFieldRef(stream)];
      while (stream.isPunct(',')) {
        stream.next();
        fields.push(parseFieldRef(stream));
      }
      returning.push({ object: objectToken.text, fields, ...parseFilterClauses(stream) });
      stream.expectPunct(')');
    } else {
      returning.push({ object: objectToken.text, fields: [{ path: ['Id'] }], orderBy: [] });
    }
  } while (stream.isPunct(','));
  const limit = parseCountClause(stream, 'LIMIT');
  const end = stream.peek();
  if (end.kind !== 'end') throw unexpected(end);
  return { words, group, returning, ...(limit === undefined ? {} : { limit }) };
}

function searchedFields(object: ObjectDef, group: Group): FieldDef[] {
  return object.fields.filter((def) => {
    if (!isTextType(def.type) || def.type === 'picklist') return false;
    if (group === 'EMAIL') return def.type === 'email';
    if (group === 'PHONE') return def.type === 'phone';
    if (group === 'NAME') return ['Name', 'FirstName', 'LastName', 'Subject'].includes(def.name);
    return true;
  });
}

/** Runs a SOSL search: `{ searchRecords }` as the REST API returns it. */
export function runSearch(
  store: RecordStore,
  source: string,
  version: string,
): { searchRecords: JsonRecord[] } {
  const search = parseSosl(source);
  const records: JsonRecord[] = [];
  for (const item of search.returning) {
    const object = findObject(item.object);
    if (object === undefined) {
      throw new SoqlError('INVALID_TYPE', `sObject type '${item.object}' is not supported.`);
    }
    const fields = searchedFields(object, search.group);
    const matchingIds = [...store.table(object.name).values()]
      .filter((row) =>
        fields.some((def) => {
          const value = row[def.name];
          if (typeof value !== 'string') return false;
          const text = value.toLowerCase();
          return search.words.every((word) => text.includes(word));
        }),
      )
      .map((row) => String(row.Id));
    if (matchingIds.length === 0) continue;
    // Reuse the SOQL engine for the RETURNING clause, restricted to the matching ids.
    const idFilter: Condition = {
      kind: 'in',
      field: { path: ['Id'] },
      values: matchingIds.map((id) => ({ kind: 'string', value: id, pattern: id })),
      negated: false,
    };
    const compiled = compileParsed(
      store,
      {
        object: object.name,
        fields: item.fields,
        where: item.where ? { kind: 'and', operands: [idFilter, item.where] } : idFilter,
        orderBy: item.orderBy,
        ...(item.limit === undefined ? {} : { limit: item.limit }),
      },
      version,
    );
    records.push(...compiled.run());
  }
  return { searchRecords: search.limit === undefined ? records : records.slice(0, search.limit) };
}
