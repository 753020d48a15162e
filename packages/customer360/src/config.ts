import { z } from 'zod';

/** Configuration of the customer-360 composite. It has no upstream of its own: no credentials. */
export const Customer360Config = z
  .object({
    deadlineMs: z
      .number()
      .int()
      .min(200)
      .max(25_000)
      .default(4000)
      .describe(
        'Deadline of one get_customer call, in milliseconds (default 4000): the answer is returned by then, ' +
          'with sources that have not answered marked timeout.',
      ),
    sourceTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(25_000)
      .default(3000)
      .describe(
        'Timeout of one source (one connector instance and capability), in milliseconds (default 3000); ' +
          'never more than what is left of the deadline.',
      ),
    resolveWaitMs: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(1000)
      .describe(
        'How long support sources (and, for a system-id lookup, every other source) wait for the CRM and ' +
          "ERP matches to learn the customer's ids, domain and name before searching with what they have, " +
          'in milliseconds (default 1000).',
      ),
    maxTickets: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(20)
      .describe('Tickets read per support source, most recently updated first (default 20).'),
    maxConversations: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(10)
      .describe('Support conversations read per support source, newest first (default 10).'),
    maxContacts: z
      .number()
      .int()
      .min(1)
      .max(200)
      .default(50)
      .describe('Contacts returned at most, over all systems (default 50).'),
    freeMailDomains: z
      .array(z.string().min(3).max(253))
      .max(500)
      .default([])
      .describe(
        'Extra free-mail domains (shared by unrelated people) never used to match a customer, on top of the ' +
          'built-in list (gmail.com, outlook.com, ...).',
      ),
  })
  .refine((config) => config.sourceTimeoutMs <= config.deadlineMs, {
    message: 'sourceTimeoutMs must not exceed deadlineMs.',
    path: ['sourceTimeoutMs'],
  })
  .refine((config) => config.resolveWaitMs < config.deadlineMs, {
    message: 'resolveWaitMs must be less than deadlineMs.',
    path: ['resolveWaitMs'],
  })
  .describe('Configuration of the customer-360 composite connector.');

/** The configuration as the connector receives it (defaults applied). */
export type Customer360Config = z.output<typeof Customer360Config>;
