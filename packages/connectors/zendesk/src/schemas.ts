import { model, Ticket, TicketPriority, TicketStatus } from '@switchboard/kit';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// What Zendesk sends (only the fields the connector reads; unknown keys are dropped)

const zid = z.number().int().nonnegative();

export const ZTicket = z.object({
  id: zid,
  subject: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  status: TicketStatus,
  priority: TicketPriority.nullable().optional(),
  type: z.enum(['question', 'incident', 'problem', 'task']).nullable().optional(),
  requester_id: zid.nullable().optional(),
  assignee_id: zid.nullable().optional(),
  organization_id: zid.nullable().optional(),
  tags: z.array(z.string()).optional(),
  created_at: z.string(),
  updated_at: z.string().nullable().optional(),
});
export type ZTicket = z.infer<typeof ZTicket>;

export const ZUser = z.object({
  id: zid,
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  role: z.string().nullable().optional(),
  organization_id: zid.nullable().optional(),
  phone: z.string().nullable().optional(),
  created_at: z.string().nullable().optional(),
  active: z.boolean().optional(),
});
export type ZUser = z.infer<typeof ZUser>;

export const ZOrganization = z.object({
  id: zid,
  name: z.string(),
  domain_names: z.array(z.string()).optional(),
  external_id: z.string().nullable().optional(),
  tags: z.array(z.string()).optional(),
});
export type ZOrganization = z.infer<typeof ZOrganization>;

export const ZComment = z.object({
  id: zid,
  author_id: zid.nullable().optional(),
  body: z.string().nullable().optional(),
  plain_body: z.string().nullable().optional(),
  public: z.boolean(),
  created_at: z.string(),
});
export type ZComment = z.infer<typeof ZComment>;

/** `GET /search.json?query=type:ticket ...&include=tickets(users)`. */
export const ZTicketSearch = z.object({
  results: z.array(ZTicket),
  count: z.number().int().nonnegative(),
  next_page: z.string().nullable().optional(),
  users: z.array(ZUser).optional(),
  organizations: z.array(ZOrganization).optional(),
});

export const ZOrganizationSearch = z.object({
  results: z.array(ZOrganization),
  count: z.number().int().nonnegative(),
});

export const ZOrganizationList = z.object({ organizations: z.array(ZOrganization) });

export const ZUserList = z.object({ users: z.array(ZUser) });

export const ZTicketShow = z.object({
  ticket: ZTicket,
  users: z.array(ZUser).optional(),
  organizations: z.array(ZOrganization).optional(),
});

export const ZComments = z.object({
  comments: z.array(ZComment),
  meta: z.object({ has_more: z.boolean(), after_cursor: z.string().nullable().optional() }),
  users: z.array(ZUser).optional(),
});

export const ZOrganizationShow = z.object({ organization: ZOrganization });

/** `POST /tickets.json` (201) and `PUT /tickets/{id}.json`. */
export const ZTicketWrite = z.object({
  ticket: ZTicket,
  audit: z.object({
    id: zid,
    events: z.array(z.looseObject({ type: z.string() })),
  }),
});

// ---------------------------------------------------------------------------------------------
// What the tools return

export const TicketSummary = Ticket.extend({
  id: z.number().int().describe('Zendesk ticket id (what {tool:get_ticket} and {tool:add_comment} take).'),
  type: z
    .enum(['question', 'incident', 'problem', 'task'])
    .optional()
    .describe('Ticket type, when set: question, incident, problem or task.'),
  requesterId: z.number().int().optional().describe('Zendesk user id of the requester.'),
  organizationName: z
    .string()
    .optional()
    .describe('Name of the organization the ticket belongs to, when known.'),
  assigned: z.boolean().describe('Whether an agent is assigned.'),
}).describe('A Zendesk ticket.');
export type TicketSummary = z.infer<typeof TicketSummary>;

export const Person = model('A Zendesk user.', {
  id: z.number().int().describe('Zendesk user id.'),
  name: z.string().optional().describe('Display name.'),
  email: z.string().optional().describe('Primary email.'),
  role: z.string().optional().describe('end-user, agent or admin.'),
});
export type Person = z.infer<typeof Person>;

export const Comment = model('A comment on a ticket: a public reply or an internal note.', {
  id: z.number().int().describe('Zendesk comment id.'),
  author: Person.optional().describe('Who wrote it, when known.'),
  body: z.string().describe('Plain-text body.'),
  public: z.boolean().describe('True for a reply the requester sees; false for an internal note.'),
  createdAt: z.string().describe('ISO 8601 date-time.'),
});
export type Comment = z.infer<typeof Comment>;

export const TicketDetail = model('A Zendesk ticket with its conversation.', {
  ticket: TicketSummary,
  description: z.string().describe('The first comment of the ticket (its description).'),
  requester: Person.optional().describe('The person who asked.'),
  organization: z
    .object({
      id: z.number().int().describe('Zendesk organization id.'),
      name: z.string().describe('Organization name.'),
      domains: z.array(z.string()).describe('Email domains mapped to the organization.'),
      externalId: z.string().optional().describe('Id of the customer in another system (e.g. the CRM).'),
    })
    .optional()
    .describe('The organization the ticket belongs to.'),
  comments: z.array(Comment).describe('Comments, oldest first (a page of them; see nextCommentsCursor).'),
  nextCommentsCursor: z
    .string()
    .optional()
    .describe('Pass as commentsCursor to get the next comments; absent when there are no more.'),
});
export type TicketDetail = z.infer<typeof TicketDetail>;

export const UserMatch = Person.extend({
  organizationId: z.number().int().optional().describe('Zendesk organization id of the user, if any.'),
  organizationName: z.string().optional().describe('Name of that organization, when known.'),
  phone: z.string().optional().describe('Phone number, as Zendesk stores it.'),
  createdAt: z.string().optional().describe('When the user was created (ISO 8601).'),
}).describe('A Zendesk user matching the email.');
export type UserMatch = z.infer<typeof UserMatch>;
