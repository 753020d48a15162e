import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted and `undefined` members dropped, so that two inputs a tool cannot
 * tell apart produce the same text. Arrays keep their order (it is meaningful); values JSON cannot
 * represent faithfully (Map, Set, BigInt) are refused rather than silently collapsed into one key.
 */
export function canonicalJson(value: unknown): string {
  const text = canonical(value, false);
  if (text === undefined) throw new TypeError('A canonical JSON input must be a JSON value, not undefined.');
  return text;
}

function canonical(value: unknown, inArray: boolean): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('A canonical JSON input cannot contain a BigInt.');
    case 'undefined':
    case 'function':
    case 'symbol':
      return inArray ? 'null' : undefined;
  }
  if (typeof value !== 'object') return undefined;
  if (value instanceof Map || value instanceof Set) {
    throw new TypeError('A canonical JSON input cannot contain a Map or Set (JSON would drop its contents).');
  }
  if ('toJSON' in value && typeof value.toJSON === 'function') {
    const json: unknown = value.toJSON();
    return canonical(json, inArray);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => canonical(item, true)).join(',')}]`;
  }
  const members: string[] = [];
  for (const name of Object.keys(value).sort()) {
    const text = canonical(Reflect.get(value, name), false);
    if (text !== undefined) members.push(`${JSON.stringify(name)}:${text}`);
  }
  return `{${members.join(',')}}`;
}

/** SHA-256 of the canonical JSON of `value`, base64url. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}
