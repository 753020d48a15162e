import { createHash } from 'node:crypto';
import { decodeCursor, encodeCursor, ToolError } from '@switchboard/kit';
import { z } from 'zod';

/**
 * Keyset cursors: the sort value and Id of the last record of a page, so that the next page asks
 * for records after it. Unlike OFFSET (capped at 2000 by Salesforce) or query locators (which
 * expire after 15 minutes and are limited per user), keysets never go stale and never skip or
 * repeat a record when others are added meanwhile. Cursors carry a fingerprint of the filters
 * they were issued for.
 */

export function fingerprint(filters: Record<string, unknown>): string {
  const canonical = JSON.stringify(filters, Object.keys(filters).sort());
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

const Keyset = z.object({ f: z.string(), v: z.string(), id: z.string().regex(/^[a-zA-Z0-9]{18}$/) }).strict();
export type Keyset = z.output<typeof Keyset>;

export function encodeKeyset(filters: string, value: string, id: string): string {
  return encodeCursor({ f: filters, v: value, id });
}

export function decodeKeyset(cursor: string | undefined, filters: string): Keyset | undefined {
  if (cursor === undefined) return undefined;
  const keyset = decodeCursor(Keyset, cursor);
  assertSameFilters(keyset.f, filters);
  return keyset;
}

const Locator = z.object({ f: z.string(), l: z.string().regex(/^[A-Za-z0-9]+-\d+$/) }).strict();

export function encodeLocator(filters: string, locator: string): string {
  return encodeCursor({ f: filters, l: locator });
}

export function decodeLocator(cursor: string, filters: string): string {
  const payload = decodeCursor(Locator, cursor);
  assertSameFilters(payload.f, filters);
  return payload.l;
}

function assertSameFilters(issuedFor: string, filters: string): void {
  if (issuedFor !== filters) {
    throw new ToolError(
      'invalid_input',
      'This cursor was issued for a different request. Repeat the call with the same input as the previous ' +
        'page, or omit cursor to start over.',
    );
  }
}
