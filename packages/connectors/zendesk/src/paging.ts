import { boundCursor, decodeCursor, encodeCursor, ToolError } from '@switchboard/kit';
import { z } from 'zod';
import { SEARCH_WINDOW } from './operations.js';

/**
 * Opaque cursors. Search cursors carry the offset into Zendesk's result window, bound to the criteria
 * they were issued for. Comment cursors wrap Zendesk's own cursor with the ticket id it belongs to.
 */

export const searchCursor = boundCursor(
  z
    .number()
    .int()
    .min(1)
    .max(SEARCH_WINDOW - 1),
  { what: 'search criteria' },
);

/**
 * Bound by the plain ticket id rather than `boundCursor`'s fingerprint, so the refusal can name both
 * tickets and the `commentsCursor` field the agent must drop.
 */
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
