import { instantAt } from './crm.js';
import { type CustomerDraft, fillPattern } from './customers.js';
import { isoDate } from './dates.js';
import { HERO } from './heroes.js';
import { countryProfile } from './names.js';
import type { Rng } from './random.js';
import type {
  CurrencyCode,
  DayOffset,
  Instant,
  OdooCountry,
  OdooData,
  OdooInvoice,
  OdooMoveState,
  OdooPartner,
  OdooPaymentState,
  OdooProduct,
  OdooSaleOrder,
  OdooSaleOrderLine,
  OdooSaleOrderState,
  OdooStockLocation,
  OdooStockQuant,
  OdooUser,
  SellerCompany,
} from './types.js';

/** Receivable aging buckets by days past the due date. */
export const AGING_BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

/** The aging bucket of an open invoice `daysOverdue` days past its due date (<= 0: not yet due). */
export function agingBucket(daysOverdue: number): AgingBucket {
  if (daysOverdue <= 0) return 'current';
  if (daysOverdue <= 30) return '1-30';
  if (daysOverdue <= 60) return '31-60';
  if (daysOverdue <= 90) return '61-90';
  return '90+';
}

/**
 * Odoo 17's invoice number, e.g. `INV/2025/00042` or `RINV/2025/00003`; `/` for drafts, which get
 * their number when posted. The year comes from the invoice date, so it depends on asOf; the
 * sequence does not restart each year (simpler than Odoo, and nothing relies on it).
 */
export function odooMoveName(
  invoice: Pick<OdooInvoice, 'moveType' | 'state' | 'invoiceDate' | 'sequenceNumber'>,
  asOf?: Date,
): string {
  if (invoice.state === 'draft' || invoice.invoiceDate === null) return '/';
  const journal = invoice.moveType === 'out_refund' ? 'RINV' : 'INV';
  const year = isoDate(invoice.invoiceDate, asOf).slice(0, 4);
  return `${journal}/${year}/${String(invoice.sequenceNumber).padStart(5, '0')}`;
}

const TAX_PERCENT = 20;
const USD_PRICE_FACTOR = 1.09;

interface ProductSpec {
  code: string;
  name: string;
  type: OdooProduct['detailedType'];
  listPrice: number;
  quantity: readonly [number, number];
  stock: readonly [number, number];
  active?: boolean;
}

const PRODUCT_SPECS: readonly ProductSpec[] = [
  {
    code: 'NW-SRV-200',
    name: 'Servo Motor SM-200',
    type: 'product',
    listPrice: 349,
    quantity: [1, 20],
    stock: [20, 120],
  },
  {
    code: 'NW-SRV-400',
    name: 'Servo Motor SM-400',
    type: 'product',
    listPrice: 589,
    quantity: [1, 12],
    stock: [10, 60],
  },
  {
    code: 'NW-STP-170',
    name: 'Stepper Motor NEMA 17',
    type: 'product',
    listPrice: 42.5,
    quantity: [5, 60],
    stock: [100, 400],
  },
  {
    code: 'NW-STP-230',
    name: 'Stepper Motor NEMA 23',
    type: 'product',
    listPrice: 68,
    quantity: [4, 40],
    stock: [60, 250],
  },
  {
    code: 'NW-DRV-010',
    name: 'Stepper Driver DRV-10',
    type: 'product',
    listPrice: 79,
    quantity: [4, 40],
    stock: [50, 200],
  },
  {
    code: 'NW-PLC-100',
    name: 'Compact PLC CP-100',
    type: 'product',
    listPrice: 1240,
    quantity: [1, 6],
    stock: [8, 40],
  },
  {
    code: 'NW-PLC-220',
    name: 'Modular PLC MP-220',
    type: 'product',
    listPrice: 2890,
    quantity: [1, 4],
    stock: [0, 0],
  },
  {
    code: 'NW-HMI-070',
    name: 'HMI Touch Panel 7"',
    type: 'product',
    listPrice: 690,
    quantity: [1, 8],
    stock: [10, 50],
  },
  {
    code: 'NW-HMI-120',
    name: 'HMI Touch Panel 12"',
    type: 'product',
    listPrice: 1150,
    quantity: [1, 5],
    stock: [4, 12],
  },
  {
    code: 'NW-SNS-PRX',
    name: 'Inductive Proximity Sensor M12',
    type: 'product',
    listPrice: 24.9,
    quantity: [10, 120],
    stock: [200, 900],
  },
  {
    code: 'NW-SNS-PHO',
    name: 'Photoelectric Sensor PS-5',
    type: 'product',
    listPrice: 57,
    quantity: [5, 60],
    stock: [80, 300],
  },
  {
    code: 'NW-SNS-TMP',
    name: 'Temperature Sensor PT100',
    type: 'product',
    listPrice: 31.5,
    quantity: [5, 80],
    stock: [100, 500],
  },
  {
    code: 'NW-ENC-500',
    name: 'Rotary Encoder 500 PPR',
    type: 'product',
    listPrice: 118,
    quantity: [2, 30],
    stock: [30, 150],
  },
  {
    code: 'NW-GBX-050',
    name: 'Planetary Gearbox 5:1',
    type: 'product',
    listPrice: 245,
    quantity: [1, 16],
    stock: [15, 80],
  },
  {
    code: 'NW-RLY-024',
    name: 'Safety Relay SR-24',
    type: 'product',
    listPrice: 162,
    quantity: [2, 24],
    stock: [25, 120],
  },
  {
    code: 'NW-PSU-240',
    name: 'DIN Rail Power Supply 24 V 240 W',
    type: 'product',
    listPrice: 96,
    quantity: [2, 30],
    stock: [40, 200],
  },
  {
    code: 'NW-CBL-005',
    name: 'Sensor Cable M12, 5 m',
    type: 'consu',
    listPrice: 12.4,
    quantity: [10, 200],
    stock: [0, 0],
  },
  {
    code: 'NW-CON-KIT',
    name: 'Connector Kit',
    type: 'consu',
    listPrice: 19.9,
    quantity: [5, 50],
    stock: [0, 0],
  },
  {
    code: 'NW-SVC-INS',
    name: 'On-site Installation (hour)',
    type: 'service',
    listPrice: 95,
    quantity: [4, 32],
    stock: [0, 0],
  },
  {
    code: 'NW-SVC-TRN',
    name: 'Commissioning & Training Day',
    type: 'service',
    listPrice: 1200,
    quantity: [1, 3],
    stock: [0, 0],
  },
  {
    code: 'NW-SVC-SUP',
    name: 'Premium Support Plan (annual)',
    type: 'service',
    listPrice: 4800,
    quantity: [1, 1],
    stock: [0, 0],
  },
  {
    code: 'NW-STP-110',
    name: 'Stepper Motor NEMA 17 (rev. A, discontinued)',
    type: 'product',
    listPrice: 39,
    quantity: [5, 40],
    stock: [0, 0],
    active: false,
  },
];

/** Out of stock: no quant in an internal location (only delivered units at the customer location). */
export const OUT_OF_STOCK_CODE = 'NW-PLC-220';
/** Every unit on hand is reserved for open deliveries. */
export const FULLY_RESERVED_CODE = 'NW-HMI-120';

const LOCATIONS: readonly OdooStockLocation[] = [
  { id: 1, name: 'Physical Locations', completeName: 'Physical Locations', usage: 'view', active: true },
  { id: 2, name: 'Partners', completeName: 'Partners', usage: 'view', active: true },
  { id: 3, name: 'Virtual Locations', completeName: 'Virtual Locations', usage: 'view', active: true },
  { id: 4, name: 'Vendors', completeName: 'Partners/Vendors', usage: 'supplier', active: true },
  { id: 5, name: 'Customers', completeName: 'Partners/Customers', usage: 'customer', active: true },
  { id: 7, name: 'WH', completeName: 'WH', usage: 'view', active: true },
  { id: 8, name: 'Stock', completeName: 'WH/Stock', usage: 'internal', active: true },
  { id: 9, name: 'Shelf 2', completeName: 'WH/Stock/Shelf 2', usage: 'internal', active: true },
  {
    id: 14,
    name: 'Inventory adjustment',
    completeName: 'Virtual Locations/Inventory adjustment',
    usage: 'inventory',
    active: true,
  },
];
const STOCK_LOCATION_ID = 8;
const SHELF_LOCATION_ID = 9;
const CUSTOMER_LOCATION_ID = 5;
const INVENTORY_LOCATION_ID = 14;

const EUR_ID = 1;
const USD_ID = 2;

/** Integer cents for money arithmetic; converted to decimal units only when stored. */
function toUnits(cents: number): number {
  return cents / 100;
}

/** Odoo rounds half up. */
function roundCents(value: number): number {
  return Math.round(value + Number.EPSILON);
}

function ean13(base12: string): string {
  let sum = 0;
  for (let index = 0; index < 12; index += 1) {
    sum += Number(base12.charAt(index)) * (index % 2 === 0 ? 1 : 3);
  }
  return `${base12}${(10 - (sum % 10)) % 10}`;
}

const STREETS: Readonly<Record<string, readonly string[]>> = {
  DE: ['Industriestraße', 'Hafenstraße', 'Gewerbepark', 'Am Kanal'],
  AT: ['Industriestraße', 'Gewerbestraße'],
  CH: ['Industriestrasse', 'Bahnhofstrasse'],
  FR: ["Rue de l'Industrie", 'Avenue des Ateliers', 'Quai des Entrepôts'],
  NL: ['Havenweg', 'Industrieweg', 'Kanaalstraat'],
  BE: ['Havenlaan', 'Industriepark'],
};
const DEFAULT_STREETS = ['Harbour Road', 'Innovation Drive', 'Mill Lane', 'Station Street'];

interface LineDraft {
  product: OdooProduct | null;
  name: string;
  quantity: number;
  priceCents: number;
  discount: number;
  displayType: OdooSaleOrderLine['displayType'];
}

type PaymentPlan = OdooPaymentState | 'auto';

interface InvoicePlan {
  invoiceDate: DayOffset;
  dueDate: DayOffset;
  payment: PaymentPlan;
}

interface OrderDraft {
  owner: CustomerDraft;
  dateOrder: Instant;
  state: OdooSaleOrderState;
  delivered: boolean;
  invoicePlan: InvoicePlan | null;
  partnerId: number;
  partnerInvoiceId: number;
  currency: CurrencyCode;
  userId: number;
  clientOrderRef: string | null;
  lines: LineDraft[];
  untaxedCents: number;
  taxCents: number;
  wantsDraftInvoice: boolean;
  /** Its invoice was fully reversed by a credit note: nothing counts as invoiced any more. */
  refunded: boolean;
  // Filled when ids are assigned.
  order: OdooSaleOrder | null;
}

interface InvoiceDraft {
  owner: CustomerDraft;
  moveType: OdooInvoice['moveType'];
  state: OdooMoveState;
  partnerId: number;
  invoiceDate: DayOffset | null;
  dueDate: DayOffset;
  untaxedCents: number;
  taxCents: number;
  residualCents: number;
  paymentState: OdooPaymentState;
  currency: CurrencyCode;
  origin: OrderDraft | null;
  reverses: InvoiceDraft | null;
  createDate: Instant;
}

interface OdooContext {
  rng: Rng;
  seller: SellerCompany;
  drafts: readonly CustomerDraft[];
}

/** Builds every Odoo row from the customers and records the Odoo ids on them. */
export function buildOdoo(drafts: readonly CustomerDraft[], seller: SellerCompany, rng: Rng): OdooData {
  const context: OdooContext = { rng, seller, drafts };
  const countries = buildCountries(drafts, seller);
  const countryIds = new Map(countries.map((country) => [country.code, country.id]));
  const countryId = (code: string): number => {
    const id = countryIds.get(code);
    if (id === undefined) throw new Error(`Country ${code} missing from res_country`);
    return id;
  };

  const partners: OdooPartner[] = [];
  const users: OdooUser[] = [];
  const { staffUserIds } = buildSellerPartners(context, partners, users, countryId);
  const invoiceAddressIds = buildCustomerPartners(context, partners, countryId);

  const products = buildProducts(rng);
  const orders = buildOrders(context, products, invoiceAddressIds, staffUserIds);
  const invoiceDrafts = buildInvoices(context, orders);
  addSpecialInvoices(context, orders, invoiceDrafts);
  ensureEveryAgingBucket(invoiceDrafts);

  const saleOrders = assignOrderIds(orders);
  const invoices = assignInvoiceIds(invoiceDrafts);
  const quants = buildQuants(rng, products, saleOrders);

  // Odoo bumps customer_rank each time an order is confirmed or an invoice posted for the partner.
  const rankByCommercialPartner = new Map<number, number>();
  const bump = (partnerId: number) =>
    rankByCommercialPartner.set(partnerId, (rankByCommercialPartner.get(partnerId) ?? 0) + 1);
  for (const draft of orders) if (draft.state === 'sale') bump(commercialIdOf(draft.owner));
  for (const invoice of invoices) if (invoice.state === 'posted') bump(invoice.commercialPartnerId);
  for (const partner of partners) {
    if (partner.isCompany && partner.customerKey !== null) {
      partner.customerRank = Math.max(1, rankByCommercialPartner.get(partner.id) ?? 0);
    }
  }

  return {
    company: { id: 1, name: seller.name, partnerId: 1, currencyId: EUR_ID },
    currencies: [
      { id: EUR_ID, name: 'EUR', symbol: '€', rounding: 0.01, active: true },
      { id: USD_ID, name: 'USD', symbol: '$', rounding: 0.01, active: true },
    ],
    countries,
    partners,
    users,
    products,
    locations: [...LOCATIONS],
    quants,
    saleOrders,
    invoices,
  };
}

function commercialIdOf(draft: CustomerDraft): number {
  const id = draft.customer.presence.odoo?.partnerId;
  if (id === undefined) throw new Error(`Customer ${draft.customer.key} has no Odoo partner`);
  return id;
}

function buildCountries(drafts: readonly CustomerDraft[], seller: SellerCompany): OdooCountry[] {
  const codes = new Set([seller.country, 'US']);
  for (const draft of drafts) if (draft.plan.odoo) codes.add(draft.customer.country);
  return [...codes].sort().map((code, index) => ({ id: index + 1, code, name: countryProfile(code).name }));
}

function buildSellerPartners(
  context: OdooContext,
  partners: OdooPartner[],
  users: OdooUser[],
  countryId: (code: string) => number,
): { staffUserIds: Map<string, number> } {
  const { seller, rng } = context;
  const founded: Instant = { day: -2400, minuteOfDay: 480 };
  const base = {
    customerKey: null,
    personKey: null,
    vat: null,
    mobile: null,
    website: null,
    jobFunction: null,
    street: null,
    zip: null,
    customerRank: 0,
    supplierRank: 0,
    createDate: founded,
    writeDate: founded,
  };
  partners.push({
    ...base,
    id: 1,
    name: seller.name,
    completeName: seller.name,
    parentId: null,
    commercialPartnerId: 1,
    isCompany: true,
    type: 'contact',
    ref: null,
    vat: 'DE298765432',
    email: `info@${seller.domain}`,
    emailNormalized: `info@${seller.domain}`,
    phone: '+49 40 555 2400',
    website: `https://www.${seller.domain}`,
    street: 'Hafenstraße 24',
    city: seller.city,
    zip: '20457',
    countryId: countryId(seller.country),
    active: true,
  });
  // Odoo's own bot partner and superuser exist in every database, archived.
  partners.push({
    ...base,
    id: 2,
    name: 'OdooBot',
    completeName: 'OdooBot',
    parentId: null,
    commercialPartnerId: 2,
    isCompany: false,
    type: 'contact',
    ref: null,
    email: 'odoobot@example.com',
    emailNormalized: 'odoobot@example.com',
    phone: null,
    city: null,
    countryId: null,
    active: false,
  });
  users.push({ id: 1, login: '__system__', partnerId: 2, active: false, staffKey: null });

  const staffUserIds = new Map<string, number>();
  for (const member of seller.staff) {
    if (member.role === 'support') continue;
    const partnerId = partners.length + 1;
    const name = `${member.firstName} ${member.lastName}`;
    partners.push({
      ...base,
      id: partnerId,
      name,
      completeName: `${seller.name}, ${name}`,
      parentId: 1,
      commercialPartnerId: 1,
      isCompany: false,
      type: 'contact',
      ref: null,
      email: member.email,
      emailNormalized: member.email.toLowerCase(),
      phone: fillPattern(rng, '+49 40 555 24##'),
      jobFunction: member.title,
      city: seller.city,
      countryId: countryId(seller.country),
      active: true,
    });
    const userId = users.length + 1;
    // The first human user is Odoo's administrator, whose login is "admin".
    users.push({
      id: userId,
      login: userId === 2 ? 'admin' : member.email,
      partnerId,
      active: true,
      staffKey: member.key,
    });
    member.ids.odooUserId = userId;
    staffUserIds.set(member.key, userId);
  }
  return { staffUserIds };
}

/** Adds each Odoo customer as a company with its contacts; returns invoice-address ids by customer key. */
function buildCustomerPartners(
  context: OdooContext,
  partners: OdooPartner[],
  countryId: (code: string) => number,
): Map<string, number> {
  const { rng, drafts } = context;
  const invoiceAddressIds = new Map<string, number>();
  let refNumber = 0;
  drafts.forEach((draft, index) => {
    const { customer, plan } = draft;
    if (!plan.odoo) return;
    refNumber += 1;
    const profile = countryProfile(customer.country);
    const companyId = partners.length + 1;
    customer.presence.odoo = { partnerId: companyId };
    const created = instantAt(rng, rng.int(-1500, -800));
    const written = instantAt(rng, rng.int(-300, -1));
    const street = `${rng.pick(STREETS[customer.country] ?? DEFAULT_STREETS)} ${rng.int(1, 180)}`;
    const zip = fillPattern(rng, profile.zip);
    const companyEmail =
      plan.hero === HERO.freeMail
        ? `contact@${customer.domain}`
        : `${rng.pick(['info', 'office', 'contact'])}@${customer.domain}`;
    const address = { street, zip, city: customer.city, countryId: countryId(customer.country) };
    partners.push({
      id: companyId,
      customerKey: customer.key,
      personKey: null,
      name: customer.name,
      completeName: customer.name,
      parentId: null,
      commercialPartnerId: companyId,
      isCompany: true,
      type: 'contact',
      ref: `CUST-${String(refNumber).padStart(4, '0')}`,
      vat: profile.vat !== null && rng.chance(0.85) ? fillPattern(rng, profile.vat) : null,
      email: companyEmail,
      emailNormalized: companyEmail.toLowerCase(),
      phone: customer.phone,
      mobile: null,
      website: `https://www.${customer.domain}`,
      jobFunction: null,
      ...address,
      customerRank: 1,
      supplierRank: 0,
      active: customer.active,
      createDate: created,
      writeDate: written,
    });
    for (const person of customer.people) {
      const personId = partners.length + 1;
      person.ids.odooPartnerId = personId;
      const name = `${person.firstName} ${person.lastName}`;
      partners.push({
        id: personId,
        customerKey: customer.key,
        personKey: person.key,
        name,
        completeName: `${customer.name}, ${name}`,
        parentId: companyId,
        commercialPartnerId: companyId,
        isCompany: false,
        type: 'contact',
        ref: null,
        vat: null,
        email: person.email,
        emailNormalized: person.email.toLowerCase(),
        phone: person.phone,
        mobile: null,
        website: null,
        jobFunction: person.title,
        ...address,
        customerRank: 0,
        supplierRank: 0,
        active: person.active && customer.active,
        createDate: instantAt(rng, created.day + rng.int(0, 400)),
        writeDate: written,
      });
    }
    // Some customers want invoices sent to their accounts-payable mailbox.
    if (plan.hero === HERO.everywhere || (plan.hero === null && index % 7 === 3)) {
      const addressId = partners.length + 1;
      const apEmail = `ap@${customer.domain}`;
      partners.push({
        id: addressId,
        customerKey: customer.key,
        personKey: null,
        name: 'Accounts Payable',
        completeName: `${customer.name}, Accounts Payable`,
        parentId: companyId,
        commercialPartnerId: companyId,
        isCompany: false,
        type: 'invoice',
        ref: null,
        vat: null,
        email: apEmail,
        emailNormalized: apEmail,
        phone: null,
        mobile: null,
        website: null,
        jobFunction: null,
        ...address,
        customerRank: 0,
        supplierRank: 0,
        active: customer.active,
        createDate: instantAt(rng, created.day + rng.int(0, 200)),
        writeDate: written,
      });
      invoiceAddressIds.set(customer.key, addressId);
    }
  });
  return invoiceAddressIds;
}

function buildProducts(rng: Rng): OdooProduct[] {
  return PRODUCT_SPECS.map((spec, index) => ({
    templateId: index + 1,
    // Variant ids differ from template ids in any real database; keep it so here.
    productId: index + 3,
    name: spec.name,
    defaultCode: spec.code,
    barcode: spec.type === 'product' ? ean13(`4006381${String(33_001 + index * 7)}`) : null,
    detailedType: spec.type,
    listPrice: spec.listPrice,
    saleOk: true,
    active: spec.active ?? true,
    createDate: instantAt(rng, -2000 + index * 17),
  }));
}

function productSpec(product: OdooProduct): ProductSpec {
  const spec = PRODUCT_SPECS.find((candidate) => candidate.code === product.defaultCode);
  if (spec === undefined) throw new Error(`No product spec for ${product.defaultCode}`);
  return spec;
}

interface OrderSpec {
  day: DayOffset;
  state: OdooSaleOrderState;
  /** Overrides the generic invoicing for hero orders. */
  invoice?: InvoicePlan;
  /** Delivered, with an invoice still in draft. */
  draftInvoice?: boolean;
}

/** Confirmed orders on these days, invoiced and paid the generic way. */
function confirmed(...days: DayOffset[]): OrderSpec[] {
  return days.map((day) => ({ day, state: 'sale' }));
}

/** A confirmed order with the invoice a hero's story needs. */
function invoiced(
  day: DayOffset,
  invoiceDate: DayOffset,
  dueDate: DayOffset,
  payment: PaymentPlan,
): OrderSpec {
  return { day, state: 'sale', invoice: { invoiceDate, dueDate, payment } };
}

/** Hand-written order histories for the heroes whose receivables tests rely on. */
function heroOrderSpecs(draft: CustomerDraft, rng: Rng): OrderSpec[] | null {
  if (draft.plan.hero === HERO.everywhere) {
    return [
      ...confirmed(-380, -290, -205, -150),
      // The overdue one: posted, unpaid, due 45 days ago.
      invoiced(-83, -75, -45, 'not_paid'),
      invoiced(-40, -38, -8, 'partial'),
      invoiced(-14, -12, 18, 'not_paid'),
      { day: -5, state: 'sent' },
    ];
  }
  if (draft.plan.hero === HERO.healthy) {
    return [
      ...confirmed(-330, -240, -130),
      invoiced(-60, -58, -28, 'paid'),
      invoiced(-20, -18, 12, 'paid'),
      { day: -3, state: 'draft' },
    ];
  }
  if (draft.plan.hero === HERO.hubspotAndOdooOnly) {
    return [...confirmed(-260, -110), invoiced(-25, -22, 23, 'not_paid')];
  }
  if (draft.plan.hero === HERO.crmConflict) {
    return [
      ...confirmed(rng.int(-400, -250), rng.int(-200, -90)),
      // Paid by bank transfer that finance has not matched with the bank statement yet.
      invoiced(-45, -40, -10, 'in_payment'),
      { day: -6, state: 'sale', draftInvoice: true },
    ];
  }
  if (draft.plan.hero === HERO.freeMail) {
    return [
      ...confirmed(rng.int(-400, -250)),
      { day: -70, state: 'cancel' },
      invoiced(-30, -27, 3, 'not_paid'),
    ];
  }
  return null;
}

function genericOrderSpecs(draft: CustomerDraft, rng: Rng): OrderSpec[] {
  const { customer, plan } = draft;
  const count = !customer.active
    ? rng.int(2, 3)
    : customer.tier === 'key'
      ? rng.int(5, 8)
      : plan.crm === 'none'
        ? rng.int(1, 3)
        : rng.int(1, 5);
  const specs: OrderSpec[] = [];
  for (let index = 0; index < count; index += 1) {
    const day = customer.active ? rng.int(-420, -1) : rng.int(-760, -430);
    const state: OdooSaleOrderState =
      day > -20
        ? rng.weighted([
            ['draft', 2],
            ['sent', 3],
            ['sale', 5],
            ['cancel', 0.5],
          ])
        : rng.weighted([
            ['sale', 85],
            ['cancel', 7],
            ['draft', 3],
            ['sent', 5],
          ]);
    specs.push({ day, state: customer.active ? state : 'sale' });
  }
  return specs;
}

function buildOrders(
  context: OdooContext,
  products: readonly OdooProduct[],
  invoiceAddressIds: ReadonlyMap<string, number>,
  staffUserIds: ReadonlyMap<string, number>,
): OrderDraft[] {
  const { rng, drafts } = context;
  const orders: OrderDraft[] = [];
  for (const draft of drafts) {
    const { customer, plan } = draft;
    if (!plan.odoo) continue;
    const companyId = commercialIdOf(draft);
    const userId = staffUserIds.get(draft.ownerKey);
    if (userId === undefined) throw new Error(`Owner ${draft.ownerKey} has no Odoo user`);
    const contacts = customer.people.filter((person) => person.active);
    const specs = heroOrderSpecs(draft, rng) ?? genericOrderSpecs(draft, rng);
    for (const spec of specs) {
      const contact = contacts.length > 0 && rng.chance(0.4) ? rng.pick(contacts) : undefined;
      const partnerId = contact?.ids.odooPartnerId ?? companyId;
      const delivered =
        spec.state === 'sale' &&
        (spec.day <= -10 || spec.invoice !== undefined || spec.draftInvoice === true || rng.chance(0.5));
      let invoicePlan: InvoicePlan | null = spec.invoice ?? null;
      if (invoicePlan === null && spec.state === 'sale' && delivered && spec.day <= -10) {
        const invoiceDate = Math.min(-1, spec.day + rng.int(1, 9));
        invoicePlan = { invoiceDate, dueDate: invoiceDate + plan.paymentTermDays, payment: 'auto' };
      }
      const lines = buildLines(rng, products, customer.currency, spec.day);
      const { untaxedCents, taxCents } = orderTotals(lines);
      orders.push({
        owner: draft,
        dateOrder: instantAt(rng, spec.day),
        state: spec.state,
        delivered,
        invoicePlan,
        partnerId,
        partnerInvoiceId: invoiceAddressIds.get(customer.key) ?? partnerId,
        currency: customer.currency,
        userId,
        clientOrderRef: rng.chance(0.4) ? `PO-${rng.digits(6)}` : null,
        lines,
        untaxedCents,
        taxCents,
        wantsDraftInvoice: spec.draftInvoice === true,
        refunded: false,
        order: null,
      });
    }
  }
  return orders;
}

function lineAmounts(line: Pick<LineDraft, 'quantity' | 'priceCents' | 'discount'>): {
  subtotalCents: number;
  taxCents: number;
} {
  const subtotalCents = roundCents((line.quantity * line.priceCents * (100 - line.discount)) / 100);
  return { subtotalCents, taxCents: roundCents((subtotalCents * TAX_PERCENT) / 100) };
}

function orderTotals(lines: readonly LineDraft[]): { untaxedCents: number; taxCents: number } {
  let untaxedCents = 0;
  let taxCents = 0;
  for (const line of lines) {
    const amounts = lineAmounts(line);
    untaxedCents += amounts.subtotalCents;
    taxCents += amounts.taxCents;
  }
  return { untaxedCents, taxCents };
}

function buildLines(
  rng: Rng,
  products: readonly OdooProduct[],
  currency: CurrencyCode,
  day: DayOffset,
): LineDraft[] {
  // The discontinued product only shows up on old orders.
  const available = products.filter((product) => product.active || day < -250);
  const chosen = rng.sample(
    available,
    rng.weighted([
      [1, 3],
      [2, 4],
      [3, 3],
      [4, 2],
      [5, 1],
    ]),
  );
  const lines: LineDraft[] = [];
  if (rng.chance(0.2)) {
    lines.push({
      product: null,
      name: 'Hardware',
      quantity: 0,
      priceCents: 0,
      discount: 0,
      displayType: 'line_section',
    });
  }
  for (const product of chosen) {
    const spec = productSpec(product);
    const listCents = Math.round(spec.listPrice * 100);
    lines.push({
      product,
      name: `[${product.defaultCode}] ${product.name}`,
      quantity: rng.int(spec.quantity[0], spec.quantity[1]),
      priceCents: currency === 'USD' ? Math.round(listCents * USD_PRICE_FACTOR) : listCents,
      discount: rng.weighted([
        [0, 14],
        [5, 3],
        [10, 2],
        [15, 1],
      ]),
      displayType: null,
    });
  }
  if (rng.chance(0.1)) {
    lines.push({
      product: null,
      name: 'Delivery in two batches as agreed.',
      quantity: 0,
      priceCents: 0,
      discount: 0,
      displayType: 'line_note',
    });
  }
  return lines;
}

function decidePayment(rng: Rng, draft: CustomerDraft, plan: InvoicePlan): OdooPaymentState {
  if (plan.payment !== 'auto') return plan.payment;
  if (draft.plan.hero === HERO.healthy) return 'paid';
  const daysOverdue = -plan.dueDate;
  if (daysOverdue <= 0) {
    return rng.weighted([
      ['not_paid', 60],
      ['paid', 25],
      ['in_payment', 15],
    ]);
  }
  if (draft.plan.latePayer && daysOverdue <= 120) {
    return rng.weighted([
      ['not_paid', 45],
      ['partial', 20],
      ['paid', 35],
    ]);
  }
  if (daysOverdue <= 10 && rng.chance(0.2)) return 'in_payment';
  return 'paid';
}

function residualFor(rng: Rng, paymentState: OdooPaymentState, totalCents: number): number {
  if (paymentState === 'not_paid') return totalCents;
  if (paymentState === 'partial') {
    // Customers pay round amounts on account.
    const paidCents = Math.round((totalCents * (0.3 + rng.next() * 0.4)) / 10_000) * 10_000;
    return Math.min(totalCents - 100, Math.max(100, totalCents - paidCents));
  }
  return 0;
}

function buildInvoices(context: OdooContext, orders: readonly OrderDraft[]): InvoiceDraft[] {
  const { rng } = context;
  const invoices: InvoiceDraft[] = [];
  for (const order of orders) {
    const plan = order.invoicePlan;
    if (plan === null) continue;
    const paymentState = decidePayment(rng, order.owner, plan);
    const totalCents = order.untaxedCents + order.taxCents;
    invoices.push({
      owner: order.owner,
      moveType: 'out_invoice',
      state: 'posted',
      partnerId: order.partnerInvoiceId,
      invoiceDate: plan.invoiceDate,
      dueDate: plan.dueDate,
      untaxedCents: order.untaxedCents,
      taxCents: order.taxCents,
      residualCents: residualFor(rng, paymentState, totalCents),
      paymentState,
      currency: order.currency,
      origin: order,
      reverses: null,
      createDate: instantAt(rng, plan.invoiceDate),
    });
  }
  return invoices;
}

function isGenericActive(draft: CustomerDraft): boolean {
  return draft.plan.hero === null && draft.customer.active;
}

/** Drafts, a cancelled invoice and two credit notes: states a connector must tell apart. */
function addSpecialInvoices(context: OdooContext, orders: OrderDraft[], invoices: InvoiceDraft[]): void {
  const { rng } = context;

  // Draft invoices for delivered, not yet invoiced orders. Odoo counts draft lines as invoiced.
  const toInvoice = [
    ...orders.filter((order) => order.wantsDraftInvoice),
    ...orders.filter(
      (order) =>
        order.state === 'sale' &&
        order.delivered &&
        order.invoicePlan === null &&
        isGenericActive(order.owner),
    ),
  ];
  for (const order of toInvoice.slice(0, 3)) {
    const totalCents = order.untaxedCents + order.taxCents;
    order.invoicePlan = { invoiceDate: 0, dueDate: order.owner.plan.paymentTermDays, payment: 'not_paid' };
    invoices.push({
      owner: order.owner,
      moveType: 'out_invoice',
      state: 'draft',
      partnerId: order.partnerInvoiceId,
      invoiceDate: null,
      dueDate: order.owner.plan.paymentTermDays,
      untaxedCents: order.untaxedCents,
      taxCents: order.taxCents,
      // Odoo computes the residual of unposted moves too; only `state` tells them apart.
      residualCents: totalCents,
      paymentState: 'not_paid',
      currency: order.currency,
      origin: order,
      reverses: null,
      createDate: instantAt(rng, rng.int(-2, -1)),
    });
  }

  const paidCandidates = invoices.filter(
    (invoice) =>
      invoice.state === 'posted' &&
      invoice.paymentState === 'paid' &&
      isGenericActive(invoice.owner) &&
      invoice.invoiceDate !== null &&
      invoice.invoiceDate <= -90,
  );
  const [cancelledSource, reversedSource, creditedSource] = rng.sample(paidCandidates, 3);

  // A wrong invoice that was cancelled and issued again the next day.
  if (cancelledSource?.invoiceDate != null) {
    const invoiceDate = cancelledSource.invoiceDate - 1;
    invoices.push({
      ...cancelledSource,
      state: 'cancel',
      invoiceDate,
      dueDate: cancelledSource.dueDate - 1,
      residualCents: cancelledSource.untaxedCents + cancelledSource.taxCents,
      paymentState: 'not_paid',
      createDate: instantAt(rng, invoiceDate),
    });
  }

  // A full reversal: the invoice becomes "reversed", the credit note is reconciled with it.
  if (reversedSource?.invoiceDate != null) {
    reversedSource.paymentState = 'reversed';
    if (reversedSource.origin !== null) reversedSource.origin.refunded = true;
    reversedSource.residualCents = 0;
    const refundDate = Math.min(-1, reversedSource.invoiceDate + rng.int(5, 20));
    invoices.push({
      ...reversedSource,
      moveType: 'out_refund',
      state: 'posted',
      invoiceDate: refundDate,
      dueDate: refundDate,
      residualCents: 0,
      paymentState: 'paid',
      reverses: reversedSource,
      createDate: instantAt(rng, refundDate),
    });
  }

  // A 10 % price credit, not yet used: an open credit note.
  if (creditedSource?.invoiceDate != null) {
    const untaxedCents = roundCents(creditedSource.untaxedCents * 0.1);
    const taxCents = roundCents((untaxedCents * TAX_PERCENT) / 100);
    const refundDate = Math.min(-1, creditedSource.invoiceDate + rng.int(10, 40));
    invoices.push({
      ...creditedSource,
      moveType: 'out_refund',
      state: 'posted',
      invoiceDate: refundDate,
      dueDate: refundDate,
      untaxedCents,
      taxCents,
      residualCents: untaxedCents + taxCents,
      paymentState: 'not_paid',
      reverses: creditedSource,
      createDate: instantAt(rng, refundDate),
    });
  }
}

function isOpenReceivable(invoice: InvoiceDraft): boolean {
  return (
    invoice.moveType === 'out_invoice' &&
    invoice.state === 'posted' &&
    (invoice.paymentState === 'not_paid' || invoice.paymentState === 'partial') &&
    invoice.residualCents > 0
  );
}

/** Every aging bucket has at least one open invoice, whatever the seed. */
function ensureEveryAgingBucket(invoices: InvoiceDraft[]): void {
  for (const bucket of AGING_BUCKETS) {
    const covered = invoices.some(
      (invoice) => isOpenReceivable(invoice) && agingBucket(-invoice.dueDate) === bucket,
    );
    if (covered) continue;
    const candidate = invoices.find(
      (invoice) =>
        invoice.moveType === 'out_invoice' &&
        invoice.state === 'posted' &&
        invoice.paymentState === 'paid' &&
        isGenericActive(invoice.owner) &&
        agingBucket(-invoice.dueDate) === bucket,
    );
    if (candidate === undefined) throw new Error(`No invoice can fill the aging bucket ${bucket}`);
    candidate.paymentState = 'not_paid';
    candidate.residualCents = candidate.untaxedCents + candidate.taxCents;
  }
}

function compareInstants(left: Instant, right: Instant): number {
  return left.day - right.day || left.minuteOfDay - right.minuteOfDay;
}

function assignOrderIds(orders: OrderDraft[]): OdooSaleOrder[] {
  orders.sort((left, right) => compareInstants(left.dateOrder, right.dateOrder));
  let lineId = 0;
  return orders.map((draft, index) => {
    const id = index + 1;
    const invoiced = draft.invoicePlan !== null && !draft.refunded;
    const lines: OdooSaleOrderLine[] = draft.lines.map((line, position) => {
      lineId += 1;
      const { subtotalCents, taxCents } = lineAmounts(line);
      const deliverable = line.displayType === null;
      return {
        id: lineId,
        orderId: id,
        sequence: (position + 1) * 10,
        productId: line.product?.productId ?? null,
        name: line.name,
        quantity: line.quantity,
        priceUnit: toUnits(line.priceCents),
        discount: line.discount,
        priceSubtotal: toUnits(subtotalCents),
        priceTax: toUnits(taxCents),
        priceTotal: toUnits(subtotalCents + taxCents),
        qtyDelivered: deliverable && draft.delivered ? line.quantity : 0,
        qtyInvoiced: deliverable && invoiced ? line.quantity : 0,
        displayType: line.displayType,
      };
    });
    const order: OdooSaleOrder = {
      id,
      customerKey: draft.owner.customer.key,
      name: `S${String(id).padStart(5, '0')}`,
      partnerId: draft.partnerId,
      partnerInvoiceId: draft.partnerInvoiceId,
      partnerShippingId: draft.partnerId,
      state: draft.state,
      dateOrder: draft.dateOrder,
      validityDate: draft.dateOrder.day + 30,
      amountUntaxed: toUnits(draft.untaxedCents),
      amountTax: toUnits(draft.taxCents),
      amountTotal: toUnits(draft.untaxedCents + draft.taxCents),
      invoiceStatus:
        draft.state !== 'sale' ? 'no' : invoiced ? 'invoiced' : draft.delivered ? 'to invoice' : 'no',
      currencyId: draft.currency === 'USD' ? USD_ID : EUR_ID,
      userId: draft.userId,
      clientOrderRef: draft.clientOrderRef,
      lines,
    };
    draft.order = order;
    return order;
  });
}

function assignInvoiceIds(drafts: InvoiceDraft[]): OdooInvoice[] {
  drafts.sort((left, right) => compareInstants(left.createDate, right.createDate));
  const ids = new Map<InvoiceDraft, number>();
  for (const [index, draft] of drafts.entries()) ids.set(draft, index + 1);

  // Numbers follow the invoice date within each journal; drafts have none yet.
  const sequenceNumbers = new Map<InvoiceDraft, number>();
  for (const moveType of ['out_invoice', 'out_refund'] as const) {
    const numbered = drafts
      .filter((draft) => draft.moveType === moveType && draft.invoiceDate !== null)
      .sort(
        (left, right) =>
          (left.invoiceDate ?? 0) - (right.invoiceDate ?? 0) ||
          compareInstants(left.createDate, right.createDate),
      );
    for (const [index, draft] of numbered.entries()) sequenceNumbers.set(draft, index + 1);
  }

  return drafts.map((draft) => {
    const reversedEntryId = draft.reverses === null ? null : (ids.get(draft.reverses) ?? null);
    const commercialPartnerId = commercialIdOf(draft.owner);
    const order = draft.origin?.order ?? null;
    return {
      id: ids.get(draft) ?? 0,
      customerKey: draft.owner.customer.key,
      sequenceNumber: sequenceNumbers.get(draft) ?? 0,
      moveType: draft.moveType,
      state: draft.state,
      partnerId: draft.partnerId,
      commercialPartnerId,
      invoiceDate: draft.invoiceDate,
      invoiceDateDue: draft.dueDate,
      amountUntaxed: toUnits(draft.untaxedCents),
      amountTax: toUnits(draft.taxCents),
      amountTotal: toUnits(draft.untaxedCents + draft.taxCents),
      amountResidual: toUnits(draft.residualCents),
      paymentState: draft.paymentState,
      currencyId: draft.currency === 'USD' ? USD_ID : EUR_ID,
      invoiceOrigin: order?.name ?? null,
      reversedEntryId,
      createDate: draft.createDate,
    };
  });
}

function buildQuants(
  rng: Rng,
  products: readonly OdooProduct[],
  orders: readonly OdooSaleOrder[],
): OdooStockQuant[] {
  const deliveredByProduct = new Map<number, number>();
  for (const order of orders) {
    for (const line of order.lines) {
      if (line.productId === null || line.qtyDelivered === 0) continue;
      deliveredByProduct.set(
        line.productId,
        (deliveredByProduct.get(line.productId) ?? 0) + line.qtyDelivered,
      );
    }
  }
  const quants: OdooStockQuant[] = [];
  const add = (productId: number, locationId: number, quantity: number, reservedQuantity: number) =>
    quants.push({ id: quants.length + 1, productId, locationId, quantity, reservedQuantity });

  for (const product of products) {
    // Odoo tracks quants for storable products only.
    if (product.detailedType !== 'product') continue;
    const spec = productSpec(product);
    let internal = 0;
    if (product.active && product.defaultCode !== OUT_OF_STOCK_CODE) {
      const onHand = rng.int(spec.stock[0], spec.stock[1]);
      const reserved =
        product.defaultCode === FULLY_RESERVED_CODE
          ? onHand
          : rng.chance(0.4)
            ? rng.int(1, Math.min(onHand, 25))
            : 0;
      add(product.productId, STOCK_LOCATION_ID, onHand, reserved);
      internal += onHand;
      if (product.defaultCode !== FULLY_RESERVED_CODE && rng.chance(0.3)) {
        const shelf = rng.int(5, 60);
        add(product.productId, SHELF_LOCATION_ID, shelf, 0);
        internal += shelf;
      }
    }
    const delivered = deliveredByProduct.get(product.productId) ?? 0;
    if (delivered > 0) add(product.productId, CUSTOMER_LOCATION_ID, delivered, 0);
    // Stock entered by inventory adjustment leaves a matching negative quant behind, as in Odoo.
    if (internal + delivered > 0) add(product.productId, INVENTORY_LOCATION_ID, -(internal + delivered), 0);
  }
  return quants;
}
