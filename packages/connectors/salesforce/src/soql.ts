import { ToolError } from '@switchboard/kit';
import { z } from 'zod';

/**
 * Building SOQL safely. Values never reach a statement unescaped: strings go through `soqlString`
 * (backslash escapes per the SOQL reference: \\ \' \" \n \r \t \b \f), LIKE operands also escape
 * the wildcards % and _, ids are validated (15 or 18 characters, checksum of the 18-character
 * form) before use, and dates are checked YYYY-MM-DD.
 */

const CONTROL_ESCAPES: Record<string, string> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function escapeText(value: string, specials: RegExp): string {
  return value
    .replace(specials, (char) => `\\${char}`)
    .replace(/[\n\r\t\b\f]/g, (char) => CONTROL_ESCAPES[char] ?? '')
    .split('')
    .filter((char) => char.charCodeAt(0) >= 0x20) // other control characters have no SOQL escape: drop them
    .join('');
}

/** A SOQL string literal. */
export function soqlString(value: string): string {
  return `'${escapeText(value, /[\\'"]/g)}'`;
}

/** A LIKE operand matching `value` anywhere (`contains`), or as a suffix / prefix. */
export function soqlLike(value: string, mode: 'contains' | 'suffix' | 'prefix' = 'contains'): string {
  const escaped = escapeText(value, /[\\'"%_]/g);
  const pattern = mode === 'contains' ? `%${escaped}%` : mode === 'suffix' ? `%${escaped}` : `${escaped}%`;
  return `'${pattern}'`;
}

const CHECKSUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

function checksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let flags = 0;
    for (let position = 0; position < 5; position += 1) {
      const char = id15.charAt(chunk * 5 + position);
      if (char >= 'A' && char <= 'Z') flags |= 1 << position;
    }
    suffix += CHECKSUM.charAt(flags);
  }
  return suffix;
}

/** Whether `value` is a well-formed Salesforce id: 15 characters, or 18 with a valid checksum. */
export function isSalesforceId(value: string): boolean {
  if (/^[a-zA-Z0-9]{15}$/.test(value)) return true;
  if (!/^[a-zA-Z0-9]{18}$/.test(value)) return false;
  return checksum(value.slice(0, 15)) === value.slice(15).toUpperCase();
}

/** The canonical 18-character form of a valid id. */
export function toId18(value: string): string {
  return value.length === 18 ? value.slice(0, 15) + value.slice(15).toUpperCase() : value + checksum(value);
}

export const KEY_PREFIX = { account: '001', contact: '003', opportunity: '006', task: '00T' } as const;
export type RecordKind = keyof typeof KEY_PREFIX;

/** Input schema of a Salesforce id of one kind (by key prefix), normalized to 18 characters. */
export function salesforceId(kind: RecordKind, description: string) {
  const prefix = KEY_PREFIX[kind];
  return z
    .string()
    .trim()
    .refine(isSalesforceId, `Pass a 15- or 18-character Salesforce ${kind} id.`)
    .refine((value) => value.startsWith(prefix), `A Salesforce ${kind} id starts with ${prefix}.`)
    .transform(toId18)
    .describe(description);
}

export function kindOfId(id: string): RecordKind | undefined {
  for (const [kind, prefix] of Object.entries(KEY_PREFIX)) {
    if (
      id.startsWith(prefix) &&
      (kind === 'account' || kind === 'contact' || kind === 'opportunity' || kind === 'task')
    ) {
      return kind;
    }
  }
  return undefined;
}

/** A SOQL id literal; throws for anything that is not a valid id (defence in depth). */
export function soqlId(id: string): string {
  if (!isSalesforceId(id))
    throw new ToolError('invalid_input', `"${id.slice(0, 40)}" is not a Salesforce id.`);
  return `'${id}'`;
}

export function soqlDate(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
    throw new ToolError('invalid_input', `"${date.slice(0, 40)}" is not a date (YYYY-MM-DD).`);
  }
  return date;
}

// ---------------------------------------------------------------------------------------------
// The raw query tool's guard

export const MAX_QUERY_ROWS = 200;
const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'UPSERT', 'MERGE', 'UNDELETE']);

interface Word {
  upper: string;
  start: number;
  end: number;
  depth: number;
}

/** Words outside string literals, with their parenthesis depth; rejects `;` outside literals. */
function scan(soql: string): Word[] {
  const words: Word[] = [];
  let depth = 0;
  let index = 0;
  while (index < soql.length) {
    const char = soql.charAt(index);
    if (char === "'") {
      index += 1;
      while (index < soql.length && soql.charAt(index) !== "'") index += soql.charAt(index) === '\\' ? 2 : 1;
      if (index >= soql.length) throw refuse('The query has an unterminated string literal.');
      index += 1;
      continue;
    }
    if (char === ';') {
      throw refuse('Pass exactly one SOQL SELECT statement, without ";" and without a second statement.');
    }
    if (char === '(') depth += 1;
    if (char === ')') depth = Math.max(0, depth - 1);
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(soql.slice(index));
    if (word && !/[A-Za-z0-9_.]/.test(soql.charAt(index - 1))) {
      words.push({ upper: word[0].toUpperCase(), start: index, end: index + word[0].length, depth });
      index += word[0].length;
      continue;
    }
    index += 1;
  }
  return words;
}

function refuse(message: string): ToolError {
  return new ToolError('invalid_input', message);
}

/**
 * Checks a raw SOQL statement for the query tool and caps its LIMIT: exactly one SELECT, no DML
 * keyword, no FOR VIEW/REFERENCE/UPDATE (they write view-tracking data or lock rows), no UPDATE
 * TRACKING/VIEWSTAT; a top-level LIMIT above the cap is lowered and a missing one added.
 */
export function prepareQuery(
  input: string,
  writeTools: string,
): { soql: string; limit: number; capped: boolean } {
  const soql = input.trim();
  const words = scan(soql);
  const first = words[0];
  if (first === undefined || first.start !== 0 || first.upper !== 'SELECT') {
    if (first !== undefined && WRITES.has(first.upper)) {
      throw refuse(
        `The query tool is read-only and runs SOQL SELECT statements only. To change data use ${writeTools}.`,
      );
    }
    throw refuse(
      "Pass one SOQL SELECT statement, e.g. SELECT Id, Name FROM Account WHERE Name LIKE 'Acme%'.",
    );
  }
  const write = words.find((word) => WRITES.has(word.upper) || word.upper === 'FOR');
  if (write !== undefined) {
    throw refuse(
      `The query tool is read-only: ${write.upper} is not allowed in it. Use a plain SELECT; to change data use ${writeTools}.`,
    );
  }
  const limitWord = words.find((word) => word.depth === 0 && word.upper === 'LIMIT');
  if (limitWord !== undefined) {
    const after = /^\s+(\d+)/.exec(soql.slice(limitWord.end));
    if (!after) throw refuse('LIMIT must be followed by a number.');
    const requested = Number(after[1]);
    if (requested <= MAX_QUERY_ROWS) return { soql, limit: requested, capped: false };
    const numberStart = limitWord.end + after[0].length - (after[1] ?? '').length;
    const capped = `${soql.slice(0, numberStart)}${MAX_QUERY_ROWS}${soql.slice(limitWord.end + after[0].length)}`;
    return { soql: capped, limit: MAX_QUERY_ROWS, capped: true };
  }
  const offset = words.find((word) => word.depth === 0 && word.upper === 'OFFSET');
  const at = offset === undefined ? soql.length : offset.start;
  const head = soql.slice(0, at).trimEnd();
  const tail = soql.slice(at);
  return {
    soql: `${head} LIMIT ${MAX_QUERY_ROWS}${tail ? ` ${tail}` : ''}`,
    limit: MAX_QUERY_ROWS,
    capped: true,
  };
}
