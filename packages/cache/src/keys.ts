import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted and `undefined` members dropped, so that two inputs a tool cannot
 * tell apart produce the same text. Arrays keep their order (it is meaningful); values JSON cannot
 * represent faithfully (Map, Set, BigInt) are refused rather than silently collapsed into one key.
 */
export function canonicalJson(value: unknown): string {
  const text = canonical(value, false);
  if (text === undefined) throw new TypeError('A cache key input must be a JSON value, not undefined.');
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
      throw new TypeError('A cache key input cannot contain a BigInt.');
    case 'undefined':
    case 'function':
    case 'symbol':
      return inArray ? 'null' : undefined;
  }
  if (typeof value !== 'object') return undefined;
  if (value instanceof Map || value instanceof Set) {
    throw new TypeError('A cache key input cannot contain a Map or Set (JSON would drop its contents).');
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

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

export interface CacheKeyParts {
  namespace: string;
  tool: string;
  /** The input after schema parsing, so that defaults are applied. */
  input: unknown;
  /** Set only when the tool's cache scope is `principal`. */
  principal?: string;
  /** `schemaVersion(...)` of the tool's schemas. */
  version: string;
}

const SEGMENT = /^[^:\s]+$/;

/** `<namespace>:<tool>:<version>:<p:principalHash|shared>:<inputHash>` */
export function cacheKey(parts: CacheKeyParts): string {
  for (const [name, segment] of [
    ['namespace', parts.namespace],
    ['tool', parts.tool],
    ['version', parts.version],
  ] as const) {
    // A colon inside a segment would let two different tools share a key.
    if (!SEGMENT.test(segment))
      throw new Error(`Cache key ${name} "${segment}" must be non-empty, without ':'.`);
  }
  const scope = parts.principal === undefined ? 'shared' : `p:${sha256(parts.principal)}`;
  return `${parts.namespace}:${parts.tool}:${parts.version}:${scope}:${sha256(canonicalJson(parts.input))}`;
}

/** A short hash of a tool's input and output JSON Schemas: a schema change starts a fresh key space. */
export function schemaVersion(inputJsonSchema: unknown, outputJsonSchema: unknown): string {
  return sha256(canonicalJson({ input: inputJsonSchema, output: outputJsonSchema })).slice(0, 12);
}
