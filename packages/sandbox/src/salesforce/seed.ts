import { isoDate, isoDateTime } from '../dataset/dates.js';
import type { Dataset, Instant } from '../dataset/types.js';
import { RecordStore } from './engine.js';
import { findObject, type ObjectDef, type Row } from './schema.js';

const sfStamp = (iso: string) => iso.replace('Z', '+0000');

function objectDef(name: string): ObjectDef {
  const def = findObject(name);
  if (def === undefined) throw new Error(`no object ${name}`);
  return def;
}

/**
 * Loads the dataset's Salesforce records (plus the seller's staff as users and one integration
 * user) into a fresh store. Returns the store and the integration user's id.
 */
export function seedStore(
  dataset: Dataset,
  asOf: Date,
  now: () => Date,
): { store: RecordStore; integrationUserId: string } {
  const { salesforce } = dataset;
  const pod = salesforce.organizationId.slice(3, 5);
  const store = new RecordStore(now, pod);
  const user = objectDef('User');
  const account = objectDef('Account');
  const contact = objectDef('Contact');
  const opportunity = objectDef('Opportunity');
  const created = (instant: Instant) => sfStamp(isoDateTime(instant, asOf));

  for (const member of dataset.seller.staff) {
    const stamp = created({ day: -2000, minuteOfDay: 480 });
    store.put(user, {
      Id: member.ids.salesforceUserId,
      FirstName: member.firstName,
      LastName: member.lastName,
      Email: member.email,
      Title: member.title,
      IsActive: true,
      CreatedDate: stamp,
      LastModifiedDate: stamp,
    });
  }
  const integrationUserId = store.insert(user, {
    FirstName: 'Switchboard',
    LastName: 'Integration',
    Email: `integration@${dataset.seller.domain}`,
    Title: 'Integration user',
    IsActive: true,
  });

  /** A seeded record: its id, owner and creation stamp (never modified since) around its own fields. */
  const putOwned = (
    def: ObjectDef,
    record: { id: string; ownerId: string; createdDate: Instant },
    fields: Row,
  ) => {
    const stamp = created(record.createdDate);
    store.put(def, {
      Id: record.id,
      ...fields,
      OwnerId: record.ownerId,
      CreatedDate: stamp,
      LastModifiedDate: stamp,
    });
  };

  const customers = new Map(dataset.customers.map((customer) => [customer.key, customer]));
  for (const record of salesforce.accounts) {
    const customer = customers.get(record.customerKey);
    putOwned(account, record, {
      Name: record.name,
      Website: record.website,
      Industry: record.industry,
      NumberOfEmployees: record.numberOfEmployees,
      AnnualRevenue: record.annualRevenue,
      Phone: record.phone,
      BillingCity: record.billingCity,
      BillingCountry: record.billingCountry,
      BillingCountryCode: customer?.country ?? null,
      Description: null,
      CurrencyIsoCode: customer?.currency ?? 'EUR',
    });
  }
  for (const record of salesforce.contacts) {
    putOwned(contact, record, {
      FirstName: record.firstName,
      LastName: record.lastName,
      Email: record.email,
      Title: record.title,
      Phone: record.phone,
      AccountId: record.accountId,
    });
  }
  for (const record of salesforce.opportunities) {
    putOwned(opportunity, record, {
      Name: record.name,
      AccountId: record.accountId,
      Amount: record.amount,
      CurrencyIsoCode: record.currency,
      StageName: record.stageName,
      Probability: record.probability,
      CloseDate: isoDate(record.closeDate, asOf),
      Description: null,
    });
  }
  return { store, integrationUserId };
}
