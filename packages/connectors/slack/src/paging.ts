import { createHash } from 'node:crypto';
import { decodeCursor, encodeCursor, ToolError } from '@switchboard/kit';
import { z } from 'zod';

/**
 * Opaque cursors over Slack's own: the payload keeps Slack's `next_cursor` (or a search page
 * number) with a fingerprint of the query it belongs to, so a cursor replayed with other filters is
 * a clear `invalid_input` instead of a silently wrong page.
 */

const Payload = z.object({ s: z.string().min(1).max(400), f: z.string().min(1).max(32) });

export function fingerprint(parts: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export function encodePageCursor(next: string | undefined, filters: string): string | undefined {
  return next === undefined || next === '' ? undefined : encodeCursor({ s: next, f: filters });
}

export function decodePageCursor(cursor: string | undefined, filters: string): string | undefined {
  if (cursor === undefined) return undefined;
  const payload = decodeCursor(Payload, cursor);
  if (payload.f !== filters) {
    throw new ToolError(
      'invalid_input',
      'This cursor belongs to a different query. Repeat the previous arguments with it, or omit cursor to start over.',
    );
  }
  return payload.s;
}
