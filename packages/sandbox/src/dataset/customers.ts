import { DEFAULT_IDENTITY } from '@switchboard/kit';
import { HERO, type HeroKey } from './heroes.js';
import {
  COUNTRIES,
  type CountryProfile,
  FIRST_NAMES,
  INDUSTRIES,
  JOB_TITLES,
  LAST_NAMES,
  NAME_STEMS,
  slugify,
} from './names.js';
import type { Rng } from './random.js';
import type { Customer, Person, SellerCompany, StaffMember } from './types.js';

export type CrmPresence = 'salesforce' | 'hubspot' | 'both' | 'none';

/** How a customer is spread over the systems; drives every per-system generator. */
export interface CustomerPlan {
  crm: CrmPresence;
  /** In both CRMs with a differently spelled name, employees, industry and phone in HubSpot. */
  crmConflict: boolean;
  odoo: boolean;
  zendesk: boolean;
  slack: boolean;
  /** Pays late: some posted invoices stay open past their due date. */
  latePayer: boolean;
  /** Payment terms in days. */
  paymentTermDays: number;
  hero: HeroKey | null;
}

export interface CustomerDraft {
  customer: Customer;
  plan: CustomerPlan;
  /** Staff key of the account owner (Salesforce owner, HubSpot owner, Odoo salesperson). */
  ownerKey: string;
  /** What HubSpot holds instead when the CRMs conflict; `industry` is a HubSpot enumeration value. */
  hubspotVariant: { name: string; employees: number; industry: string; phone: string } | null;
}

export const GENERATED_CUSTOMER_COUNT = 55;

interface StaffProfile {
  key: string;
  firstName: string;
  lastName: string;
  role: StaffMember['role'];
  title: string;
  odooUser: boolean;
  zendeskAgent: boolean;
}

export const SELLER_DOMAIN = 'northwind-components.com';

const STAFF_PROFILES: readonly StaffProfile[] = [
  {
    key: 'hannah-vogel',
    firstName: 'Hannah',
    lastName: 'Vogel',
    role: 'management',
    title: 'Managing Director',
    odooUser: true,
    zendeskAgent: true,
  },
  {
    key: 'elena-petrova',
    firstName: 'Elena',
    lastName: 'Petrova',
    role: 'sales',
    title: 'Account Executive, Northern Europe',
    odooUser: true,
    zendeskAgent: false,
  },
  {
    key: 'marcus-brandt',
    firstName: 'Marcus',
    lastName: 'Brandt',
    role: 'sales',
    title: 'Account Executive, Southern Europe & Americas',
    odooUser: true,
    zendeskAgent: false,
  },
  {
    key: 'sofia-marin',
    firstName: 'Sofia',
    lastName: 'Marin',
    role: 'sales',
    title: 'Account Manager (ex Polar Parts)',
    odooUser: true,
    zendeskAgent: false,
  },
  {
    key: 'nina-berg',
    firstName: 'Nina',
    lastName: 'Berg',
    role: 'finance',
    title: 'Head of Finance',
    odooUser: true,
    zendeskAgent: false,
  },
  {
    key: 'tom-okafor',
    firstName: 'Tom',
    lastName: 'Okafor',
    role: 'support',
    title: 'Support Lead',
    odooUser: false,
    zendeskAgent: true,
  },
  {
    key: 'aiko-tanaka',
    firstName: 'Aiko',
    lastName: 'Tanaka',
    role: 'support',
    title: 'Support Engineer',
    odooUser: false,
    zendeskAgent: true,
  },
  {
    key: 'lucas-ferreira',
    firstName: 'Lucas',
    lastName: 'Ferreira',
    role: 'support',
    title: 'Field Service Engineer',
    odooUser: false,
    zendeskAgent: true,
  },
];

/** Staff with their per-system ids left empty; generateDataset fills them in. */
export function buildSeller(): SellerCompany {
  return {
    name: 'Northwind Components GmbH',
    domain: SELLER_DOMAIN,
    currency: 'EUR',
    country: 'DE',
    city: 'Hamburg',
    staff: STAFF_PROFILES.map((profile) => ({
      key: profile.key,
      firstName: profile.firstName,
      lastName: profile.lastName,
      email: `${slugify(profile.firstName)}.${slugify(profile.lastName)}@${SELLER_DOMAIN}`,
      role: profile.role,
      title: profile.title,
      ids: {
        salesforceUserId: '',
        hubspotOwnerId: '',
        odooUserId: null,
        zendeskUserId: null,
        slackUserId: '',
      },
    })),
  };
}

const NORTHERN_TERRITORY = new Set(['DE', 'AT', 'CH', 'PL', 'NL', 'BE', 'DK', 'SE', 'NO']);

function territoryOwner(country: string, crm: CrmPresence): string {
  if (crm === 'hubspot') return 'sofia-marin';
  return NORTHERN_TERRITORY.has(country) ? 'elena-petrova' : 'marcus-brandt';
}

type HeroPersonSpec = Pick<Person, 'firstName' | 'lastName' | 'email' | 'title' | 'phone'>;

/** A hero customer as written by hand: the customer's own fields; the rest is derived. */
interface HeroSpec
  extends Pick<
    Customer,
    'name' | 'domain' | 'industry' | 'country' | 'city' | 'employees' | 'annualRevenue' | 'phone' | 'tier'
  > {
  key: HeroKey;
  plan: Omit<CustomerPlan, 'hero'>;
  people: HeroPersonSpec[];
  hubspotVariant: CustomerDraft['hubspotVariant'];
}

/** Most heroes are in Odoo and Zendesk, not in Slack, and pay on time at 30 days: a spec says what differs. */
function heroPlan(
  plan: Pick<CustomerPlan, 'crm'> & Partial<Omit<CustomerPlan, 'hero'>>,
): Omit<CustomerPlan, 'hero'> {
  return {
    crmConflict: false,
    odoo: true,
    zendesk: true,
    slack: false,
    latePayer: false,
    paymentTermDays: 30,
    ...plan,
  };
}

const HERO_SPECS: readonly HeroSpec[] = [
  {
    key: HERO.everywhere,
    name: 'Helix Robotics AB',
    domain: 'helix-robotics.com',
    industry: 'Manufacturing',
    country: 'SE',
    city: 'Gothenburg',
    employees: 1400,
    annualRevenue: 310_000_000,
    phone: '+46 31 555 01 42',
    tier: 'key',
    plan: heroPlan({ crm: 'both', slack: true }),
    people: [
      {
        firstName: 'Maya',
        lastName: 'Lindqvist',
        email: 'maya.lindqvist@helix-robotics.com',
        title: 'Head of Operations',
        phone: '+46 31 555 01 43',
      },
      {
        firstName: 'Erik',
        lastName: 'Sandberg',
        email: 'erik.sandberg@helix-robotics.com',
        title: 'Procurement Manager',
        phone: '+46 31 555 01 44',
      },
      {
        firstName: 'Noor',
        lastName: 'Haddad',
        email: 'noor.haddad@helix-robotics.com',
        title: 'Maintenance Engineer',
        phone: '+46 31 555 01 45',
      },
      {
        firstName: 'Lars',
        lastName: 'Nyström',
        email: 'lars.nystrom@helix-robotics.com',
        title: 'CFO',
        phone: '+46 31 555 01 46',
      },
    ],
    hubspotVariant: null,
  },
  {
    key: HERO.crmConflict,
    name: 'Brightwater Logistics GmbH',
    domain: 'brightwater-logistics.de',
    industry: 'Logistics',
    country: 'DE',
    city: 'Bremen',
    employees: 850,
    annualRevenue: 140_000_000,
    phone: '+49 421 555 0187',
    tier: 'standard',
    plan: heroPlan({ crm: 'both', crmConflict: true }),
    people: [
      {
        firstName: 'Jonas',
        lastName: 'Weber',
        email: 'jonas.weber@brightwater-logistics.de',
        title: 'Head of Fleet Technology',
        phone: '+49 421 555 0188',
      },
      {
        firstName: 'Katrin',
        lastName: 'Albers',
        email: 'katrin.albers@brightwater-logistics.de',
        title: 'Purchasing Lead',
        phone: '+49 421 555 0189',
      },
    ],
    hubspotVariant: {
      name: 'BrightWater Logistics',
      employees: 1200,
      industry: 'WAREHOUSING',
      phone: '+49 421 555 0190',
    },
  },
  {
    key: HERO.healthy,
    name: 'Lumen Analytics B.V.',
    domain: 'lumen-analytics.io',
    industry: 'Software',
    country: 'NL',
    city: 'Amsterdam',
    employees: 320,
    annualRevenue: 48_000_000,
    phone: '+31 20 555 0311',
    tier: 'key',
    plan: heroPlan({ crm: 'salesforce', slack: true }),
    people: [
      {
        firstName: 'Priya',
        lastName: 'Raman',
        email: 'priya.raman@lumen-analytics.io',
        title: 'VP Engineering',
        phone: '+31 20 555 0312',
      },
      {
        firstName: 'Daan',
        lastName: 'de Vries',
        email: 'daan.devries@lumen-analytics.io',
        title: 'IT Procurement',
        phone: '+31 20 555 0313',
      },
      {
        firstName: 'Sophie',
        lastName: 'Bakker',
        email: 'sophie.bakker@lumen-analytics.io',
        title: 'Lab Manager',
        phone: '+31 20 555 0314',
      },
    ],
    hubspotVariant: null,
  },
  {
    key: HERO.hubspotAndOdooOnly,
    name: 'Fjord Outdoor AS',
    domain: 'fjordoutdoor.no',
    industry: 'Outdoor Equipment',
    country: 'NO',
    city: 'Bergen',
    employees: 210,
    annualRevenue: 32_000_000,
    phone: '+47 55 55 02 10',
    tier: 'standard',
    plan: heroPlan({ crm: 'hubspot', zendesk: false, paymentTermDays: 45 }),
    people: [
      {
        firstName: 'Ingrid',
        lastName: 'Solberg',
        email: 'ingrid.solberg@fjordoutdoor.no',
        title: 'Purchasing Manager',
        phone: '+47 55 55 02 11',
      },
      {
        firstName: 'Henrik',
        lastName: 'Dahl',
        email: 'henrik.dahl@fjordoutdoor.no',
        title: 'Product Developer',
        phone: '+47 55 55 02 12',
      },
    ],
    hubspotVariant: null,
  },
  {
    key: HERO.freeMail,
    name: 'Atelier Moreau SARL',
    domain: 'atelier-moreau.fr',
    industry: 'Design',
    country: 'FR',
    city: 'Lyon',
    employees: 12,
    annualRevenue: 1_800_000,
    phone: '+33 4 72 55 10 20',
    tier: 'standard',
    plan: heroPlan({ crm: 'salesforce' }),
    people: [
      {
        firstName: 'Claire',
        lastName: 'Moreau',
        email: 'claire.moreau.atelier@gmail.com',
        title: 'Founder & Creative Director',
        phone: '+33 6 12 55 10 21',
      },
    ],
    hubspotVariant: null,
  },
];

function personKey(customerKey: string, firstName: string, lastName: string): string {
  return `${customerKey}.${slugify(firstName)}-${slugify(lastName)}`;
}

function isFreeMail(email: string): boolean {
  const domain = email.slice(email.indexOf('@') + 1);
  return DEFAULT_IDENTITY.isFreeMail(domain);
}

function heroDraft(spec: HeroSpec): CustomerDraft {
  const customer: Customer = {
    key: spec.key,
    name: spec.name,
    domain: spec.domain,
    industry: spec.industry,
    country: spec.country,
    city: spec.city,
    employees: spec.employees,
    annualRevenue: spec.annualRevenue,
    currency: spec.country === 'US' ? 'USD' : 'EUR',
    phone: spec.phone,
    tier: spec.tier,
    active: true,
    people: spec.people.map((person) => ({
      key: personKey(spec.key, person.firstName, person.lastName),
      customerKey: spec.key,
      firstName: person.firstName,
      lastName: person.lastName,
      email: person.email,
      usesFreeMail: isFreeMail(person.email),
      title: person.title,
      phone: person.phone,
      active: true,
      ids: {},
    })),
    presence: {},
  };
  return {
    customer,
    plan: { ...spec.plan, hero: spec.key },
    ownerKey: territoryOwner(spec.country, spec.plan.crm),
    hubspotVariant: spec.hubspotVariant,
  };
}

/** Fills `#` with random digits and `%` with random non-zero digits. */
export function fillPattern(rng: Rng, pattern: string): string {
  return pattern.replace(/[#%]/g, (slot) => String(slot === '%' ? rng.int(1, 9) : rng.int(0, 9)));
}

/**
 * The presence plans of the generated customers before shuffling: most are Salesforce customers,
 * a block came with the HubSpot-based Polar Parts acquisition, a few are in both CRMs with
 * conflicting fields, a few are web-shop customers known only to Odoo.
 */
function generatedPlans(rng: Rng): Omit<CustomerPlan, 'hero'>[] {
  const plans: Omit<CustomerPlan, 'hero'>[] = [];
  for (let index = 0; index < GENERATED_CUSTOMER_COUNT; index += 1) {
    const crm: CrmPresence =
      index < 38 ? 'salesforce' : index < 48 ? 'hubspot' : index < 52 ? 'both' : 'none';
    // Prospects: in a CRM, not yet buying, so not in Odoo.
    const prospect = index < 6 || index === 38;
    const odoo = !prospect;
    plans.push({
      crm,
      crmConflict: crm === 'both',
      odoo,
      zendesk: odoo && index % 3 !== 2,
      slack: false,
      latePayer: rng.chance(0.25),
      paymentTermDays: rng.weighted([
        [30, 6],
        [14, 1],
        [45, 2],
        [60, 1],
      ]),
    });
  }
  return rng.shuffle(plans);
}

function logUniformInt(rng: Rng, min: number, max: number): number {
  return Math.round(Math.exp(Math.log(min) + rng.next() * (Math.log(max) - Math.log(min))));
}

function roundTo(value: number, step: number): number {
  return Math.max(step, Math.round(value / step) * step);
}

const FREE_MAIL_CHOICES = ['gmail.com', 'outlook.com', 'gmx.de', 'yahoo.fr', 'hotmail.com'] as const;

/** Builds the ~60 customers (5 heroes + generated ones), sorted by key. */
export function buildCustomers(rng: Rng): CustomerDraft[] {
  const drafts = HERO_SPECS.map(heroDraft);
  const usedKeys = new Set(drafts.map((draft) => draft.customer.key));
  const usedEmails = new Set(drafts.flatMap((draft) => draft.customer.people.map((person) => person.email)));
  const stems = rng.shuffle(NAME_STEMS);
  const plans = generatedPlans(rng);

  let keyAccounts = 0;
  let archivedAssigned = false;
  plans.forEach((basePlan, index) => {
    const industryProfile = rng.weighted(INDUSTRIES.map((profile) => [profile, profile.weight] as const));
    const country: CountryProfile = rng.weighted(
      COUNTRIES.map((profile) => [profile, profile.weight] as const),
    );
    const suffix = rng.pick(industryProfile.nameSuffixes);
    const stemIndex = stems.findIndex((stem) => !usedKeys.has(slugify(`${stem} ${suffix}`)));
    const [stem] = stems.splice(stemIndex, 1);
    if (stemIndex < 0 || stem === undefined) throw new Error('Ran out of customer name stems');
    const baseName = `${stem} ${suffix}`;
    const key = slugify(baseName);
    usedKeys.add(key);

    const employees = logUniformInt(rng, 15, 6000);
    const roundedEmployees = employees >= 100 ? roundTo(employees, 10) : employees;
    const currency = country.code === 'US' ? 'USD' : 'EUR';
    const annualRevenue = roundTo(roundedEmployees * rng.int(90, 260) * 1000, 100_000);
    const domain = `${rng.chance(0.5) ? slugify(baseName, '') : key}.${country.tld}`;

    // Key accounts get a shared Slack channel; they must be real, supported customers.
    const canBeKey = basePlan.odoo && basePlan.zendesk && basePlan.crm !== 'none';
    const tier: Customer['tier'] = canBeKey && keyAccounts < 6 ? 'key' : 'standard';
    if (tier === 'key') keyAccounts += 1;
    const archived =
      !archivedAssigned && tier === 'standard' && basePlan.crm === 'salesforce' && basePlan.odoo;
    if (archived) archivedAssigned = true;
    const plan: CustomerPlan = {
      ...basePlan,
      zendesk: archived ? false : basePlan.zendesk,
      slack: tier === 'key',
      latePayer: archived ? false : basePlan.latePayer,
      hero: null,
    };

    const customer: Customer = {
      key,
      name: `${baseName} ${rng.pick(country.legalForms)}`,
      domain,
      industry: industryProfile.industry,
      country: country.code,
      city: rng.pick(country.cities),
      employees: roundedEmployees,
      annualRevenue,
      currency,
      phone: fillPattern(rng, country.phone),
      tier,
      active: !archived,
      people: [],
      presence: {},
    };

    const peopleCount =
      tier === 'key'
        ? rng.int(3, 5)
        : rng.weighted([
            [1, 3],
            [2, 4],
            [3, 3],
            [4, 1],
            [5, 1],
          ]);
    const usedNames = new Set<string>();
    const emailStyle = rng.pick(['first.last', 'flast', 'first_last'] as const);
    for (let position = 0; position < peopleCount; position += 1) {
      let firstName = rng.pick(FIRST_NAMES);
      let lastName = rng.pick(LAST_NAMES);
      while (usedNames.has(`${firstName} ${lastName}`)) {
        firstName = rng.pick(FIRST_NAMES);
        lastName = rng.pick(LAST_NAMES);
      }
      usedNames.add(`${firstName} ${lastName}`);
      const first = slugify(firstName, '');
      const last = slugify(lastName, '');
      // A few people (the last one of some customers) write from a free-mail address.
      const freeMail = position === peopleCount - 1 && (index === 9 || index === 23 || index === 41);
      let email = freeMail
        ? `${first}.${last}@${rng.pick(FREE_MAIL_CHOICES)}`
        : emailStyle === 'first.last'
          ? `${first}.${last}@${domain}`
          : emailStyle === 'flast'
            ? `${first.charAt(0)}${last}@${domain}`
            : `${first}_${last}@${domain}`;
      while (usedEmails.has(email)) {
        email = email.replace('@', String(rng.int(0, 9)).concat('@'));
      }
      usedEmails.add(email);
      const person: Person = {
        key: personKey(key, firstName, lastName),
        customerKey: key,
        firstName,
        lastName,
        email,
        usesFreeMail: freeMail,
        title: position === 0 ? rng.pick(JOB_TITLES.slice(0, 4)) : rng.pick(JOB_TITLES),
        phone: fillPattern(rng, country.phone),
        // The first person is the main contact and always active; archived customers keep nobody.
        active: archived ? false : position === 0 || !rng.chance(0.08),
        ids: {},
      };
      customer.people.push(person);
    }

    const hubspotVariant = plan.crmConflict
      ? {
          name: conflictingName(baseName, rng),
          employees: roundTo(roundedEmployees * (1.25 + rng.next() * 0.5), 10),
          industry: rng.pick(INDUSTRIES.filter((profile) => profile.industry !== customer.industry)).hubspot,
          phone: fillPattern(rng, country.phone),
        }
      : null;

    drafts.push({ customer, plan, ownerKey: territoryOwner(country.code, plan.crm), hubspotVariant });
  });

  return drafts.sort((left, right) => left.customer.key.localeCompare(right.customer.key));
}

/** Same company, spelled the way a different sales team typed it. */
function conflictingName(baseName: string, rng: Rng): string {
  const [stem = baseName, ...rest] = baseName.split(' ');
  return rng.pick([
    `${stem.toUpperCase()} ${rest.join(' ')}`,
    `${stem}${rest.join('')}`,
    `${baseName} (Group)`,
    `${stem}-${rest.join(' ').toLowerCase()}`,
  ]);
}
