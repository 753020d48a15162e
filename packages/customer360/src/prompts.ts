import { z } from 'zod';
import { customer360 } from './connector.js';

/**
 * The exposed name of get_customer under the default namespace. Prompt rendering receives only the
 * arguments (no instance), and the registry expands `{tool:x}` in descriptions only, so the message
 * names the tool literally. A composite mounted under another namespace would need the kit to pass
 * the instance to render (see README).
 */
export const GET_CUSTOMER_TOOL_NAME = 'customer360__get_customer';

export const accountBriefingPrompt = customer360.prompt({
  name: 'account_briefing',
  title: 'Account briefing',
  description:
    'A briefing on one customer before a call or an account review, built on {tool:get_customer}: who they ' +
    'are, money owed, open deals, support situation, health and what to watch.',
  arguments: z.object({
    customer: z
      .string()
      .min(2)
      .max(200)
      .describe(
        'The customer: an email address, a domain, a company name, or "system:id" (e.g. salesforce:001...).',
      ),
  }),
  scopes: ['customer360:read', 'crm:read', 'erp:read', 'support:read'],
  render({ customer }) {
    return [
      {
        role: 'user',
        text: [
          `Prepare an account briefing on the customer "${customer}".`,
          '',
          `1. Call ${GET_CUSTOMER_TOOL_NAME} once. Pass the customer as \`email\` if it contains "@", as ` +
            '`system` and `id` if it looks like "system:id", as `domain` if it looks like a domain, else as `name`. ' +
            'If a source lists otherCandidates, say that the match was ambiguous.',
          '2. Write the briefing from the result only, citing the system of each fact (e.g. "Odoo", "Zendesk"):',
          '   - Who they are: name, domain, industry, size, key contacts.',
          '   - Commercial: open deals and pipeline; recent orders.',
          '   - Finance: receivable and overdue per currency, the oldest overdue invoice and its days overdue.',
          '   - Support: open tickets (urgent first) and the tone of recent conversations.',
          '   - Health: the score, band and each factor with its weight; name the factors that were dropped.',
          '   - Data quality: every conflict between systems with both values and their sources; every source ' +
            'whose status is not ok, and what is therefore missing.',
          '3. End with three concrete next steps for the account owner.',
          'Do not invent facts the tool did not return. If no system found the customer, say so and suggest ' +
            'another way to look them up.',
        ].join('\n'),
      },
    ];
  },
});
