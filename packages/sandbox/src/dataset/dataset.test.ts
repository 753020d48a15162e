import { DEFAULT_IDENTITY } from '@switchboard/kit';
import { describe, expect, it } from 'vitest';
import {
  AGING_BUCKETS,
  agingBucket,
  type Dataset,
  DEFAULT_SEED,
  dateFromOffset,
  daysBefore,
  demoDataset,
  findCustomer,
  findPerson,
  generateDataset,
  HERO,
  HERO_EMAILS,
  isoDate,
  isoDateTime,
  type OdooInvoice,
  OUT_OF_STOCK_CODE,
  odooDateTime,
  odooMoveName,
  resolveAsOf,
  SYSTEM_NAMES,
} from '../index.js';

const cents = (amount: number) => Math.round(amount * 100);
const OTHER_SEEDS = [1, 42, 99_999];

/** Each list, named by what it holds, must not repeat a value. */
function expectUnique(lists: Record<string, readonly (string | number)[]>): void {
  for (const [label, values] of Object.entries(lists)) {
    const duplicates = values.filter((value, index) => values.indexOf(value) !== index);
    expect(duplicates, `duplicate ${label}`).toEqual([]);
  }
}

function isOpenReceivable(invoice: OdooInvoice): boolean {
  return (
    invoice.moveType === 'out_invoice' &&
    invoice.state === 'posted' &&
    (invoice.paymentState === 'not_paid' || invoice.paymentState === 'partial')
  );
}

describe('generateDataset determinism', () => {
  it('gives deep-equal datasets for the same seed', () => {
    expect(generateDataset({ seed: 7 })).toEqual(generateDataset({ seed: 7 }));
  });

  it('uses DEFAULT_SEED for demoDataset() and memoizes it', () => {
    expect(demoDataset()).toBe(demoDataset());
    expect(demoDataset().seed).toBe(DEFAULT_SEED);
    expect(generateDataset()).toEqual(demoDataset());
  });

  it('gives different datasets for different seeds', () => {
    const first = generateDataset({ seed: 1 });
    const second = generateDataset({ seed: 2 });
    expect(first.customers.map((customer) => customer.key)).not.toEqual(
      second.customers.map((customer) => customer.key),
    );
    expect(first.salesforce.accounts[0]?.id).not.toBe(second.salesforce.accounts[0]?.id);
  });

  it('freezes the shared demo dataset so that no caller can change it for the others', () => {
    const customer = findCustomer(demoDataset(), HERO.everywhere);
    expect(() => {
      customer.name = 'Changed';
    }).toThrow(TypeError);
  });
});

describe.each([DEFAULT_SEED, ...OTHER_SEEDS])('dataset invariants (seed %i)', (seed) => {
  const dataset: Dataset = seed === DEFAULT_SEED ? demoDataset() : generateDataset({ seed });

  it('has about 60 customers with 1 to 5 people each', () => {
    expect(dataset.customers.length).toBeGreaterThanOrEqual(55);
    expect(dataset.customers.length).toBeLessThanOrEqual(65);
    for (const customer of dataset.customers) {
      expect(customer.people.length).toBeGreaterThanOrEqual(1);
      expect(customer.people.length).toBeLessThanOrEqual(5);
      expect(customer.country).toMatch(/^[A-Z]{2}$/);
      expect(customer.key).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
    expectUnique({
      'customer keys': dataset.customers.map((customer) => customer.key),
      'customer domains': dataset.customers.map((customer) => customer.domain),
    });
  });

  it('gives people emails at the company domain except a few free-mail addresses', () => {
    const people = dataset.customers.flatMap((customer) =>
      customer.people.map((person) => ({ person, customer })),
    );
    expectUnique({ emails: people.map(({ person }) => person.email.toLowerCase()) });
    const freeMail = people.filter(({ person }) => person.usesFreeMail);
    expect(freeMail.length).toBeGreaterThanOrEqual(3);
    expect(freeMail.length).toBeLessThanOrEqual(8);
    for (const { person, customer } of people) {
      const domain = person.email.slice(person.email.indexOf('@') + 1);
      if (person.usesFreeMail) expect(DEFAULT_IDENTITY.isFreeMail(domain)).toBe(true);
      else expect(domain).toBe(customer.domain);
    }
  });

  it('spreads customers over the systems with overlaps and gaps', () => {
    const count = (predicate: (systems: Set<string>) => boolean) =>
      dataset.customers.filter((customer) => predicate(new Set(Object.keys(customer.presence)))).length;
    expect(count((s) => s.has('salesforce') && !s.has('hubspot'))).toBeGreaterThanOrEqual(30);
    expect(count((s) => s.has('hubspot') && !s.has('salesforce'))).toBeGreaterThanOrEqual(8);
    expect(count((s) => s.has('hubspot') && s.has('salesforce'))).toBeGreaterThanOrEqual(4);
    expect(count((s) => !s.has('hubspot') && !s.has('salesforce'))).toBeGreaterThanOrEqual(2);
    expect(count((s) => s.has('odoo'))).toBeGreaterThanOrEqual(45);
    expect(count((s) => s.has('zendesk'))).toBeGreaterThanOrEqual(30);
    expect(count((s) => s.has('slack'))).toBeGreaterThanOrEqual(6);
    for (const customer of dataset.customers) {
      if (customer.presence.slack !== undefined) expect(customer.tier).toBe('key');
    }
  });

  it('records every vendor record on the customer it belongs to', () => {
    for (const account of dataset.salesforce.accounts) {
      expect(findCustomer(dataset, account.customerKey).presence.salesforce?.accountId).toBe(account.id);
    }
    for (const company of dataset.hubspot.companies) {
      expect(findCustomer(dataset, company.customerKey).presence.hubspot?.companyId).toBe(company.id);
    }
    for (const organization of dataset.zendesk.organizations) {
      const customer = findCustomer(dataset, organization.customerKey);
      expect(customer.presence.zendesk?.organizationId).toBe(organization.id);
      expect(organization.domainNames).toEqual([customer.domain]);
    }
    for (const partner of dataset.odoo.partners) {
      if (partner.customerKey === null || !partner.isCompany) continue;
      expect(findCustomer(dataset, partner.customerKey).presence.odoo?.partnerId).toBe(partner.id);
    }
    for (const contact of dataset.salesforce.contacts) {
      expect(findPerson(dataset, contact.personKey).ids.salesforceContactId).toBe(contact.id);
    }
  });

  it('uses each vendor id format and never reuses an id within a system', () => {
    const salesforceIds = [
      ...dataset.salesforce.accounts.map((record) => record.id),
      ...dataset.salesforce.contacts.map((record) => record.id),
      ...dataset.salesforce.opportunities.map((record) => record.id),
      ...dataset.seller.staff.map((member) => member.ids.salesforceUserId),
    ];
    expectUnique({ 'Salesforce ids': salesforceIds });
    for (const id of salesforceIds) expect(id).toMatch(/^[0-9a-zA-Z]{18}$/);
    for (const record of dataset.salesforce.accounts) expect(record.id.startsWith('001')).toBe(true);
    for (const record of dataset.salesforce.contacts) expect(record.id.startsWith('003')).toBe(true);
    for (const record of dataset.salesforce.opportunities) expect(record.id.startsWith('006')).toBe(true);

    for (const records of [dataset.hubspot.companies, dataset.hubspot.contacts, dataset.hubspot.deals]) {
      const ids = records.map((record) => record.id);
      expectUnique({ 'HubSpot ids': ids });
      for (const id of ids) expect(id).toMatch(/^[1-9][0-9]*$/);
    }

    for (const records of [dataset.zendesk.organizations, dataset.zendesk.users, dataset.zendesk.tickets]) {
      const ids = records.map((record) => record.id);
      expectUnique({ 'Zendesk ids': ids });
      for (const id of ids) expect(Number.isSafeInteger(id) && id > 0).toBe(true);
    }
    expectUnique({
      'Zendesk comment ids': dataset.zendesk.tickets.flatMap((ticket) => ticket.comments.map((c) => c.id)),
      'Slack ids': [
        dataset.slack.teamId,
        ...dataset.slack.users.map((user) => user.id),
        ...dataset.slack.channels.map((c) => c.id),
      ],
    });
    expect(dataset.slack.teamId).toMatch(/^T0[A-Z0-9]{9}$/);
    for (const user of dataset.slack.users) expect(user.id).toMatch(/^U0[A-Z0-9]{9}$/);
    for (const channel of dataset.slack.channels) expect(channel.id).toMatch(/^C0[A-Z0-9]{9}$/);

    const odoo = dataset.odoo;
    expectUnique({
      'res_partner ids': odoo.partners.map((partner) => partner.id),
      'sale_order ids': odoo.saleOrders.map((order) => order.id),
      'sale_order_line ids': odoo.saleOrders.flatMap((order) => order.lines.map((line) => line.id)),
      'account_move ids': odoo.invoices.map((invoice) => invoice.id),
      'product_product ids': odoo.products.map((product) => product.productId),
      'stock_quant ids': odoo.quants.map((quant) => quant.id),
    });
  });

  it('never reuses an email within a system', () => {
    const lowerCase = (emails: readonly string[]) => emails.map((email) => email.toLowerCase());
    expectUnique({
      'Salesforce emails': lowerCase(dataset.salesforce.contacts.map((contact) => contact.email)),
      'HubSpot emails': lowerCase(dataset.hubspot.contacts.map((contact) => contact.email)),
      'Zendesk emails': lowerCase(dataset.zendesk.users.map((user) => user.email)),
      'Slack emails': lowerCase(dataset.slack.users.map((user) => user.email)),
      'Odoo emails': dataset.odoo.partners.flatMap((partner) =>
        partner.emailNormalized === null ? [] : [partner.emailNormalized],
      ),
    });
  });

  it('computes sale order amounts like Odoo: subtotal = qty * price * (1 - discount / 100), 20 % tax, summed', () => {
    for (const order of dataset.odoo.saleOrders) {
      let untaxed = 0;
      let tax = 0;
      for (const line of order.lines) {
        const subtotal = Math.round((line.quantity * cents(line.priceUnit) * (100 - line.discount)) / 100);
        expect(cents(line.priceSubtotal)).toBe(subtotal);
        expect(cents(line.priceTax)).toBe(Math.round(subtotal * 0.2));
        expect(cents(line.priceTotal)).toBe(cents(line.priceSubtotal) + cents(line.priceTax));
        if (line.displayType !== null) expect(line.productId).toBeNull();
        untaxed += cents(line.priceSubtotal);
        tax += cents(line.priceTax);
      }
      expect(cents(order.amountUntaxed)).toBe(untaxed);
      expect(cents(order.amountTax)).toBe(tax);
      expect(cents(order.amountTotal)).toBe(untaxed + tax);
      expect(order.name).toBe(`S${String(order.id).padStart(5, '0')}`);
    }
  });

  it('keeps invoice totals, residuals and payment states consistent', () => {
    const orders = new Map(dataset.odoo.saleOrders.map((order) => [order.name, order]));
    for (const invoice of dataset.odoo.invoices) {
      const total = cents(invoice.amountTotal);
      const residual = cents(invoice.amountResidual);
      expect(total).toBe(cents(invoice.amountUntaxed) + cents(invoice.amountTax));
      if (invoice.state !== 'posted') {
        expect(invoice.paymentState).toBe('not_paid');
        expect(residual).toBe(total);
      } else if (invoice.paymentState === 'not_paid') expect(residual).toBe(total);
      else if (invoice.paymentState === 'partial') {
        expect(residual).toBeGreaterThan(0);
        expect(residual).toBeLessThan(total);
      } else expect(residual).toBe(0);

      if (invoice.moveType === 'out_invoice' && invoice.invoiceOrigin !== null) {
        const order = orders.get(invoice.invoiceOrigin);
        expect(order?.customerKey).toBe(invoice.customerKey);
        expect(cents(order?.amountTotal ?? 0)).toBe(total);
      }
      if (invoice.moveType === 'out_refund') {
        const reversed = dataset.odoo.invoices.find((candidate) => candidate.id === invoice.reversedEntryId);
        expect(reversed?.moveType).toBe('out_invoice');
        expect(reversed?.id ?? Number.POSITIVE_INFINITY).toBeLessThan(invoice.id);
      }
      expect(invoice.state === 'draft').toBe(invoice.invoiceDate === null);
      expect(invoice.commercialPartnerId).toBe(
        findCustomer(dataset, invoice.customerKey).presence.odoo?.partnerId,
      );
    }
    const states = new Set(dataset.odoo.invoices.map((invoice) => `${invoice.moveType}:${invoice.state}`));
    expect(states).toEqual(
      new Set(['out_invoice:posted', 'out_invoice:draft', 'out_invoice:cancel', 'out_refund:posted']),
    );
    const paymentStates = new Set(dataset.odoo.invoices.map((invoice) => invoice.paymentState));
    expect(paymentStates).toEqual(new Set(['not_paid', 'partial', 'paid', 'in_payment', 'reversed']));
    expect(new Set(dataset.odoo.saleOrders.map((order) => order.state))).toEqual(
      new Set(['draft', 'sent', 'sale', 'cancel']),
    );
  });

  it('has open invoices in every aging bucket', () => {
    const buckets = new Set(
      dataset.odoo.invoices.filter(isOpenReceivable).map((invoice) => agingBucket(-invoice.invoiceDateDue)),
    );
    expect([...buckets].sort()).toEqual([...AGING_BUCKETS].sort());
  });

  it('models Odoo partners as companies with child contacts', () => {
    const partners = new Map(dataset.odoo.partners.map((partner) => [partner.id, partner]));
    const seen = new Set<number>();
    for (const partner of dataset.odoo.partners) {
      if (partner.parentId !== null) {
        expect(seen.has(partner.parentId), 'parents are listed before children').toBe(true);
        expect(partner.commercialPartnerId).toBe(partner.parentId);
        expect(partner.isCompany).toBe(false);
        expect(partner.completeName).toBe(`${partners.get(partner.parentId)?.name}, ${partner.name}`);
      }
      seen.add(partner.id);
      expect(partner.emailNormalized).toBe(partner.email?.toLowerCase() ?? null);
      if (partner.customerKey !== null && partner.isCompany) {
        expect(partner.ref).toMatch(/^CUST-\d{4}$/);
        expect(partner.commercialPartnerId).toBe(partner.id);
        expect(partner.customerRank).toBeGreaterThan(0);
      }
    }
    expect(dataset.odoo.partners.filter((partner) => partner.type === 'invoice').length).toBeGreaterThan(0);
    expect(
      dataset.odoo.partners.filter((partner) => partner.personKey !== null && !partner.active).length,
    ).toBeGreaterThan(0);
    const archived = dataset.customers.filter((customer) => !customer.active);
    expect(archived).toHaveLength(1);
    const archivedPartner = partners.get(archived[0]?.presence.odoo?.partnerId ?? 0);
    expect(archivedPartner?.active).toBe(false);
  });

  it('keeps stock plausible: one product out of stock, reservations within quantities', () => {
    const odoo = dataset.odoo;
    expect(odoo.products.length).toBeGreaterThanOrEqual(18);
    const internal = new Set(
      odoo.locations.filter((location) => location.usage === 'internal').map((l) => l.id),
    );
    const outOfStock = odoo.products.find((product) => product.defaultCode === OUT_OF_STOCK_CODE);
    const internalQuants = odoo.quants.filter((quant) => internal.has(quant.locationId));
    expect(internalQuants.filter((quant) => quant.productId === outOfStock?.productId)).toEqual([]);
    for (const quant of internalQuants) {
      expect(quant.reservedQuantity).toBeGreaterThanOrEqual(0);
      expect(quant.reservedQuantity).toBeLessThanOrEqual(quant.quantity);
    }
    expect(internalQuants.some((quant) => quant.reservedQuantity > 0)).toBe(true);
    // Stock is conserved across locations, as Odoo's quants are.
    const byProduct = new Map<number, number>();
    for (const quant of odoo.quants)
      byProduct.set(quant.productId, (byProduct.get(quant.productId) ?? 0) + quant.quantity);
    for (const total of byProduct.values()) expect(total).toBe(0);
  });

  it('links tickets to their organization and requester, numbered in creation order', () => {
    const users = new Map(dataset.zendesk.users.map((user) => [user.id, user]));
    let previous = { id: 0, day: Number.NEGATIVE_INFINITY };
    for (const ticket of dataset.zendesk.tickets) {
      expect(users.get(ticket.requesterId)?.organizationId).toBe(ticket.organizationId);
      expect(users.get(ticket.requesterId)?.customerKey).toBe(ticket.customerKey);
      expect(ticket.id).toBeGreaterThan(previous.id);
      expect(ticket.createdAt.day).toBeGreaterThanOrEqual(previous.day);
      expect(ticket.createdAt.day).toBeLessThan(0);
      previous = { id: ticket.id, day: ticket.createdAt.day };
    }
    expect(
      dataset.zendesk.tickets.filter((ticket) => ticket.priority === 'urgent').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('threads Slack replies under earlier messages of the same channel', () => {
    const byKey = new Map(dataset.slack.messages.map((message) => [message.key, message]));
    const minutes = (instant: { day: number; minuteOfDay: number }) =>
      instant.day * 1440 + instant.minuteOfDay;
    expectUnique({
      'Slack message minutes per channel': dataset.slack.messages.map(
        (message) => `${message.channelId}:${minutes(message.postedAt)}`,
      ),
    });
    for (const message of dataset.slack.messages) {
      if (message.threadRootKey === undefined) continue;
      const root = byKey.get(message.threadRootKey);
      expect(root?.channelId).toBe(message.channelId);
      expect(minutes(message.postedAt)).toBeGreaterThan(minutes(root?.postedAt ?? message.postedAt));
    }
  });
});

describe.each([DEFAULT_SEED, ...OTHER_SEEDS])('hero customers (seed %i)', (seed) => {
  const dataset = seed === DEFAULT_SEED ? demoDataset() : generateDataset({ seed });
  const openTickets = (key: string) =>
    dataset.zendesk.tickets.filter(
      (ticket) => ticket.customerKey === key && ticket.status !== 'solved' && ticket.status !== 'closed',
    );

  it('everywhere: in all five systems, an invoice more than 30 days overdue, an urgent open ticket', () => {
    const customer = findCustomer(dataset, HERO.everywhere);
    expect(Object.keys(customer.presence).sort()).toEqual([...SYSTEM_NAMES].sort());
    const overdue = dataset.odoo.invoices.filter(
      (invoice) =>
        invoice.customerKey === HERO.everywhere && isOpenReceivable(invoice) && invoice.invoiceDateDue < -30,
    );
    expect(overdue.map((invoice) => invoice.invoiceDateDue)).toEqual([-45]);
    expect(openTickets(HERO.everywhere).some((ticket) => ticket.priority === 'urgent')).toBe(true);
    expect(findPerson(dataset, HERO_EMAILS.everywhere).customerKey).toBe(HERO.everywhere);
    const escalation = dataset.slack.messages.filter((message) =>
      message.mentionsCustomerKeys.includes(HERO.everywhere),
    );
    expect(escalation.length).toBeGreaterThan(0);
  });

  it('crmConflict: in both CRMs with different name, employees, industry and phone', () => {
    const account = dataset.salesforce.accounts.find((record) => record.customerKey === HERO.crmConflict);
    const company = dataset.hubspot.companies.find((record) => record.customerKey === HERO.crmConflict);
    expect(account?.name).toBe('Brightwater Logistics GmbH');
    expect(company?.name).toBe('BrightWater Logistics');
    expect(account?.numberOfEmployees).not.toBe(company?.numberOfEmployees);
    expect(account?.industry).toBe('Transportation');
    expect(company?.industry).toBe('WAREHOUSING');
    expect(account?.phone).not.toBe(company?.phone);
  });

  it('healthy: paid up, no urgent or high tickets open, open pipeline', () => {
    const invoices = dataset.odoo.invoices.filter((invoice) => invoice.customerKey === HERO.healthy);
    expect(invoices.length).toBeGreaterThan(0);
    expect(invoices.every((invoice) => invoice.amountResidual === 0 && invoice.paymentState === 'paid')).toBe(
      true,
    );
    expect(
      dataset.zendesk.tickets.some(
        (ticket) => ticket.customerKey === HERO.healthy && ticket.priority === 'urgent',
      ),
    ).toBe(false);
    expect(
      openTickets(HERO.healthy).every((ticket) => ticket.priority === 'low' || ticket.priority === 'normal'),
    ).toBe(true);
    const open = dataset.salesforce.opportunities.filter(
      (opportunity) => opportunity.customerKey === HERO.healthy && !opportunity.isClosed,
    );
    expect(open.length).toBeGreaterThanOrEqual(1);
  });

  it('hubspotAndOdooOnly: only in HubSpot and Odoo', () => {
    expect(Object.keys(findCustomer(dataset, HERO.hubspotAndOdooOnly).presence).sort()).toEqual([
      'hubspot',
      'odoo',
    ]);
  });

  it('freeMail: the contact writes from gmail.com and is still linked to the company everywhere', () => {
    const person = findPerson(dataset, HERO_EMAILS.freeMail);
    expect(person.customerKey).toBe(HERO.freeMail);
    expect(person.usesFreeMail).toBe(true);
    expect(person.email.endsWith('@gmail.com')).toBe(true);
    const partner = dataset.odoo.partners.find((candidate) => candidate.id === person.ids.odooPartnerId);
    expect(partner?.commercialPartnerId).toBe(findCustomer(dataset, HERO.freeMail).presence.odoo?.partnerId);
    expect(person.ids.zendeskUserId).toBeDefined();
  });
});

describe('date helpers', () => {
  const asOf = new Date('2025-03-15T17:45:00Z');

  it('turn day offsets into dates relative to the UTC day of asOf', () => {
    expect(resolveAsOf(asOf).toISOString()).toBe('2025-03-15T00:00:00.000Z');
    expect(isoDate(0, asOf)).toBe('2025-03-15');
    expect(isoDate(-45, asOf)).toBe('2025-01-29');
    expect(isoDate(20, asOf)).toBe('2025-04-04');
    expect(dateFromOffset(-1, asOf).toISOString()).toBe('2025-03-14T00:00:00.000Z');
    expect(isoDateTime({ day: -1, minuteOfDay: 570 }, asOf)).toBe('2025-03-14T09:30:00.000Z');
    expect(odooDateTime({ day: -1, minuteOfDay: 570 }, asOf)).toBe('2025-03-14 09:30:00');
    expect(daysBefore(new Date('2025-01-29T23:00:00Z'), asOf)).toBe(45);
  });

  it('default asOf to today, so that overdue stays overdue whenever tests run', () => {
    expect(isoDate(0)).toBe(new Date().toISOString().slice(0, 10));
  });

  it('name posted invoices by journal and invoice-date year, drafts "/"', () => {
    const base = { moveType: 'out_invoice', state: 'posted', invoiceDate: -45, sequenceNumber: 42 } as const;
    expect(odooMoveName(base, asOf)).toBe('INV/2025/00042');
    expect(odooMoveName({ ...base, invoiceDate: -80 }, asOf)).toBe('INV/2024/00042');
    expect(odooMoveName({ ...base, moveType: 'out_refund' }, asOf)).toBe('RINV/2025/00042');
    expect(odooMoveName({ ...base, state: 'draft', invoiceDate: null }, asOf)).toBe('/');
  });

  it('bucket receivables by days overdue', () => {
    expect([-3, 0, 1, 30, 31, 60, 61, 90, 91, 400].map(agingBucket)).toEqual([
      'current',
      'current',
      '1-30',
      '1-30',
      '31-60',
      '31-60',
      '61-90',
      '61-90',
      '90+',
      '90+',
    ]);
  });
});
