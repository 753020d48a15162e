import { createHash } from 'node:crypto';
import { canonicalJson } from '@switchboard/kit';

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
