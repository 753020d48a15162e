import { z } from 'zod';
import { canonicalHash } from './canonical.js';
import { ToolError } from './errors.js';

/**
 * Opaque cursors: base64url of a small JSON payload validated on the way back in, so a client can
 * only hand back what a previous page gave it (or get a clear `invalid_input`).
 */
export function encodeCursor(payload: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodeCursor<S extends z.ZodType>(schema: S, cursor: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}

function invalidCursor(): ToolError {
  return new ToolError(
    'invalid_input',
    'The cursor is not valid. Pass the exact nextCursor value of the previous page, or omit it to start over.',
  );
}

/** `limit` input with a default and a hard cap. */
export function limitInput(defaultLimit: number, max: number) {
  return z
    .number()
    .int()
    .min(1)
    .max(max)
    .default(defaultLimit)
    .describe(`How many items to return (1-${max}, default ${defaultLimit}).`);
}

export const cursorInput = z
  .string()
  .min(1)
  .max(512)
  .optional()
  .describe('The nextCursor of the previous page; omit for the first page.');

export const nextCursorOutput = z
  .string()
  .optional()
  .describe('Pass as cursor to get the next page; absent on the last page.');

/** The input of a paged tool: `limit` (its default and cap) and `cursor` after the tool's own criteria. */
export function pagedInput<S extends z.ZodRawShape>(defaultLimit: number, maxLimit: number, criteria: S) {
  return z.object({ ...criteria, limit: limitInput(defaultLimit, maxLimit), cursor: cursorInput });
}

/** The output of a paged tool: its page, then `nextCursor`. */
export function pagedOutput<S extends z.ZodRawShape>(page: S) {
  return z.object({ ...page, nextCursor: nextCursorOutput });
}

/** The `total` of a paged output, for systems that count every match: `items` names what is counted. */
export function totalOutput(items: string) {
  return z.number().int().describe(`How many ${items} match in all pages.`);
}

/**
 * Cursors bound to the criteria they were issued for: the payload carries the vendor's position
 * (an offset, an `after` token) and a fingerprint of the criteria, so a cursor handed back with
 * other criteria is refused with `invalid_input` instead of paging through another result set.
 */
export interface BoundCursor<P> {
  /** The cursor for `position` under `criteria`; undefined when there is no next position. */
  encode(criteria: unknown, position: P | undefined): string | undefined;
  /** The position a cursor carries, or undefined without a cursor. */
  decode(cursor: string | undefined, criteria: unknown): P | undefined;
}

/** A short fingerprint of a criteria object (canonical JSON: key order and undefined members do not count). */
export function fingerprint(criteria: unknown): string {
  return canonicalHash(criteria).slice(0, 12);
}

export function boundCursor<S extends z.ZodType>(
  position: S,
  options: { what?: string } = {},
): BoundCursor<z.output<S>> {
  const what = options.what ?? 'criteria';
  const Payload = z.object({ f: z.string(), p: z.unknown() }).strict();
  return {
    encode(criteria, at) {
      return at === undefined ? undefined : encodeCursor({ f: fingerprint(criteria), p: at });
    },
    decode(cursor, criteria) {
      if (cursor === undefined) return undefined;
      const payload = decodeCursor(Payload, cursor);
      if (payload.f !== fingerprint(criteria)) {
        throw new ToolError(
          'invalid_input',
          `This cursor was issued for different ${what}. Repeat the call with the same ${what} as the previous ` +
            'page, or omit cursor to start over.',
        );
      }
      const at = position.safeParse(payload.p);
      if (!at.success) throw invalidCursor();
      return at.data;
    },
  };
}
