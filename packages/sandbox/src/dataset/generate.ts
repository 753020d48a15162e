import { buildHubSpot, buildSalesforce } from './crm.js';
import { buildCustomers, buildSeller } from './customers.js';
import { IdFactory } from './ids.js';
import { buildOdoo } from './odoo.js';
import { Rng } from './random.js';
import { buildSlack, buildZendesk } from './support.js';
import type { Customer, Dataset, Person } from './types.js';

/** The seed of the demo dataset; tests, the demo profile and benchmarks all use it. */
export const DEFAULT_SEED = 20_250_401;

export interface GenerateDatasetOptions {
  seed?: number;
}

/**
 * Generates the whole dataset from a seed: the same seed always gives a deep-equal dataset.
 * The heroes (see HERO) are hand-written and present for every seed; only their ids vary.
 */
export function generateDataset(options: GenerateDatasetOptions = {}): Dataset {
  const seed = options.seed ?? DEFAULT_SEED;
  const rng = new Rng(seed);
  const seller = buildSeller();
  const drafts = buildCustomers(rng.fork('customers'));

  // Ids come from one stream per system, so that each system's ids are stable on their own.
  const salesforceIds = new IdFactory(rng.fork('ids:salesforce'));
  const hubspotIds = new IdFactory(rng.fork('ids:hubspot'));
  const zendeskIds = new IdFactory(rng.fork('ids:zendesk'));
  const slackIds = new IdFactory(rng.fork('ids:slack'));
  const ownerRng = rng.fork('owners');
  const hubspotOwnerStart = ownerRng.int(40_000_000, 90_000_000);
  for (const member of seller.staff) {
    member.ids.salesforceUserId = salesforceIds.salesforce('005');
    member.ids.hubspotOwnerId = String(hubspotIds.numeric('hubspot:owner', hubspotOwnerStart, 400_000));
  }

  const salesforce = buildSalesforce(drafts, seller.staff, rng.fork('salesforce'), salesforceIds);
  const hubspot = buildHubSpot(drafts, seller.staff, rng.fork('hubspot'), hubspotIds);
  const odoo = buildOdoo(drafts, seller, rng.fork('odoo'));
  const zendesk = buildZendesk(drafts, seller, odoo, rng.fork('zendesk'), zendeskIds);
  const slack = buildSlack(drafts, seller, odoo, zendesk, rng.fork('slack'), slackIds);

  return {
    seed,
    seller,
    customers: drafts.map((draft) => draft.customer),
    salesforce,
    hubspot,
    odoo,
    zendesk,
    slack,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

let memoized: Dataset | undefined;

/**
 * The default-seed dataset, generated once per process and deeply frozen because every caller
 * shares it (mutating it throws). Use generateDataset() for a private copy.
 */
export function demoDataset(): Dataset {
  memoized ??= deepFreeze(generateDataset());
  return memoized;
}

export function findCustomer(dataset: Dataset, key: string): Customer {
  const customer = dataset.customers.find((candidate) => candidate.key === key);
  if (customer === undefined) throw new Error(`No customer "${key}" in the dataset (seed ${dataset.seed})`);
  return customer;
}

/** A person by key or by email (case-insensitive). */
export function findPerson(dataset: Dataset, keyOrEmail: string): Person {
  const wanted = keyOrEmail.toLowerCase();
  for (const customer of dataset.customers) {
    for (const person of customer.people) {
      if (person.key === keyOrEmail || person.email.toLowerCase() === wanted) return person;
    }
  }
  throw new Error(`No person "${keyOrEmail}" in the dataset (seed ${dataset.seed})`);
}
