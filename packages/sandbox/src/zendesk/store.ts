import { isoDateTime } from '../dataset/dates.js';
import type {
  Dataset,
  Instant,
  ZendeskTicketPriority,
  ZendeskTicketStatus,
  ZendeskUser,
} from '../dataset/types.js';

/**
 * The emulator's mutable state: the dataset's Zendesk records copied into plain records with
 * absolute timestamps, plus whatever tests and the demo create through the API. Rendering to
 * Zendesk's JSON shapes lives here too, so every route answers with the same fields.
 */

export interface OrganizationRecord {
  id: number;
  name: string;
  domainNames: string[];
  externalId: string | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface UserRecord {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  role: ZendeskUser['role'];
  organizationId: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface CommentRecord {
  id: number;
  authorId: number;
  body: string;
  public: boolean;
  auditId: number;
  createdAt: string;
}

export interface TicketRecord {
  id: number;
  subject: string;
  description: string;
  status: ZendeskTicketStatus;
  priority: ZendeskTicketPriority | null;
  type: 'question' | 'incident' | 'problem' | 'task' | null;
  requesterId: number;
  submitterId: number;
  assigneeId: number | null;
  organizationId: number | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  comments: CommentRecord[];
}

export const STATUS_ORDER: readonly ZendeskTicketStatus[] = [
  'new',
  'open',
  'pending',
  'hold',
  'solved',
  'closed',
];
export const PRIORITY_ORDER: readonly ZendeskTicketPriority[] = ['low', 'normal', 'high', 'urgent'];

export interface ZendeskStoreOptions {
  asOf?: Date;
  /**
   * Adds this many generic tickets from one extra organization ("Bulk Load Test Ltd", requester
   * `bulk.requester@bulk-load.example`, tag `bulk_load`): enough to push a search past Zendesk's
   * 1,000-result limit in tests. Never part of the demo dataset.
   */
  extraTickets?: number;
}

/** Zendesk timestamps have second precision: `2025-03-01T09:30:00Z`. */
export function zendeskTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export const BULK_ORGANIZATION = {
  name: 'Bulk Load Test Ltd',
  domain: 'bulk-load.example',
  requesterEmail: 'bulk.requester@bulk-load.example',
  tag: 'bulk_load',
} as const;

export class ZendeskStore {
  readonly organizations = new Map<number, OrganizationRecord>();
  readonly users = new Map<number, UserRecord>();
  readonly tickets = new Map<number, TicketRecord>();
  /** The agent the API token belongs to: author of comments and submitter of tickets created. */
  readonly agentId: number;
  private nextTicketId: number;
  private nextCommentId: number;
  private nextUserId: number;
  private nextAuditId = 90_000_000_001;

  constructor(dataset: Dataset, options: ZendeskStoreOptions = {}) {
    const at = (instant: Instant) => zendeskTime(new Date(isoDateTime(instant, options.asOf)));
    const data = dataset.zendesk;
    // Store records are the dataset's minus its ground truth (customer, person and staff keys), with
    // absolute timestamps and arrays of their own (the API changes them).
    for (const { customerKey, createdAt, ...org } of data.organizations) {
      this.organizations.set(org.id, {
        ...org,
        domainNames: [...org.domainNames],
        tags: [...org.tags],
        createdAt: at(createdAt),
        updatedAt: at(createdAt),
      });
    }
    for (const { customerKey, personKey, staffKey, createdAt, ...user } of data.users) {
      this.users.set(user.id, { ...user, createdAt: at(createdAt), updatedAt: at(createdAt) });
    }
    let auditId = 80_000_000_001;
    for (const { customerKey, createdAt, updatedAt, comments, ...ticket } of data.tickets) {
      this.tickets.set(ticket.id, {
        ...ticket,
        // Tickets of the dataset were all submitted by their requesters.
        submitterId: ticket.requesterId,
        tags: [...ticket.tags],
        createdAt: at(createdAt),
        updatedAt: at(updatedAt),
        comments: comments.map((comment) => ({
          ...comment,
          auditId: auditId++,
          createdAt: at(comment.createdAt),
        })),
      });
    }
    const agent =
      data.users.find((user) => user.role === 'admin') ?? data.users.find((u) => u.role === 'agent');
    if (agent === undefined) throw new Error('The dataset has no Zendesk agent to own the API token');
    this.agentId = agent.id;
    this.nextTicketId = Math.max(0, ...this.tickets.keys()) + 1;
    this.nextCommentId = Math.max(0, ...data.tickets.flatMap((t) => t.comments.map((c) => c.id))) + 1;
    this.nextUserId = Math.max(0, ...this.users.keys()) + 1;
    if (options.extraTickets !== undefined && options.extraTickets > 0) {
      this.addBulkTickets(options.extraTickets, options.asOf);
    }
  }

  private addBulkTickets(count: number, asOf: Date | undefined): void {
    const orgId = Math.max(0, ...this.organizations.keys()) + 1;
    const created = zendeskTime(new Date(isoDateTime({ day: -400, minuteOfDay: 0 }, asOf)));
    this.organizations.set(orgId, {
      id: orgId,
      name: BULK_ORGANIZATION.name,
      domainNames: [BULK_ORGANIZATION.domain],
      externalId: null,
      tags: [BULK_ORGANIZATION.tag],
      createdAt: created,
      updatedAt: created,
    });
    const requester = this.createUser({
      name: 'Bulk Requester',
      email: BULK_ORGANIZATION.requesterEmail,
      createdAt: created,
    });
    const base = new Date(isoDateTime({ day: -300, minuteOfDay: 0 }, asOf)).getTime();
    for (let index = 0; index < count; index += 1) {
      // One ticket a minute apart, with distinct timestamps so every sort order is total.
      const time = zendeskTime(new Date(base + index * 60_000));
      const id = this.nextTicketId++;
      const body = `Generated load-test ticket number ${index + 1}.`;
      this.tickets.set(id, {
        id,
        subject: `Bulk load ticket ${index + 1}`,
        description: body,
        status: STATUS_ORDER[index % 4] ?? 'open',
        priority: PRIORITY_ORDER[index % 4] ?? 'normal',
        type: 'question',
        requesterId: requester.id,
        submitterId: requester.id,
        assigneeId: null,
        organizationId: orgId,
        tags: [BULK_ORGANIZATION.tag],
        createdAt: time,
        updatedAt: time,
        comments: [
          {
            id: this.nextCommentId++,
            authorId: requester.id,
            body,
            public: true,
            auditId: this.nextAuditId++,
            createdAt: time,
          },
        ],
      });
    }
  }

  userByEmail(email: string): UserRecord | undefined {
    const wanted = email.trim().toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === wanted) return user;
    return undefined;
  }

  /** Zendesk maps a new end-user to the organization whose domain_names hold the email's domain. */
  organizationForEmail(email: string): OrganizationRecord | undefined {
    const domain = email.split('@')[1]?.toLowerCase();
    if (domain === undefined) return undefined;
    for (const org of this.organizations.values()) {
      if (org.domainNames.some((candidate) => candidate.toLowerCase() === domain)) return org;
    }
    return undefined;
  }

  createUser(input: { name: string; email: string; createdAt?: string }): UserRecord {
    const now = input.createdAt ?? zendeskTime(new Date());
    const user: UserRecord = {
      id: this.nextUserId++,
      name: input.name,
      email: input.email.toLowerCase(),
      phone: null,
      role: 'end-user',
      organizationId: this.organizationForEmail(input.email)?.id ?? null,
      createdAt: now,
      updatedAt: now,
    };
    this.users.set(user.id, user);
    return user;
  }

  newTicketId(): number {
    return this.nextTicketId++;
  }

  newCommentId(): number {
    return this.nextCommentId++;
  }

  newAuditId(): number {
    return this.nextAuditId++;
  }

  /** A new comment by the agent the API token belongs to, made in the audit `auditId`. */
  agentComment(body: string, isPublic: boolean, auditId: number, createdAt: string): CommentRecord {
    return { id: this.newCommentId(), authorId: this.agentId, body, public: isPublic, auditId, createdAt };
  }

  // -------------------------------------------------------------------------------------------
  // Rendering to Zendesk's JSON

  renderTicket(base: string, ticket: TicketRecord): Record<string, unknown> {
    return {
      url: `${base}/api/v2/tickets/${ticket.id}.json`,
      id: ticket.id,
      external_id: null,
      via: { channel: 'web', source: { from: {}, to: {}, rel: null } },
      created_at: ticket.createdAt,
      updated_at: ticket.updatedAt,
      generated_timestamp: Math.floor(Date.parse(ticket.updatedAt) / 1000),
      type: ticket.type,
      subject: ticket.subject,
      raw_subject: ticket.subject,
      description: ticket.description,
      priority: ticket.priority,
      status: ticket.status,
      recipient: null,
      requester_id: ticket.requesterId,
      submitter_id: ticket.submitterId,
      assignee_id: ticket.assigneeId,
      organization_id: ticket.organizationId,
      group_id: null,
      collaborator_ids: [],
      follower_ids: [],
      email_cc_ids: [],
      forum_topic_id: null,
      problem_id: null,
      has_incidents: false,
      is_public: ticket.comments.some((comment) => comment.public),
      due_at: null,
      tags: [...ticket.tags],
      custom_fields: [],
      satisfaction_rating: null,
      sharing_agreement_ids: [],
      custom_status_id: null,
      fields: [],
      followup_ids: [],
      ticket_form_id: null,
      brand_id: null,
      allow_channelback: false,
      allow_attachments: true,
      from_messaging_channel: false,
    };
  }

  renderUser(base: string, user: UserRecord): Record<string, unknown> {
    return {
      id: user.id,
      url: `${base}/api/v2/users/${user.id}.json`,
      name: user.name,
      email: user.email,
      created_at: user.createdAt,
      updated_at: user.updatedAt,
      time_zone: 'Europe/Berlin',
      iana_time_zone: 'Europe/Berlin',
      phone: user.phone,
      shared_phone_number: null,
      photo: null,
      locale_id: 1,
      locale: 'en-US',
      organization_id: user.organizationId,
      role: user.role,
      verified: true,
      external_id: null,
      tags: [],
      alias: null,
      active: true,
      shared: false,
      shared_agent: false,
      last_login_at: null,
      two_factor_auth_enabled: null,
      signature: null,
      details: null,
      notes: null,
      role_type: null,
      custom_role_id: null,
      moderator: user.role !== 'end-user',
      ticket_restriction: user.role === 'end-user' ? 'requested' : null,
      only_private_comments: false,
      restricted_agent: user.role === 'end-user',
      suspended: false,
      default_group_id: null,
      report_csv: false,
      user_fields: {},
    };
  }

  renderOrganization(base: string, org: OrganizationRecord): Record<string, unknown> {
    return {
      url: `${base}/api/v2/organizations/${org.id}.json`,
      id: org.id,
      name: org.name,
      shared_tickets: false,
      shared_comments: false,
      external_id: org.externalId,
      created_at: org.createdAt,
      updated_at: org.updatedAt,
      domain_names: [...org.domainNames],
      details: '',
      notes: '',
      group_id: null,
      tags: [...org.tags],
      organization_fields: {},
    };
  }

  /** The audit of a ticket created or updated through the API by the token's agent. */
  renderAudit(
    auditId: number,
    ticketId: number,
    createdAt: string,
    events: readonly Record<string, unknown>[],
  ): Record<string, unknown> {
    return {
      id: auditId,
      ticket_id: ticketId,
      created_at: createdAt,
      author_id: this.agentId,
      metadata: { system: {}, custom: {} },
      via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
      events,
    };
  }

  renderComment(comment: CommentRecord): Record<string, unknown> {
    const escaped = comment.body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    return {
      id: comment.id,
      type: 'Comment',
      author_id: comment.authorId,
      body: comment.body,
      html_body: `<div class="zd-comment" dir="auto"><p dir="auto">${escaped}</p></div>`,
      plain_body: comment.body,
      public: comment.public,
      attachments: [],
      audit_id: comment.auditId,
      via: { channel: 'api', source: { from: {}, to: {}, rel: null } },
      created_at: comment.createdAt,
      metadata: { system: {}, custom: {} },
    };
  }
}
