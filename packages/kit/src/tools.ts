import { z } from 'zod';
import { CAPABILITY_READ_SCOPES, type CapabilityName } from './capabilities.js';
import type { ToolAnnotations } from './connector.js';
import { normalizeDomain } from './identity.js';

/**
 * Building blocks of tool declarations, shared so that the same kind of tool or input reads the
 * same to agents whichever system it reaches.
 */

/** The annotations of the three kinds of tools connectors declare. */
export const ANNOTATIONS = {
  /** Only reads the system: harmless to repeat. */
  read: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  /** Adds a record (a note, a task, a comment, a message) on every call: a repeated call adds another. */
  create: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  /** Overwrites a value in place (a stage): repeating the same call changes nothing more. */
  update: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
} as const satisfies Record<string, ToolAnnotations>;

/**
 * The scopes of a capability category's tools: `read` for the tools that only read (the scope the
 * capability itself needs), `write` for the others.
 */
export function categoryScopes(category: CapabilityName) {
  return { read: [CAPABILITY_READ_SCOPES[category]], write: [`${category}:write`] } as const;
}

/** Text an agent passes (a name, a query, a subject): trimmed, then `min` to `max` characters. */
export function textInput(min: number, max: number) {
  return z.string().trim().min(min).max(max);
}

/** An email address an agent passes, lower-cased: every system compares emails case-insensitively. */
export const emailInput = z.email().max(254).toLowerCase();

/**
 * A web or email domain an agent passes, or a website URL: trimmed, lower-cased, and checked to name
 * a domain (tools normalize it with `normalizeDomain`). `minLength` when the tool sets one.
 */
export function domainInput(minLength?: number) {
  const text = z.string().trim().toLowerCase();
  return (minLength === undefined ? text : text.min(minLength))
    .max(253)
    .refine(
      (value) => normalizeDomain(value) !== undefined,
      'Pass a domain such as "example.com" or a website URL.',
    );
}

/** For `.refine`: an input whose criteria are each optional, but of which at least one must be given. */
export function atLeastOne<K extends string>(...fields: K[]) {
  return (input: { readonly [F in K]?: unknown }) => fields.some((field) => input[field] !== undefined);
}

/** For `.refine`: an input that takes exactly one of alternative fields (an id or a number, say). */
export function exactlyOne<K extends string>(...fields: K[]) {
  return (input: { readonly [F in K]?: unknown }) =>
    fields.filter((field) => input[field] !== undefined).length === 1;
}
