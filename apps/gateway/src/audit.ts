import { createHash } from 'node:crypto';
import { canonicalJson } from '@switchboard/kit';

/** Input fields whose names say they hold a credential: their values never reach the audit trail. */
const SECRET_NAME =
  /pass(word|phrase)?|secret|token|api[-_]?key|credential|authorization|private[-_]?key|session/i;

export const REDACTED = '[redacted]';

/** A copy of a tool input with every value under a secret-looking key replaced. */
export function redactInput(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactInput);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, SECRET_NAME.test(key) ? REDACTED : redactInput(child)]),
  );
}

/**
 * sha256 of the canonical redacted input (the kit's canonical JSON, keys sorted): correlates identical
 * calls without keeping secrets.
 */
export function inputDigest(redacted: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(redacted)).digest('hex')}`;
}
