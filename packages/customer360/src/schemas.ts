import {
  Account,
  AgingBuckets,
  Contact,
  Conversation,
  Deal,
  Invoice,
  Money,
  Order,
  SourceRef,
  Ticket,
} from '@switchboard/kit';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Input

export const GetCustomerInput = z
  .object({
    email: z
      .string()
      .min(3)
      .max(254)
      .optional()
      .describe(
        "A person's email address at the customer, e.g. maya@helix-robotics.com. Its domain is also used " +
          'to match the company, unless it is a free-mail domain such as gmail.com.',
      ),
    domain: z
      .string()
      .min(3)
      .max(253)
      .optional()
      .describe("The customer's web or email domain, e.g. helix-robotics.com (a URL is accepted)."),
    name: z
      .string()
      .min(2)
      .max(200)
      .optional()
      .describe(
        'The company name or part of it, e.g. "Helix Robotics". Weakest criterion: prefer email or domain.',
      ),
    system: z
      .string()
      .min(2)
      .max(64)
      .optional()
      .describe(
        'With id: the system the id belongs to, as a connector name or namespace (e.g. "salesforce", "odoo", ' +
          '"sf_emea").',
      ),
    id: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe(
        "With system: the customer's id in that system, e.g. a Salesforce account id 001..., a HubSpot " +
          'company id, an Odoo partner id or a Zendesk organization id.',
      ),
  })
  .refine(
    (input) => {
      const given = [input.email, input.domain, input.name].filter((value) => value !== undefined).length;
      const systemId = input.system !== undefined || input.id !== undefined;
      return systemId ? given === 0 && input.system !== undefined && input.id !== undefined : given === 1;
    },
    {
      message:
        'Give exactly one of: email, domain, name, or system together with id (e.g. {"system": "salesforce", ' +
        '"id": "001..."}).',
    },
  )
  .describe('How to find the customer: exactly one of email, domain, name, or system + id.');
export type GetCustomerInput = z.output<typeof GetCustomerInput>;

// ---------------------------------------------------------------------------------------------
// Output

export const CapabilityKind = z
  .enum(['crm', 'erp', 'support'])
  .describe('Capability a source was asked through.');
export type CapabilityKind = z.infer<typeof CapabilityKind>;

export const SourceStatusValue = z
  .enum(['ok', 'timeout', 'error', 'not_configured', 'no_match'])
  .describe(
    'ok: answered and found the customer; no_match: answered, customer not there; timeout: no answer ' +
      'within its timeout or the deadline; error: failed (reason says why); not_configured: no such system is ' +
      'mounted, or the caller may not read it.',
  );
export type SourceStatusValue = z.infer<typeof SourceStatusValue>;

export const MatchMethodSchema = z
  .enum(['id', 'external_id', 'email', 'domain', 'name'])
  .describe('How the source matched the customer: id, external_id, email, domain or name (strongest first).');

export const Candidate = z
  .object({
    id: z.string().describe('Id of the other candidate in that system.'),
    name: z.string().describe('Its name.'),
    domain: z.string().optional().describe('Its domain, when known.'),
  })
  .describe('Another record that matched as well, not included in the profile.');

export const SourceStatus = z
  .object({
    capability: CapabilityKind,
    system: z
      .string()
      .optional()
      .describe('Connector package, e.g. "salesforce"; absent for not_configured.'),
    instance: z.string().optional().describe('Connector instance namespace, e.g. "sf_emea".'),
    title: z.string().optional().describe('Display name of the system.'),
    status: SourceStatusValue,
    matchedBy: MatchMethodSchema.optional(),
    recordId: z.string().optional().describe('Id of the matched record (account, customer) in that system.'),
    otherCandidates: z
      .array(Candidate)
      .optional()
      .describe(
        'Other records that matched too (with status no_match: the ambiguous candidates, none shown); look one ' +
          'up by system + id to see it.',
      ),
    reason: z.string().optional().describe('Why the source is not ok, or a note about the match.'),
    durationMs: z.number().int().min(0).optional().describe('Time the source took, in milliseconds.'),
  })
  .describe('What one source (a connector instance, through one capability) answered.');
export type SourceStatus = z.infer<typeof SourceStatus>;

export const Identity = z
  .object({
    name: z.string().optional().describe('Customer name used to search the systems.'),
    domain: z.string().optional().describe('Customer domain used to search the systems.'),
    email: z.string().optional().describe('Email address used to search the systems.'),
    externalIds: z
      .record(z.string(), z.string())
      .describe('Ids of the customer in each system that matched it, keyed by connector name.'),
    ignoredFreeMailDomain: z
      .string()
      .optional()
      .describe('A free-mail domain (e.g. gmail.com) that was deliberately not used to match.'),
  })
  .describe('What the customer was searched by, after resolution across systems.');
export type Identity = z.infer<typeof Identity>;

export const ConflictField = z
  .enum(['name', 'domain', 'email', 'phone', 'industry', 'employees', 'annualRevenue', 'city', 'country'])
  .describe('Account field whose values differ.');
export type ConflictField = z.infer<typeof ConflictField>;

export const ConflictValue = z
  .object({
    value: z.union([z.string(), z.number()]).describe('The value as the system(s) hold it.'),
    sources: z.array(SourceRef).min(1).describe('Every account holding this value.'),
  })
  .describe('One of the conflicting values and where it comes from.');

export const Conflict = z
  .object({
    field: ConflictField,
    values: z
      .array(ConflictValue)
      .min(2)
      .describe('Every distinct value, each with its sources; none is preferred.'),
    note: z
      .string()
      .optional()
      .describe('Context, e.g. when systems name the field from different vocabularies.'),
  })
  .describe('A field on which the systems disagree about the same customer.');
export type Conflict = z.infer<typeof Conflict>;

export const Receivable = z
  .object({
    source: SourceRef,
    receivable: Money.describe('Open receivable of the customer in that system.'),
    overdue: Money.describe('The part of the receivable past its due date.'),
    aging: AgingBuckets.describe('Receivable by days overdue, in the receivable currency.'),
  })
  .describe("An ERP's balance for the customer; currencies are kept apart, never converted.");
export type Receivable = z.infer<typeof Receivable>;

export const FactorName = z
  .enum(['support_tickets', 'overdue_receivable', 'activity_recency', 'open_pipeline'])
  .describe('Health factor.');
export type FactorName = z.infer<typeof FactorName>;

export const HealthFactor = z
  .object({
    name: FactorName,
    score: z.number().min(0).max(100).describe('Score of this factor, 0 (bad) to 100 (good).'),
    weight: z
      .number()
      .min(0)
      .max(1)
      .describe('Weight in the total after renormalisation over present factors.'),
    baseWeight: z.number().min(0).max(1).describe('Weight before renormalisation.'),
    detail: z.string().describe('The measured input, in words.'),
  })
  .describe('One input of the health score.');
export type HealthFactor = z.infer<typeof HealthFactor>;

export const DroppedFactor = z
  .object({
    name: FactorName,
    reason: z.string().describe('Why the factor had no data.'),
  })
  .describe('A factor left out of the score for lack of data.');
export type DroppedFactor = z.infer<typeof DroppedFactor>;

export const HealthBand = z.enum(['red', 'yellow', 'green']).describe('red < 40, yellow 40-69, green >= 70.');
export type HealthBand = z.infer<typeof HealthBand>;

export const Health = z
  .object({
    score: z.number().int().min(0).max(100).nullable().describe('0-100, or null when no factor had data.'),
    band: HealthBand.nullable().describe('red < 40, yellow 40-69, green >= 70; null when there is no score.'),
    factors: z.array(HealthFactor).describe('Factors that produced the score, with their weights.'),
    dropped: z.array(DroppedFactor).describe('Factors without data, left out (weights renormalised).'),
    reason: z.string().optional().describe('Why there is no score, when score is null.'),
  })
  .describe('Customer health score with the factors and weights that produced it.');
export type Health = z.infer<typeof Health>;

export const Summary = z
  .object({
    text: z.string().describe('One-paragraph summary of the profile and of what is missing.'),
    name: z.string().optional().describe('Customer name (the most common spelling, CRM first).'),
    domain: z.string().optional().describe('Customer domain.'),
    matchedSystems: z.array(z.string()).describe('Instances that found the customer.'),
    unavailableSystems: z
      .array(z.string())
      .describe(
        'Instances that did not answer in time or failed, as "instance (status)": the profile lacks them.',
      ),
    openDeals: z.number().int().min(0).describe('Open deals over all CRMs.'),
    pipeline: z.array(Money).describe('Open deal amounts, summed per currency.'),
    receivable: z.array(Money).describe('Open receivable, summed per currency.'),
    overdue: z.array(Money).describe('Overdue receivable, summed per currency.'),
    maxDaysOverdue: z
      .number()
      .int()
      .min(0)
      .describe('Days overdue of the oldest overdue invoice (0 if none).'),
    openTickets: z.number().int().min(0).describe('Open (new, open, pending, hold) tickets.'),
    urgentTickets: z.number().int().min(0).describe('Open tickets of urgent priority.'),
    conflicts: z.number().int().min(0).describe('Fields on which systems disagree.'),
    lastActivityAt: z
      .string()
      .optional()
      .describe('ISO date-time of the latest ticket, conversation or order.'),
  })
  .describe('The profile in numbers and words.');
export type Summary = z.infer<typeof Summary>;

export const GetCustomerOutput = z
  .object({
    found: z.boolean().describe('Whether any system knows the customer.'),
    summary: Summary,
    identity: Identity,
    sources: z.array(SourceStatus).describe('Status of every source consulted, or missing.'),
    accounts: z.array(Account).describe('The customer as each system holds it, each with its source.'),
    contacts: z.array(Contact).describe('People at the customer, from every system, each with its source.'),
    openDeals: z.array(Deal).describe('Open deals from every CRM.'),
    orders: z.array(Order).describe('Recent sales orders from every ERP, newest first.'),
    invoices: z.array(Invoice).describe('Open invoices from every ERP, most overdue first.'),
    receivables: z.array(Receivable).describe('Receivable, overdue and aging per ERP, in its currency.'),
    openTickets: z.array(Ticket).describe('Open tickets (new, open, pending, hold), most urgent first.'),
    recentTickets: z.array(Ticket).describe('Recently solved or closed tickets, newest first.'),
    conversations: z.array(Conversation).describe('Recent support conversations, newest first.'),
    conflicts: z
      .array(Conflict)
      .describe('Fields on which the systems disagree, with every value and source.'),
    health: Health,
  })
  .describe('One customer across every CRM, ERP and support system.');
export type GetCustomerOutput = z.infer<typeof GetCustomerOutput>;
export type GetCustomerOutputInput = z.input<typeof GetCustomerOutput>;
