import { createHash } from 'node:crypto';
import { decodeCursor, encodeCursor, ToolError } from '@switchboard/kit';
import { z } from 'zod';
import { SEARCH_WINDOW } from './operations.js';

/**
 * Opaque cursors. Search cursors carry the offset into Zendesk's result window and a fingerprint
 * of the criteria they were issued for, so a cursor handed back with other criteria is refused
 * instead of paging through another result set. Comment cursors wrap Zendesk's own cursor with the
 * ticket id it belongs to.
 */

export function fingerprint(filters: Record<string, unknown>): string {
  const canonical = JSON.stringify(filters, Object.keys(filters).sort());
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

const SearchCursor = z
  .object({
    f: z.string(),
    o: z
      .number()
      .int()
      .min(1)
      .max(SEARCH_WINDOW - 1),
  })
  .strict();

export function encodeSearchCursor(filters: string, offset: number): string {
  return encodeCursor({ f: filters, o: offset });
}

export function decodeSearchCursor(cursor: string | undefined, filters: string): number {
  if (cursor === undefined) return 0;
  const payload = decodeCursor(SearchCursor, cursor);
  if (payload.f !== filters) {
    throw new ToolError(
      'invalid_input',
      'This cursor was issued for different search criteria. Repeat the call with the same criteria as the ' +
        'previous page, or omit cursor to start over.',
    );
  }
  return payload.o;
}

const CommentsCursor = z.object({ t: z.number().int().positive(), a: z.string().min(1).max(400) }).strict();

export function encodeCommentsCursor(ticketId: number, after: string): string {
  return encodeCursor({ t: ticketId, a: after });
}

export function decodeCommentsCursor(cursor: string | undefined, ticketId: number): string | undefined {
  if (cursor === undefined) return undefined;
  const payload = decodeCursor(CommentsCursor, cursor);
  if (payload.t !== ticketId) {
    throw new ToolError(
      'invalid_input',
      `This commentsCursor belongs to ticket ${payload.t}, not ${ticketId}. Omit it to start at the first comment.`,
    );
  }
  return payload.a;
}
