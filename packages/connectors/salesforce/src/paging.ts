import { boundCursor } from '@switchboard/kit';
import { z } from 'zod';

/**
 * Keyset cursors: the sort value and Id of the last record of a page, so that the next page asks
 * for records after it. Unlike OFFSET (capped at 2000 by Salesforce) or query locators (which
 * expire after 15 minutes and are limited per user), keysets never go stale and never skip or
 * repeat a record when others are added meanwhile. Cursors are bound to the input they were issued
 * for.
 */
export const Keyset = z.object({ v: z.string(), id: z.string().regex(/^[a-zA-Z0-9]{18}$/) }).strict();
export type Keyset = z.output<typeof Keyset>;

export const keysetCursor = boundCursor(Keyset, { what: 'input' });

/** The query tool pages with Salesforce's query locator (`01g...-200`), bound to the statement. */
export const locatorCursor = boundCursor(z.string().regex(/^[A-Za-z0-9]+-\d+$/), { what: 'input' });
