import type { CustomerDraft } from './customers.js';
import { HERO } from './heroes.js';
import type { IdFactory } from './ids.js';
import { countryProfile, industryProfile } from './names.js';
import type { Rng } from './random.js';
import type {
  CurrencyCode,
  DayOffset,
  HubSpotCompany,
  HubSpotContact,
  HubSpotData,
  HubSpotDeal,
  Instant,
  SalesforceData,
  SalesforceOpportunity,
  StaffMember,
} from './types.js';

/** Salesforce's default opportunity stages with their default probabilities. */
const SALESFORCE_OPEN_STAGES: readonly (readonly [string, number])[] = [
  ['Prospecting', 10],
  ['Qualification', 10],
  ['Needs Analysis', 20],
  ['Value Proposition', 50],
  ['Id. Decision Makers', 60],
  ['Perception Analysis', 70],
  ['Proposal/Price Quote', 75],
  ['Negotiation/Review', 90],
];

/** HubSpot's default sales pipeline stage ids. */
const HUBSPOT_OPEN_STAGES: readonly string[] = [
  'appointmentscheduled',
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'contractsent',
];

const DEAL_TOPICS: readonly string[] = [
  'Line automation retrofit',
  'PLC migration',
  'Sensor refresh',
  'Annual support plan',
  'HMI upgrade',
  'Spare parts framework agreement',
  'Motion control pilot',
  'Second site expansion',
  'Conveyor drive replacement',
  'Safety relay upgrade',
];

export function instantAt(rng: Rng, day: DayOffset): Instant {
  // Business hours in Central European time, stored as UTC.
  return { day, minuteOfDay: rng.int(6 * 60, 16 * 60) };
}

function shortName(name: string): string {
  return name.split(' ').slice(0, 2).join(' ');
}

interface DealPlan {
  topic: string;
  amount: number;
  outcome: 'open' | 'won' | 'lost';
  closeDate: DayOffset;
  /** 0..1: how far along an open deal is. */
  progress: number;
}

/**
 * A deal's stage in a pipeline: the pipeline's won or lost stage once the deal is closed, else the
 * open stage its progress has reached.
 */
function dealStage<Stage>(
  deal: DealPlan,
  openStages: readonly Stage[],
  closed: { won: Stage; lost: Stage },
): Stage {
  if (deal.outcome !== 'open') return closed[deal.outcome];
  const stage = openStages[Math.min(openStages.length - 1, Math.floor(deal.progress * openStages.length))];
  if (stage === undefined) throw new Error('A pipeline needs at least one open stage');
  return stage;
}

/** Deals are created some weeks before they close (or before today, for deals still open). */
function dealCreatedAt(deal: DealPlan, rng: Rng): Instant {
  return instantAt(rng, Math.min(deal.closeDate, 0) - rng.int(20, 120));
}

/** Deal outcomes for one customer; heroes get hand-written pipelines. */
function dealPlans(draft: CustomerDraft, rng: Rng): DealPlan[] {
  const { customer, plan } = draft;
  if (plan.hero === HERO.everywhere) {
    return [
      { topic: 'Line 4 automation', amount: 120_000, outcome: 'open', closeDate: 30, progress: 0.5 },
      { topic: 'Servo fleet replacement', amount: 86_500, outcome: 'won', closeDate: -160, progress: 1 },
      {
        topic: 'Spare parts framework agreement',
        amount: 24_000,
        outcome: 'won',
        closeDate: -340,
        progress: 1,
      },
    ];
  }
  if (plan.hero === HERO.healthy) {
    return [
      { topic: 'PLC retrofit phase 2', amount: 84_000, outcome: 'open', closeDate: 21, progress: 0.9 },
      { topic: 'HMI expansion', amount: 36_500, outcome: 'open', closeDate: 45, progress: 0.7 },
      { topic: 'PLC retrofit phase 1', amount: 72_000, outcome: 'won', closeDate: -120, progress: 1 },
    ];
  }
  const size = Math.min(400_000, Math.max(5_000, customer.employees * 40));
  const amount = () => Math.max(2_500, Math.round((size * (0.5 + rng.next())) / 500) * 500);
  const topics = rng.shuffle(DEAL_TOPICS);
  const nextTopic = () => topics.pop() ?? 'Follow-up order';
  const deals: DealPlan[] = [];
  const archived = !customer.active;
  const won = archived ? 1 : plan.odoo ? rng.int(1, 3) : 0;
  const lost = rng.int(0, 1);
  const open = archived ? 0 : plan.odoo ? rng.int(0, 2) : rng.int(1, 2);
  for (let index = 0; index < won; index += 1) {
    deals.push({
      topic: nextTopic(),
      amount: amount(),
      outcome: 'won',
      closeDate: archived ? rng.int(-800, -500) : rng.int(-700, -10),
      progress: 1,
    });
  }
  for (let index = 0; index < lost; index += 1) {
    deals.push({
      topic: nextTopic(),
      amount: amount(),
      outcome: 'lost',
      closeDate: rng.int(-500, -5),
      progress: 0,
    });
  }
  for (let index = 0; index < open; index += 1) {
    // Some open deals are stale: their close date already passed.
    const closeDate = rng.chance(0.12) ? rng.int(-25, -1) : rng.int(7, 150);
    deals.push({ topic: nextTopic(), amount: amount(), outcome: 'open', closeDate, progress: rng.next() });
  }
  return deals;
}

function ownerOf(staff: readonly StaffMember[], key: string): StaffMember {
  const member = staff.find((candidate) => candidate.key === key);
  if (member === undefined) throw new Error(`No staff member "${key}"`);
  return member;
}

export function buildSalesforce(
  drafts: readonly CustomerDraft[],
  staff: readonly StaffMember[],
  rng: Rng,
  ids: IdFactory,
): SalesforceData {
  const data: SalesforceData = {
    organizationId: ids.salesforce('00D'),
    accounts: [],
    contacts: [],
    opportunities: [],
  };
  for (const draft of drafts) {
    const { customer, plan } = draft;
    if (plan.crm !== 'salesforce' && plan.crm !== 'both') continue;
    const owner = ownerOf(staff, draft.ownerKey);
    const accountCreated = instantAt(rng, rng.int(-1500, -400));
    const accountId = ids.salesforce('001');
    customer.presence.salesforce = { accountId };
    data.accounts.push({
      id: accountId,
      customerKey: customer.key,
      name: customer.name,
      website: `https://www.${customer.domain}`,
      industry: industryProfile(customer.industry).salesforce,
      numberOfEmployees: customer.employees,
      annualRevenue: customer.annualRevenue,
      phone: customer.phone,
      billingCity: customer.city,
      billingCountry: countryProfile(customer.country).name,
      ownerId: owner.ids.salesforceUserId,
      createdDate: accountCreated,
    });
    for (const person of customer.people) {
      const contactId = ids.salesforce('003');
      person.ids.salesforceContactId = contactId;
      data.contacts.push({
        id: contactId,
        customerKey: customer.key,
        personKey: person.key,
        accountId,
        firstName: person.firstName,
        lastName: person.lastName,
        email: person.email,
        title: person.title,
        phone: person.phone,
        ownerId: owner.ids.salesforceUserId,
        createdDate: instantAt(rng, accountCreated.day + rng.int(1, 300)),
      });
    }
    for (const deal of dealPlans(draft, rng)) {
      data.opportunities.push(salesforceOpportunity(deal, draft, accountId, owner, rng, ids));
    }
  }
  return data;
}

function salesforceOpportunity(
  deal: DealPlan,
  draft: CustomerDraft,
  accountId: string,
  owner: StaffMember,
  rng: Rng,
  ids: IdFactory,
): SalesforceOpportunity {
  const [stageName, probability] = dealStage(deal, SALESFORCE_OPEN_STAGES, {
    won: ['Closed Won', 100],
    lost: ['Closed Lost', 0],
  });
  return {
    id: ids.salesforce('006'),
    customerKey: draft.customer.key,
    accountId,
    name: `${shortName(draft.customer.name)} – ${deal.topic}`,
    amount: deal.amount,
    currency: draft.customer.currency,
    stageName,
    probability,
    closeDate: deal.closeDate,
    isClosed: deal.outcome !== 'open',
    isWon: deal.outcome === 'won',
    ownerId: owner.ids.salesforceUserId,
    createdDate: dealCreatedAt(deal, rng),
  };
}

export function buildHubSpot(
  drafts: readonly CustomerDraft[],
  staff: readonly StaffMember[],
  rng: Rng,
  ids: IdFactory,
): HubSpotData {
  const data: HubSpotData = {
    portalId: rng.int(20_000_000, 49_999_999),
    companies: [],
    contacts: [],
    deals: [],
  };
  const companyStart = rng.int(9_000_000_000, 9_900_000_000);
  const contactStart = rng.int(100_000, 900_000);
  const dealStart = rng.int(14_000_000_000, 19_000_000_000);
  for (const draft of drafts) {
    const { customer, plan } = draft;
    if (plan.crm !== 'hubspot' && plan.crm !== 'both') continue;
    const owner = ownerOf(staff, draft.ownerKey);
    const variant = draft.hubspotVariant;
    const companyId = String(ids.numeric('hubspot:company', companyStart, 60_000));
    customer.presence.hubspot = { companyId };
    const createdAt = instantAt(rng, rng.int(-1200, -300));
    const acquired = plan.crm === 'hubspot';
    const company: HubSpotCompany = {
      id: companyId,
      customerKey: customer.key,
      name: variant?.name ?? customer.name,
      domain: customer.domain,
      industry: variant?.industry ?? industryProfile(customer.industry).hubspot,
      numberOfEmployees: variant?.employees ?? customer.employees,
      annualRevenue: customer.annualRevenue,
      phone: variant?.phone ?? customer.phone,
      city: customer.city,
      country: countryProfile(customer.country).name,
      lifecycleStage: plan.odoo ? 'customer' : 'opportunity',
      ownerId: owner.ids.hubspotOwnerId,
      sourceNote: acquired
        ? 'Imported from the Polar Parts CRM after the 2023 acquisition'
        : 'Created by marketing (webinar sign-up)',
      createdAt,
    };
    data.companies.push(company);

    const contactIds: string[] = [];
    for (const person of customer.people) {
      // People who left are not re-imported into HubSpot.
      if (!person.active && !acquired) continue;
      const contactId = String(ids.numeric('hubspot:contact', contactStart, 2_500));
      person.ids.hubspotContactId = contactId;
      contactIds.push(contactId);
      const contact: HubSpotContact = {
        id: contactId,
        customerKey: customer.key,
        personKey: person.key,
        companyId,
        firstName: person.firstName,
        lastName: person.lastName,
        email: person.email,
        jobTitle: person.title,
        // Marketing typed the switchboard number instead of direct lines on conflicting records.
        phone: variant?.phone ?? person.phone,
        ownerId: owner.ids.hubspotOwnerId,
        createdAt: instantAt(rng, createdAt.day + rng.int(0, 200)),
      };
      data.contacts.push(contact);
    }

    const deals = hubspotDealPlans(draft, rng);
    for (const deal of deals) {
      data.deals.push(
        hubspotDeal(
          deal,
          draft.customer.key,
          customer.currency,
          companyId,
          contactIds,
          owner,
          rng,
          ids,
          dealStart,
        ),
      );
    }
  }
  return data;
}

function hubspotDealPlans(draft: CustomerDraft, rng: Rng): DealPlan[] {
  const { plan } = draft;
  if (plan.hero === HERO.everywhere) {
    return [
      { topic: 'Webinar follow-up: sensor kits', amount: 9_800, outcome: 'won', closeDate: -95, progress: 1 },
    ];
  }
  if (plan.hero === HERO.crmConflict) {
    // The same opportunity typed twice, with a different amount: a conflict for customer 360.
    return [
      { topic: 'Fleet telematics sensors', amount: 52_000, outcome: 'open', closeDate: 38, progress: 0.6 },
    ];
  }
  if (plan.hero === HERO.hubspotAndOdooOnly) {
    return [
      { topic: 'Winter line motion sensors', amount: 18_400, outcome: 'open', closeDate: 26, progress: 0.8 },
      { topic: 'Test rig automation', amount: 41_000, outcome: 'won', closeDate: -210, progress: 1 },
    ];
  }
  if (plan.crm === 'both') {
    return rng.chance(0.5) ? dealPlans(draft, rng).slice(0, 1) : [];
  }
  return dealPlans(draft, rng);
}

function hubspotDeal(
  deal: DealPlan,
  customerKey: string,
  currency: CurrencyCode,
  companyId: string,
  contactIds: readonly string[],
  owner: StaffMember,
  rng: Rng,
  ids: IdFactory,
  dealStart: number,
): HubSpotDeal {
  const stage = dealStage(deal, HUBSPOT_OPEN_STAGES, { won: 'closedwon', lost: 'closedlost' });
  const firstContact = contactIds[0];
  return {
    id: String(ids.numeric('hubspot:deal', dealStart, 3_000_000)),
    customerKey,
    companyId,
    contactIds: firstContact === undefined ? [] : [firstContact],
    name: deal.topic,
    amount: deal.amount,
    currency,
    pipeline: 'default',
    stage,
    closeDate: deal.closeDate,
    ownerId: owner.ids.hubspotOwnerId,
    createdAt: dealCreatedAt(deal, rng),
  };
}
