import { instantAt } from './crm.js';
import type { CustomerDraft } from './customers.js';
import { HERO } from './heroes.js';
import type { IdFactory } from './ids.js';
import { slugify } from './names.js';
import type { Rng } from './random.js';
import type {
  DayOffset,
  Instant,
  OdooData,
  Person,
  SellerCompany,
  SlackChannel,
  SlackData,
  SlackMessage,
  SlackUser,
  StaffMember,
  ZendeskComment,
  ZendeskData,
  ZendeskTicket,
  ZendeskTicketPriority,
  ZendeskTicketStatus,
} from './types.js';

interface TicketTemplate {
  subject: string;
  description: string;
  reply: string;
  tags: readonly string[];
  type: ZendeskTicket['type'];
}

/** `{order}` is replaced by one of the customer's Odoo order names. */
const TICKET_TEMPLATES: readonly TicketTemplate[] = [
  {
    subject: 'Servo SM-400 reports fault E17 after power cycle',
    description:
      'Two of our SM-400 servos show fault E17 after every power cycle. Can you help us diagnose this?',
    reply: 'E17 is an encoder supply fault. Please check the encoder cable shield and send us the drive log.',
    tags: ['servo', 'fault'],
    type: 'incident',
  },
  {
    subject: 'PLC CP-100 loses configuration after firmware update',
    description: 'After updating to firmware 4.2 the CP-100 forgets its network configuration on restart.',
    reply: 'This is a known issue in 4.2.0; firmware 4.2.1 fixes it. Download link attached.',
    tags: ['plc', 'firmware'],
    type: 'problem',
  },
  {
    subject: 'Calibration certificates for PT100 sensors',
    description: 'Our auditor needs calibration certificates for the PT100 sensors we bought last quarter.',
    reply: 'Certificates for all serial numbers are attached.',
    tags: ['sensors', 'documentation'],
    type: 'question',
  },
  {
    subject: 'Delivery for order {order} arrived incomplete',
    description: 'The delivery for order {order} was missing one carton. Please check and ship the rest.',
    reply: 'Sorry about that: the missing carton ships today, tracking number to follow.',
    tags: ['shipping', 'order'],
    type: 'incident',
  },
  {
    subject: 'Question about the invoice for order {order}',
    description: 'The invoice for order {order} shows a different discount than our quote. Can you check?',
    reply: 'Finance confirmed the quoted discount; a corrected invoice is on its way.',
    tags: ['billing'],
    type: 'question',
  },
  {
    subject: 'HMI touch panel unresponsive in cold environment',
    description: 'The 7" HMI panels in our cold store stop reacting to touch below 2 °C.',
    reply: 'Please enable the low-temperature touch profile (Settings > Touch > Profile 3).',
    tags: ['hmi', 'hardware'],
    type: 'problem',
  },
  {
    subject: 'How to set the encoder resolution on the DRV-10',
    description: 'Which DIP switches set a 500 PPR encoder on the DRV-10 stepper driver?',
    reply: 'Switches 4 and 6 on, the rest off. Page 12 of the manual has the full table.',
    tags: ['drivers', 'how-to'],
    type: 'question',
  },
  {
    subject: 'RMA request: gearbox damaged on arrival',
    description: 'One planetary gearbox arrived with a cracked housing. We need a replacement.',
    reply: 'RMA opened; a replacement gearbox ships with the next delivery.',
    tags: ['rma', 'returns'],
    type: 'task',
  },
  {
    subject: 'Scheduling a commissioning and training day',
    description: 'We would like to book a commissioning and training day for the new line next month.',
    reply: 'Lucas can come on site; please pick one of the proposed dates.',
    tags: ['training', 'services'],
    type: 'task',
  },
  {
    subject: 'Safety relay SR-24 certification documents',
    description: 'Please send the SIL 3 certificate and declaration of conformity for the SR-24.',
    reply: 'Both documents are attached.',
    tags: ['documentation', 'safety'],
    type: 'question',
  },
];

interface TicketDraft {
  customer: CustomerDraft;
  requester: Person;
  template: TicketTemplate;
  orderName: string | null;
  createdAt: Instant;
  status: ZendeskTicketStatus;
  priority: ZendeskTicketPriority;
  extraTags: string[];
}

function staffByRole(seller: SellerCompany, role: StaffMember['role']): StaffMember[] {
  return seller.staff.filter((member) => member.role === role);
}

function staffMember(seller: SellerCompany, key: string): StaffMember {
  const member = seller.staff.find((candidate) => candidate.key === key);
  if (member === undefined) throw new Error(`No staff member "${key}"`);
  return member;
}

function statusFor(rng: Rng, createdDay: DayOffset): ZendeskTicketStatus {
  if (createdDay < -60) {
    return rng.weighted([
      ['closed', 7],
      ['solved', 3],
    ]);
  }
  if (createdDay < -14) {
    return rng.weighted([
      ['solved', 60],
      ['pending', 15],
      ['open', 15],
      ['hold', 10],
    ]);
  }
  return rng.weighted([
    ['new', 25],
    ['open', 45],
    ['pending', 20],
    ['solved', 10],
  ]);
}

function fill(text: string, orderName: string | null): string {
  return text.replaceAll('{order}', orderName ?? 'our last order');
}

const URGENT_PRODUCTION_DOWN: TicketTemplate = {
  subject: 'Production line down: servo SM-400 fault E17 on line 4',
  description:
    'Line 4 stopped at 06:10. Three SM-400 servos show fault E17 and the line cannot restart. We are losing production every hour.',
  reply: 'Escalated to field service. Lucas is on his way with replacement drives; ETA tomorrow morning.',
  tags: ['production_down', 'servo', 'escalated'],
  type: 'incident',
};

const URGENT_GENERIC: TicketTemplate = {
  subject: 'Urgent: PLC MP-220 failure stops packaging line',
  description:
    'Our MP-220 controller failed overnight and the packaging line is stopped. We need a replacement now.',
  reply: 'The MP-220 is out of stock; we are sending a loaner CP-100 with a converted program today.',
  tags: ['plc', 'production_down', 'escalated'],
  type: 'incident',
};

function ticketDrafts(drafts: readonly CustomerDraft[], odoo: OdooData, rng: Rng): TicketDraft[] {
  const tickets: TicketDraft[] = [];
  const urgentGenericCustomers = new Set(
    drafts
      .filter((draft) => draft.plan.hero === null && draft.customer.tier === 'key')
      .slice(0, 2)
      .map((draft) => draft.customer.key),
  );
  for (const draft of drafts) {
    const { customer, plan } = draft;
    if (!plan.zendesk) continue;
    const requesters = customer.people.filter((person) => person.active);
    if (requesters.length === 0) continue;
    const orderNames = odoo.saleOrders
      .filter((order) => order.customerKey === customer.key && order.state === 'sale')
      .map((order) => order.name);
    const add = (template: TicketTemplate, createdDay: DayOffset, overrides: Partial<TicketDraft> = {}) => {
      tickets.push({
        customer: draft,
        requester: rng.pick(requesters),
        template,
        orderName: orderNames.length > 0 ? rng.pick(orderNames) : null,
        createdAt: instantAt(rng, createdDay),
        status: statusFor(rng, createdDay),
        priority: rng.weighted([
          ['low', 20],
          ['normal', 55],
          ['high', 20],
          ['urgent', 5],
        ]),
        extraTags: [],
        ...overrides,
      });
    };

    if (plan.hero === HERO.everywhere) {
      const maya = customer.people[0];
      add(URGENT_PRODUCTION_DOWN, -2, {
        status: 'open',
        priority: 'urgent',
        ...(maya === undefined ? {} : { requester: maya }),
      });
      add(TICKET_TEMPLATES[4] ?? URGENT_GENERIC, -20, { status: 'pending', priority: 'high' });
      add(TICKET_TEMPLATES[0] ?? URGENT_GENERIC, -150, { status: 'closed', priority: 'normal' });
      add(TICKET_TEMPLATES[8] ?? URGENT_GENERIC, -95, { status: 'solved', priority: 'low' });
      continue;
    }
    if (plan.hero === HERO.healthy) {
      add(TICKET_TEMPLATES[6] ?? URGENT_GENERIC, -7, { status: 'open', priority: 'normal' });
      add(TICKET_TEMPLATES[2] ?? URGENT_GENERIC, -70, { status: 'closed', priority: 'low' });
      add(TICKET_TEMPLATES[8] ?? URGENT_GENERIC, -40, { status: 'solved', priority: 'normal' });
      continue;
    }
    if (plan.hero === HERO.freeMail) {
      add(TICKET_TEMPLATES[4] ?? URGENT_GENERIC, -9, { status: 'open', priority: 'normal' });
      continue;
    }
    if (plan.hero === HERO.crmConflict) {
      add(TICKET_TEMPLATES[3] ?? URGENT_GENERIC, -16, { status: 'pending', priority: 'normal' });
      add(TICKET_TEMPLATES[7] ?? URGENT_GENERIC, -120, { status: 'closed', priority: 'normal' });
      continue;
    }
    if (urgentGenericCustomers.has(customer.key)) {
      add(URGENT_GENERIC, -rng.int(1, 4), { status: 'open', priority: 'urgent' });
    }
    const count = customer.tier === 'key' ? rng.int(3, 7) : rng.int(0, 4);
    for (let index = 0; index < count; index += 1) {
      add(rng.pick(TICKET_TEMPLATES), rng.int(-400, -1));
    }
  }
  return tickets;
}

export function buildZendesk(
  drafts: readonly CustomerDraft[],
  seller: SellerCompany,
  odoo: OdooData,
  rng: Rng,
  ids: IdFactory,
): ZendeskData {
  const data: ZendeskData = { subdomain: 'northwind', organizations: [], users: [], tickets: [] };
  const userStart = rng.int(360_000_000_000, 399_000_000_000);
  const organizationStart = rng.int(360_000_000_000, 399_000_000_000);
  const nextUserId = () => ids.numeric('zendesk:user', userStart, 90_000_000);

  for (const member of seller.staff) {
    if (member.role !== 'support' && member.role !== 'management') continue;
    const id = nextUserId();
    member.ids.zendeskUserId = id;
    data.users.push({
      id,
      customerKey: null,
      personKey: null,
      staffKey: member.key,
      name: `${member.firstName} ${member.lastName}`,
      email: member.email,
      phone: null,
      role: member.role === 'management' ? 'admin' : 'agent',
      organizationId: null,
      createdAt: instantAt(rng, rng.int(-1800, -1400)),
    });
  }

  for (const draft of drafts) {
    const { customer, plan } = draft;
    if (!plan.zendesk) continue;
    const organizationId = ids.numeric('zendesk:organization', organizationStart, 90_000_000);
    customer.presence.zendesk = { organizationId };
    const createdAt = instantAt(rng, rng.int(-1200, -420));
    data.organizations.push({
      id: organizationId,
      customerKey: customer.key,
      name: customer.name,
      domainNames: [customer.domain],
      // The Salesforce integration stamps the account id; HubSpot-only customers have none.
      externalId: customer.presence.salesforce?.accountId ?? null,
      tags:
        customer.tier === 'key'
          ? ['key_account', slugify(customer.industry, '_')]
          : [slugify(customer.industry, '_')],
      createdAt,
    });
    for (const person of customer.people) {
      const id = nextUserId();
      person.ids.zendeskUserId = id;
      data.users.push({
        id,
        customerKey: customer.key,
        personKey: person.key,
        staffKey: null,
        name: `${person.firstName} ${person.lastName}`,
        email: person.email,
        phone: person.phone,
        role: 'end-user',
        // Domain mapping misses free-mail users, so an agent set their organization by hand.
        organizationId,
        createdAt: instantAt(rng, createdAt.day + rng.int(0, 300)),
      });
    }
  }

  const agents = staffByRole(seller, 'support');
  const ticketStart = rng.int(1_000, 4_000);
  const commentStart = rng.int(20_000_000_000, 29_000_000_000);
  const sorted = ticketDrafts(drafts, odoo, rng).sort(
    (left, right) =>
      left.createdAt.day - right.createdAt.day || left.createdAt.minuteOfDay - right.createdAt.minuteOfDay,
  );
  for (const draft of sorted) {
    // Ticket ids are sequential per account; other accounts' tickets leave gaps.
    const id = ids.numeric('zendesk:ticket', ticketStart, 3);
    const organizationId = draft.customer.customer.presence.zendesk?.organizationId;
    const requesterId = draft.requester.ids.zendeskUserId;
    if (organizationId === undefined || requesterId === undefined) {
      throw new Error(`Ticket for ${draft.customer.customer.key} lacks a Zendesk organization or requester`);
    }
    const assignee = draft.status === 'new' ? null : rng.pick(agents);
    const assigneeId = assignee?.ids.zendeskUserId ?? null;
    const comments: ZendeskComment[] = [
      {
        id: ids.numeric('zendesk:comment', commentStart, 5_000_000),
        authorId: requesterId,
        body: fill(draft.template.description, draft.orderName),
        public: true,
        createdAt: draft.createdAt,
      },
    ];
    let updatedAt = draft.createdAt;
    if (assigneeId !== null) {
      updatedAt = {
        day: Math.min(-1, draft.createdAt.day + rng.int(0, 2)),
        minuteOfDay: rng.int(6 * 60, 20 * 60),
      };
      if (updatedAt.day === draft.createdAt.day && updatedAt.minuteOfDay <= draft.createdAt.minuteOfDay) {
        updatedAt = {
          day: draft.createdAt.day,
          minuteOfDay: Math.min(1439, draft.createdAt.minuteOfDay + 25),
        };
      }
      comments.push({
        id: ids.numeric('zendesk:comment', commentStart, 5_000_000),
        authorId: assigneeId,
        body: fill(draft.template.reply, draft.orderName),
        public: true,
        createdAt: updatedAt,
      });
    }
    const ticket: ZendeskTicket = {
      id,
      customerKey: draft.customer.customer.key,
      organizationId,
      requesterId,
      assigneeId,
      subject: fill(draft.template.subject, draft.orderName),
      description: fill(draft.template.description, draft.orderName),
      status: draft.status,
      priority: draft.priority,
      type: draft.template.type,
      tags: [...draft.template.tags, ...draft.extraTags],
      createdAt: draft.createdAt,
      updatedAt,
      comments,
    };
    data.tickets.push(ticket);
  }
  return data;
}

function compareInstants(left: Instant, right: Instant): number {
  return left.day - right.day || left.minuteOfDay - right.minuteOfDay;
}

function formatMoney(amount: number, currency: string): string {
  return `${currency} ${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function buildSlack(
  drafts: readonly CustomerDraft[],
  seller: SellerCompany,
  odoo: OdooData,
  zendesk: ZendeskData,
  rng: Rng,
  ids: IdFactory,
): SlackData {
  const data: SlackData = {
    teamId: ids.slack('T'),
    teamDomain: 'northwind-components',
    users: [],
    channels: [],
    messages: [],
  };

  for (const member of seller.staff) {
    const id = ids.slack('U');
    member.ids.slackUserId = id;
    data.users.push({
      id,
      customerKey: null,
      personKey: null,
      staffKey: member.key,
      name: `${slugify(member.firstName, '')}.${slugify(member.lastName, '')}`,
      realName: `${member.firstName} ${member.lastName}`,
      email: member.email,
      title: member.title,
      isBot: false,
    });
  }
  const zendeskBot: SlackUser = {
    id: ids.slack('U'),
    customerKey: null,
    personKey: null,
    staffKey: null,
    name: 'zendesk',
    realName: 'Zendesk',
    email: `zendesk-bot@${seller.domain}`,
    title: '',
    isBot: true,
  };
  data.users.push(zendeskBot);

  const slackIdOf = (key: string) => staffMember(seller, key).ids.slackUserId;
  const allStaffIds = seller.staff.map((member) => member.ids.slackUserId);
  const supportLead = slackIdOf('tom-okafor');
  const finance = slackIdOf('nina-berg');

  const channel = (spec: Omit<SlackChannel, 'id'>): SlackChannel => {
    const created: SlackChannel = { id: ids.slack('C'), ...spec };
    data.channels.push(created);
    return created;
  };
  const general = channel({
    name: 'general',
    customerKey: null,
    isPrivate: false,
    isShared: false,
    purpose: 'Company-wide announcements',
    creatorId: slackIdOf('hannah-vogel'),
    memberIds: [...allStaffIds, zendeskBot.id],
    createdAt: { day: -1900, minuteOfDay: 540 },
  });
  const escalations = channel({
    name: 'support-escalations',
    customerKey: null,
    isPrivate: false,
    isShared: false,
    purpose: 'Urgent tickets, overdue accounts and anything a customer is waiting on',
    creatorId: supportLead,
    memberIds: [...allStaffIds, zendeskBot.id],
    createdAt: { day: -1400, minuteOfDay: 600 },
  });

  const later = (instant: Instant, minutes: number): Instant => {
    const total = instant.minuteOfDay + minutes;
    return { day: instant.day + Math.floor(total / 1440), minuteOfDay: total % 1440 };
  };
  // Unique (channel, minute) per message, so that emulators can derive unique `ts` values.
  const usedMinutes = new Set<string>();
  let messageNumber = 0;
  const post = (
    target: SlackChannel,
    userId: string,
    text: string,
    postedAt: Instant,
    mentionsCustomerKeys: string[],
    threadRootKey?: string,
  ): SlackMessage => {
    const root =
      threadRootKey === undefined
        ? undefined
        : data.messages.find((message) => message.key === threadRootKey);
    let moment =
      root !== undefined && compareInstants(postedAt, root.postedAt) <= 0
        ? later(root.postedAt, 1)
        : postedAt;
    while (usedMinutes.has(`${target.id}:${moment.day}:${moment.minuteOfDay}`)) {
      moment =
        moment.minuteOfDay < 1439
          ? { ...moment, minuteOfDay: moment.minuteOfDay + 1 }
          : { day: moment.day + 1, minuteOfDay: 0 };
    }
    usedMinutes.add(`${target.id}:${moment.day}:${moment.minuteOfDay}`);
    messageNumber += 1;
    const message: SlackMessage = {
      key: `m${String(messageNumber).padStart(4, '0')}`,
      channelId: target.id,
      userId,
      text,
      postedAt: moment,
      mentionsCustomerKeys,
      ...(threadRootKey === undefined ? {} : { threadRootKey }),
    };
    data.messages.push(message);
    return message;
  };

  post(
    general,
    slackIdOf('hannah-vogel'),
    'Welcome to the new quarter, everyone. Targets are in the sales deck.',
    { day: -60, minuteOfDay: 480 },
    [],
  );
  post(
    general,
    slackIdOf('nina-berg'),
    'Reminder: month-end close on Friday, please submit expenses.',
    { day: -12, minuteOfDay: 510 },
    [],
  );

  // Escalation threads for urgent open tickets.
  const openUrgent = zendesk.tickets.filter(
    (ticket) => ticket.priority === 'urgent' && ticket.status !== 'solved' && ticket.status !== 'closed',
  );
  for (const ticket of openUrgent) {
    const draft = drafts.find((candidate) => candidate.customer.key === ticket.customerKey);
    if (draft === undefined) continue;
    const owner = staffMember(seller, draft.ownerKey);
    const rootAt = later(ticket.createdAt, 10);
    const root = post(
      escalations,
      zendeskBot.id,
      `:rotating_light: Urgent ticket #${ticket.id} from ${draft.customer.name}: "${ticket.subject}"`,
      rootAt,
      [draft.customer.key],
    );
    post(
      escalations,
      supportLead,
      `On it. <@${owner.ids.slackUserId}> FYI, ${draft.customer.name} is a customer of yours.`,
      later(rootAt, 6),
      [draft.customer.key],
      root.key,
    );
    post(
      escalations,
      owner.ids.slackUserId,
      `Thanks Tom, I'll call them today and keep them posted.`,
      later(rootAt, 19),
      [],
      root.key,
    );
  }

  // Finance flags the hero's overdue invoice; sales asks what to do about the new quote.
  const everywhere = drafts.find((draft) => draft.plan.hero === HERO.everywhere);
  const overdue = odoo.invoices.find(
    (invoice) =>
      invoice.customerKey === HERO.everywhere &&
      invoice.state === 'posted' &&
      invoice.paymentState === 'not_paid' &&
      invoice.invoiceDateDue < -30,
  );
  if (everywhere !== undefined && overdue !== undefined) {
    const owner = staffMember(seller, everywhere.ownerKey);
    const root = post(
      escalations,
      finance,
      `Heads-up: ${everywhere.customer.name} has an invoice for ${overdue.invoiceOrigin ?? 'an order'} that is ${-overdue.invoiceDateDue} days overdue (${formatMoney(overdue.amountResidual, overdue.currencyId === 2 ? 'USD' : 'EUR')}). Can we hold the new quote until it is paid?`,
      { day: -3, minuteOfDay: 560 },
      [HERO.everywhere],
    );
    post(
      escalations,
      owner.ids.slackUserId,
      'Their line is down right now, let us not chase them this week. I will raise it on Friday.',
      { day: -3, minuteOfDay: 600 },
      [],
      root.key,
    );
  }

  const conflict = drafts.find((draft) => draft.plan.hero === HERO.crmConflict);
  if (conflict !== undefined) {
    const root = post(
      escalations,
      slackIdOf('aiko-tanaka'),
      `Which phone number is right for ${conflict.customer.name}? Salesforce and HubSpot disagree, and so do their employee counts.`,
      { day: -16, minuteOfDay: 700 },
      [HERO.crmConflict],
    );
    post(
      escalations,
      slackIdOf('elena-petrova'),
      'Salesforce is the one I maintain. HubSpot still has the old marketing import.',
      { day: -16, minuteOfDay: 742 },
      [],
      root.key,
    );
  }

  // Shared Slack Connect channels with key customers.
  for (const draft of drafts) {
    const { customer, plan } = draft;
    if (!plan.slack) continue;
    const owner = staffMember(seller, draft.ownerKey);
    const externals: SlackUser[] = customer.people
      .filter((person) => person.active)
      .slice(0, 2)
      .map((person) => {
        const user: SlackUser = {
          id: ids.slack('U'),
          customerKey: customer.key,
          personKey: person.key,
          staffKey: null,
          name: `${slugify(person.firstName, '')}.${slugify(person.lastName, '')}`,
          realName: `${person.firstName} ${person.lastName}`,
          email: person.email,
          title: person.title,
          isBot: false,
        };
        person.ids.slackUserId = user.id;
        data.users.push(user);
        return user;
      });
    const shared = channel({
      name: `ext-${customer.key}`,
      customerKey: customer.key,
      isPrivate: false,
      isShared: true,
      purpose: `Shared channel between ${customer.name} and Northwind Components`,
      creatorId: owner.ids.slackUserId,
      memberIds: [owner.ids.slackUserId, supportLead, ...externals.map((user) => user.id)],
      createdAt: instantAt(rng, rng.int(-700, -200)),
    });
    customer.presence.slack = { channelId: shared.id };
    const contact = externals[0];
    if (contact === undefined) continue;

    if (plan.hero === HERO.everywhere) {
      const root = post(
        shared,
        contact.id,
        'Line 4 is down again with E17 on three servos. Any news on the replacement drives?',
        { day: -1, minuteOfDay: 420 },
        [customer.key],
      );
      post(
        shared,
        supportLead,
        'Lucas is on his way with three SM-400 drives, he will be on site tomorrow at 8:00.',
        { day: -1, minuteOfDay: 445 },
        [],
        root.key,
      );
      post(
        shared,
        owner.ids.slackUserId,
        'Maya, I will also send the revised quote for line 4 automation this week.',
        { day: -4, minuteOfDay: 600 },
        [customer.key],
      );
      continue;
    }
    if (plan.hero === HERO.healthy) {
      post(
        shared,
        contact.id,
        'The CP-100 retrofit on our test bench went smoothly, thanks for the quick support!',
        { day: -6, minuteOfDay: 540 },
        [customer.key],
      );
      post(
        shared,
        owner.ids.slackUserId,
        'Great to hear. The phase 2 proposal is in your inbox.',
        { day: -6, minuteOfDay: 600 },
        [customer.key],
      );
      continue;
    }
    const topics = [
      `Hi team, what is the current lead time for the ${rng.pick(odoo.products).name}?`,
      'Could you send us the updated price list for next year?',
      'Our maintenance window moved to next week, can we shift the delivery?',
      'Thanks for the quick turnaround on the last order!',
    ];
    const count = rng.int(2, 4);
    for (let index = 0; index < count; index += 1) {
      const askedAt = instantAt(rng, rng.int(-120, -1));
      const root = post(shared, contact.id, topics[index % topics.length] ?? 'Hello!', askedAt, [
        customer.key,
      ]);
      post(
        shared,
        owner.ids.slackUserId,
        'Thanks, I will check and come back to you today.',
        later(askedAt, rng.int(5, 90)),
        [],
        root.key,
      );
    }
  }

  data.messages.sort(
    (left, right) =>
      left.postedAt.day - right.postedAt.day ||
      left.postedAt.minuteOfDay - right.postedAt.minuteOfDay ||
      left.key.localeCompare(right.key),
  );
  return data;
}
