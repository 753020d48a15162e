import { createHash } from 'node:crypto';
import { canonicalJson } from '@switchboard/kit';

/** Input fields whose names say they hold a credential: their values never reach the audit trail. */
const SECRET_NAME =
  /pass(word|phrase)?|secret|token|api[-_]?key|credential|authorization|private[-_]?key|session/i;

export const REDACTED = '[redacted]';

/** Limits of what one audit row keeps of a call's input. */
export interface AuditInputLimits {
  /** Levels of nesting kept; deeper values are replaced by a marker. */
  maxDepth: number;
  /** Bytes of JSON kept; a larger input is replaced by a marker with its size. */
  maxBytes: number;
}

export const AUDIT_INPUT_LIMITS: AuditInputLimits = { maxDepth: 32, maxBytes: 16_384 };

/**
 * Text PostgreSQL's jsonb accepts: a lone surrogate (invalid UTF-16) and NUL are refused by jsonb and
 * would make the row's batch fail, so both become U+FFFD.
 */
function storable(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replaceAll(String.fromCharCode(0), '\uFFFD');
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A copy of a tool input fit for the audit trail: every value under a secret-looking key replaced,
 * text made storable, nesting cut at `maxDepth` (input is attacker-controlled: thousands of levels
 * must not exhaust the stack), and the whole replaced by a marker when over `maxBytes`.
 */
export function redactInput(value: unknown, limits: AuditInputLimits = AUDIT_INPUT_LIMITS): unknown {
  const redacted = redactLevel(value, 0, limits.maxDepth);
  const bytes = Buffer.byteLength(JSON.stringify(redacted) ?? 'null');
  if (bytes <= limits.maxBytes) return redacted;
  return { '[truncated]': `input of ${bytes} bytes, over the audit limit of ${limits.maxBytes}` };
}

function redactLevel(value: unknown, depth: number, maxDepth: number): unknown {
  if (typeof value === 'string') return storable(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= maxDepth) return `[truncated: nested deeper than ${maxDepth} levels]`;
  if (Array.isArray(value)) return value.map((child) => redactLevel(child, depth + 1, maxDepth));
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      storable(key),
      SECRET_NAME.test(key) ? REDACTED : redactLevel(child, depth + 1, maxDepth),
    ]),
  );
}

/**
 * sha256 of the canonical redacted input (the kit's canonical JSON, keys sorted): correlates identical
 * calls without keeping secrets.
 */
export function inputDigest(redacted: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(redacted)).digest('hex')}`;
}
