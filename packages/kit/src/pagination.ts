import { z } from 'zod';
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
