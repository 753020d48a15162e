import { z } from 'zod';

/**
 * The common models every capability adapter speaks. Composite tools (customer 360) only ever see
 * these, never a vendor's own shapes. Every record carries its source so that merged answers can
 * say where each fact came from.
 */

/**
 * A model: an object schema with its description. Agents read the description of every model (the
 * contract rules check that none is missing), so it comes first and cannot be left out.
 */
export function model<S extends z.ZodRawShape>(description: string, shape: S) {
  return z.object(shape).describe(description);
}

export const SourceRef = model('Where a record came from.', {
  system: z.string().describe('The connector package, e.g. "salesforce" or "odoo".'),
  instance: z.string().describe('The connector instance namespace, e.g. "sf_emea".'),
  id: z.string().describe("The record's id in that system."),
  url: z.string().optional().describe('A link to the record in the vendor UI, when known.'),
});
export type SourceRef = z.infer<typeof SourceRef>;

export const Money = model('A monetary amount.', {
  amount: z.number().describe('Amount in major units (e.g. 1250.5).'),
  currency: z.string().length(3).describe('ISO 4217 currency code.'),
});
export type Money = z.infer<typeof Money>;

const isoDate = z.string().describe('ISO 8601 date (YYYY-MM-DD).');
const isoDateTime = z.string().describe('ISO 8601 date-time.');

export const Account = model('A customer company (account, company, commercial partner or organization).', {
  source: SourceRef,
  name: z.string().describe('Company name.'),
  domain: z.string().optional().describe('Primary web or email domain, lower case.'),
  email: z.string().optional().describe('Main contact email of the company.'),
  phone: z.string().optional().describe('Main phone number, as the system stores it.'),
  industry: z.string().optional().describe('Industry as the system names it.'),
  employees: z.number().int().optional().describe('Number of employees.'),
  annualRevenue: Money.optional().describe('Annual revenue.'),
  city: z.string().optional().describe('City of the main address.'),
  country: z.string().optional().describe('ISO 3166-1 alpha-2 country code.'),
  externalIds: z
    .record(z.string(), z.string())
    .optional()
    .describe('Ids of the same customer in other systems, keyed by system name.'),
  updatedAt: isoDateTime.optional(),
});
export type Account = z.infer<typeof Account>;

export const Contact = model('A person at a customer.', {
  source: SourceRef,
  accountId: z.string().optional().describe('Id of the account in the same system.'),
  name: z.string().describe('Full name.'),
  email: z.string().optional().describe('Email address.'),
  phone: z.string().optional().describe('Phone number.'),
  title: z.string().optional().describe('Job title or function.'),
});
export type Contact = z.infer<typeof Contact>;

export const Deal = model('A sales opportunity or deal.', {
  source: SourceRef,
  accountId: z.string().optional().describe('Id of the account in the same system.'),
  name: z.string().describe('Deal name.'),
  stage: z.string().describe('Pipeline stage as the system names it.'),
  amount: Money.optional().describe('Deal amount.'),
  closeDate: isoDate.optional(),
  isClosed: z.boolean().describe('Whether the deal is closed (won or lost).'),
  isWon: z.boolean().optional().describe('Whether a closed deal was won.'),
});
export type Deal = z.infer<typeof Deal>;

export const OrderState = z.enum(['draft', 'sent', 'confirmed', 'cancelled']);

export const Order = model('A sales order.', {
  source: SourceRef,
  number: z.string().describe('Order reference, e.g. "S00042".'),
  accountId: z.string().optional().describe('Id of the customer in the same system.'),
  state: OrderState.describe('Order state.'),
  date: isoDateTime,
  total: Money.describe('Total including taxes.'),
  customerReference: z.string().optional().describe("The customer's own reference (PO number)."),
});
export type Order = z.infer<typeof Order>;

export const InvoiceStatus = z.enum(['open', 'overdue', 'paid', 'cancelled', 'draft']);

export const Invoice = model('A customer invoice.', {
  source: SourceRef,
  number: z.string().describe('Invoice number.'),
  accountId: z.string().optional().describe('Id of the customer in the same system.'),
  status: InvoiceStatus.describe('Payment status.'),
  issueDate: isoDate.optional(),
  dueDate: isoDate.optional(),
  total: Money.describe('Total including taxes.'),
  residual: Money.describe('Amount still to be paid.'),
  daysOverdue: z.number().int().min(0).describe('0 unless the invoice is overdue.'),
});
export type Invoice = z.infer<typeof Invoice>;

export const AgingBuckets = model('Open receivable by days overdue, in the company currency.', {
  current: z.number().describe('Not yet due.'),
  d1_30: z.number().describe('1 to 30 days overdue.'),
  d31_60: z.number().describe('31 to 60 days overdue.'),
  d61_90: z.number().describe('61 to 90 days overdue.'),
  d90_plus: z.number().describe('More than 90 days overdue.'),
  total: z.number().describe('All open receivable (the sum of the buckets).'),
});
export type AgingBuckets = z.infer<typeof AgingBuckets>;

export const TicketPriority = z.enum(['low', 'normal', 'high', 'urgent']);
export const TicketStatus = z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed']);

export const Ticket = model('A support ticket.', {
  source: SourceRef,
  subject: z.string().describe('Ticket subject.'),
  status: TicketStatus.describe('Ticket status.'),
  priority: TicketPriority.optional().describe('Ticket priority.'),
  requesterEmail: z.string().optional().describe('Email of the person who asked.'),
  accountId: z.string().optional().describe('Id of the organization in the same system.'),
  createdAt: isoDateTime,
  updatedAt: isoDateTime.optional(),
  tags: z.array(z.string()).optional().describe('Ticket tags.'),
});
export type Ticket = z.infer<typeof Ticket>;

export const Conversation = model('A message from a support conversation.', {
  source: SourceRef,
  channel: z.string().describe('Channel or thread name.'),
  text: z.string().describe('The message text (may be truncated).'),
  author: z.string().optional().describe('Who wrote the message.'),
  at: isoDateTime,
  permalink: z.string().optional().describe('A link to the message in the vendor UI, when known.'),
});
export type Conversation = z.infer<typeof Conversation>;
