import { createHash } from 'node:crypto';
import { decodeCursor, encodeCursor, ToolError } from '@switchboard/kit';
import { z } from 'zod';

/**
 * Cursors carry a fingerprint of the filters they were issued for, so that a cursor handed back
 * with different filters is refused instead of silently paging through another result set.
 */

export function fingerprint(filters: Record<string, unknown>): string {
  const canonical = JSON.stringify(filters, Object.keys(filters).sort());
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

const OffsetCursor = z.object({ f: z.string(), o: z.number().int().min(0).max(100_000) }).strict();

export function encodeOffsetCursor(filters: string, offset: number): string {
  return encodeCursor({ f: filters, o: offset });
}

/** The offset a cursor points at, 0 without a cursor. */
export function decodeOffsetCursor(cursor: string | undefined, filters: string): number {
  if (cursor === undefined) return 0;
  const payload = decodeCursor(OffsetCursor, cursor);
  assertSameQuery(payload.f, filters);
  return payload.o;
}

/** Keyset cursors: the sort key of the last row returned, validated with `key`. */
export function encodeKeysetCursor(filters: string, key: Record<string, unknown>): string {
  return encodeCursor({ f: filters, k: key });
}

export function decodeKeysetCursor<K extends z.ZodType>(
  key: K,
  cursor: string | undefined,
  filters: string,
): z.output<K> | undefined {
  if (cursor === undefined) return undefined;
  const payload = decodeCursor(KeysetCursor, cursor);
  const parsed = key.safeParse(payload.k);
  if (!parsed.success) {
    throw new ToolError(
      'invalid_input',
      'The cursor is not valid. Pass the exact nextCursor value of the previous page, or omit it to start over.',
    );
  }
  assertSameQuery(payload.f, filters);
  return parsed.data;
}

const KeysetCursor = z.object({ f: z.string(), k: z.unknown() }).strict();

function assertSameQuery(issuedFor: string, filters: string): void {
  if (issuedFor !== filters) {
    throw new ToolError(
      'invalid_input',
      'This cursor was issued for different filters. Repeat the call with the same filters as the previous ' +
        'page, or omit cursor to start over.',
    );
  }
}
