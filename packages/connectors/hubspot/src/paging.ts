import { createHash } from 'node:crypto';
import { decodeCursor, encodeCursor, ToolError } from '@switchboard/kit';
import { z } from 'zod';

/**
 * Cursors wrap HubSpot's own `after` token with a fingerprint of the filters it was issued for, so a
 * cursor handed back with other filters is refused instead of paging through another result set.
 */

export function fingerprint(filters: Record<string, unknown>): string {
  const canonical = JSON.stringify(filters, Object.keys(filters).sort());
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

const Cursor = z.object({ f: z.string(), a: z.string().min(1).max(256) }).strict();

export function encodeAfterCursor(filters: string, after: string | undefined): string | undefined {
  return after === undefined ? undefined : encodeCursor({ f: filters, a: after });
}

/** HubSpot's `after` token a cursor carries, undefined without a cursor. */
export function decodeAfterCursor(cursor: string | undefined, filters: string): string | undefined {
  if (cursor === undefined) return undefined;
  const payload = decodeCursor(Cursor, cursor);
  if (payload.f !== filters) {
    throw new ToolError(
      'invalid_input',
      'This cursor was issued for different filters. Repeat the call with the same filters as the previous ' +
        'page, or omit cursor to start over.',
    );
  }
  return payload.a;
}
