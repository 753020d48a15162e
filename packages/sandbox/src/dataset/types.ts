/**
 * The shared demo dataset: one seller company, its customers and their people, and what each of the
 * five vendor systems holds about them. Every date is a day offset relative to an `asOf` day (see
 * dates.ts) so that "45 days overdue" stays true whenever the dataset is loaded.
 *
 * The `customerKey`/`personKey` fields on vendor records are ground truth for tests and emulators;
 * a vendor API never exposes them.
 */

/** Whole days relative to the `asOf` day (UTC): negative is in the past, 0 is the asOf day. */
export type DayOffset = number;

/** A point in time relative to the `asOf` day. */
export interface Instant {
  day: DayOffset;
  /** Minute within that UTC day, 0..1439. */
  minuteOfDay: number;
}

export type SystemName = 'salesforce' | 'hubspot' | 'odoo' | 'zendesk' | 'slack';

export const SYSTEM_NAMES: readonly SystemName[] = ['salesforce', 'hubspot', 'odoo', 'zendesk', 'slack'];

export type Industry =
  | 'Manufacturing'
  | 'Logistics'
  | 'Retail'
  | 'Healthcare'
  | 'Energy'
  | 'Software'
  | 'Automotive'
  | 'Aerospace'
  | 'Agriculture'
  | 'Construction'
  | 'Education'
  | 'Hospitality'
  | 'Consulting'
  | 'Outdoor Equipment'
  | 'Design';

export type CurrencyCode = 'EUR' | 'USD';

/** A Northwind employee: sales rep, support agent or manager, with one identity per system. */
export interface StaffMember {
  key: string;
  firstName: string;
  lastName: string;
  email: string;
  role: 'sales' | 'support' | 'finance' | 'management';
  title: string;
  ids: {
    salesforceUserId: string;
    hubspotOwnerId: string;
    odooUserId: number | null;
    zendeskUserId: number | null;
    slackUserId: string;
  };
}

/** The seller company whose systems Switchboard connects to. */
export interface SellerCompany {
  name: string;
  domain: string;
  currency: CurrencyCode;
  country: string;
  city: string;
  staff: StaffMember[];
}

export interface PersonSystemIds {
  salesforceContactId?: string;
  hubspotContactId?: string;
  odooPartnerId?: number;
  zendeskUserId?: number;
  slackUserId?: string;
}

/** A person at a customer company, as the seller knows them (the "truth" the systems drift from). */
export interface Person {
  key: string;
  customerKey: string;
  firstName: string;
  lastName: string;
  /** Usually at the company domain; a few people use a free-mail address. */
  email: string;
  usesFreeMail: boolean;
  title: string;
  phone: string;
  /** False for someone who left the customer (archived in Odoo, absent from new records). */
  active: boolean;
  ids: PersonSystemIds;
}

/** Where a customer exists and under which ids. A missing key means "not in that system". */
export interface CustomerPresence {
  salesforce?: { accountId: string };
  hubspot?: { companyId: string };
  odoo?: { partnerId: number };
  zendesk?: { organizationId: number };
  slack?: { channelId: string };
}

export interface Customer {
  /** Stable slug, e.g. "helix-robotics". */
  key: string;
  name: string;
  domain: string;
  industry: Industry;
  /** ISO 3166-1 alpha-2. */
  country: string;
  city: string;
  employees: number;
  /** In the customer's currency. */
  annualRevenue: number;
  currency: CurrencyCode;
  phone: string;
  /** Key accounts get a shared Slack channel. */
  tier: 'key' | 'standard';
  /** False for the archived former customer. */
  active: boolean;
  people: Person[];
  presence: CustomerPresence;
}

// ---------------------------------------------------------------------------------------------
// Salesforce

export interface SalesforceAccount {
  id: string;
  customerKey: string;
  name: string;
  website: string;
  industry: string;
  numberOfEmployees: number;
  annualRevenue: number;
  phone: string;
  billingCity: string;
  billingCountry: string;
  ownerId: string;
  createdDate: Instant;
}

export interface SalesforceContact {
  id: string;
  customerKey: string;
  personKey: string;
  accountId: string;
  firstName: string;
  lastName: string;
  email: string;
  title: string;
  phone: string;
  ownerId: string;
  createdDate: Instant;
}

export interface SalesforceOpportunity {
  id: string;
  customerKey: string;
  accountId: string;
  name: string;
  amount: number;
  currency: CurrencyCode;
  stageName: string;
  probability: number;
  closeDate: DayOffset;
  isClosed: boolean;
  isWon: boolean;
  ownerId: string;
  createdDate: Instant;
}

export interface SalesforceData {
  organizationId: string;
  accounts: SalesforceAccount[];
  contacts: SalesforceContact[];
  opportunities: SalesforceOpportunity[];
}

// ---------------------------------------------------------------------------------------------
// HubSpot (ids are numeric strings, as the v3 API returns them)

export interface HubSpotCompany {
  id: string;
  customerKey: string;
  name: string;
  domain: string;
  /** HubSpot's industry enumeration, e.g. "MECHANICAL_OR_INDUSTRIAL_ENGINEERING". */
  industry: string;
  numberOfEmployees: number;
  annualRevenue: number;
  phone: string;
  city: string;
  country: string;
  lifecycleStage: 'lead' | 'opportunity' | 'customer';
  ownerId: string;
  /** Why the record exists in HubSpot, e.g. "Acquired with Polar Parts (2023)". */
  sourceNote: string;
  createdAt: Instant;
}

export interface HubSpotContact {
  id: string;
  customerKey: string;
  personKey: string;
  companyId: string;
  firstName: string;
  lastName: string;
  email: string;
  jobTitle: string;
  phone: string;
  ownerId: string;
  createdAt: Instant;
}

export interface HubSpotDeal {
  id: string;
  customerKey: string;
  companyId: string;
  contactIds: string[];
  name: string;
  amount: number;
  currency: CurrencyCode;
  pipeline: 'default';
  /** Default pipeline stage ids: appointmentscheduled ... closedwon, closedlost. */
  stage: string;
  closeDate: DayOffset;
  ownerId: string;
  createdAt: Instant;
}

export interface HubSpotData {
  portalId: number;
  companies: HubSpotCompany[];
  contacts: HubSpotContact[];
  deals: HubSpotDeal[];
}

// ---------------------------------------------------------------------------------------------
// Zendesk

export interface ZendeskOrganization {
  id: number;
  customerKey: string;
  name: string;
  domainNames: string[];
  externalId: string | null;
  tags: string[];
  createdAt: Instant;
}

export interface ZendeskUser {
  id: number;
  /** Null for agents. */
  customerKey: string | null;
  personKey: string | null;
  staffKey: string | null;
  name: string;
  email: string;
  phone: string | null;
  role: 'end-user' | 'agent' | 'admin';
  organizationId: number | null;
  createdAt: Instant;
}

export type ZendeskTicketStatus = 'new' | 'open' | 'pending' | 'hold' | 'solved' | 'closed';
export type ZendeskTicketPriority = 'low' | 'normal' | 'high' | 'urgent';

export interface ZendeskComment {
  id: number;
  authorId: number;
  body: string;
  public: boolean;
  createdAt: Instant;
}

export interface ZendeskTicket {
  id: number;
  customerKey: string;
  organizationId: number;
  requesterId: number;
  assigneeId: number | null;
  subject: string;
  description: string;
  status: ZendeskTicketStatus;
  priority: ZendeskTicketPriority;
  type: 'question' | 'incident' | 'problem' | 'task';
  tags: string[];
  createdAt: Instant;
  updatedAt: Instant;
  comments: ZendeskComment[];
}

export interface ZendeskData {
  subdomain: string;
  organizations: ZendeskOrganization[];
  users: ZendeskUser[];
  tickets: ZendeskTicket[];
}

// ---------------------------------------------------------------------------------------------
// Slack

export interface SlackUser {
  id: string;
  /** Customer people appear as external (Slack Connect) members. */
  customerKey: string | null;
  personKey: string | null;
  staffKey: string | null;
  name: string;
  realName: string;
  email: string;
  title: string;
  isBot: boolean;
}

export interface SlackChannel {
  id: string;
  name: string;
  /** The customer this Slack Connect channel is shared with; null for internal channels. */
  customerKey: string | null;
  isPrivate: boolean;
  isShared: boolean;
  purpose: string;
  creatorId: string;
  memberIds: string[];
  createdAt: Instant;
}

export interface SlackMessage {
  /** Stable key, so that replies can point at their thread root before timestamps exist. */
  key: string;
  channelId: string;
  userId: string;
  text: string;
  postedAt: Instant;
  /** Key of the thread root this message replies to; absent for top-level messages. */
  threadRootKey?: string;
  /** Customers the text mentions (ground truth for tests). */
  mentionsCustomerKeys: string[];
}

export interface SlackData {
  teamId: string;
  teamDomain: string;
  users: SlackUser[];
  channels: SlackChannel[];
  messages: SlackMessage[];
}

// ---------------------------------------------------------------------------------------------
// Odoo 17 (rows mirror the tables in src/odoo/schema.ts; dates are offsets)

export interface OdooCountry {
  id: number;
  code: string;
  name: string;
}

export interface OdooCurrency {
  id: number;
  name: CurrencyCode;
  symbol: string;
  rounding: number;
  active: boolean;
}

export interface OdooPartner {
  id: number;
  /** Null for the seller's own partners (company, users, OdooBot). */
  customerKey: string | null;
  personKey: string | null;
  name: string;
  completeName: string;
  parentId: number | null;
  commercialPartnerId: number;
  isCompany: boolean;
  type: 'contact' | 'invoice' | 'delivery' | 'other';
  ref: string | null;
  vat: string | null;
  email: string | null;
  /** Lower-cased email, as Odoo's `email_normalized`. */
  emailNormalized: string | null;
  phone: string | null;
  mobile: string | null;
  website: string | null;
  jobFunction: string | null;
  street: string | null;
  city: string | null;
  zip: string | null;
  countryId: number | null;
  customerRank: number;
  supplierRank: number;
  active: boolean;
  createDate: Instant;
  writeDate: Instant;
}

export interface OdooUser {
  id: number;
  login: string;
  partnerId: number;
  active: boolean;
  staffKey: string | null;
}

export interface OdooCompany {
  id: number;
  name: string;
  partnerId: number;
  currencyId: number;
}

export interface OdooProduct {
  templateId: number;
  productId: number;
  name: string;
  defaultCode: string;
  barcode: string | null;
  /** Odoo 17 `detailed_type`: storable product, consumable or service. */
  detailedType: 'product' | 'consu' | 'service';
  listPrice: number;
  saleOk: boolean;
  active: boolean;
  createDate: Instant;
}

export interface OdooStockLocation {
  id: number;
  name: string;
  completeName: string;
  usage: 'view' | 'internal' | 'customer' | 'supplier' | 'inventory';
  active: boolean;
}

export interface OdooStockQuant {
  id: number;
  productId: number;
  locationId: number;
  quantity: number;
  reservedQuantity: number;
}

export type OdooSaleOrderState = 'draft' | 'sent' | 'sale' | 'cancel';

export interface OdooSaleOrderLine {
  id: number;
  orderId: number;
  sequence: number;
  /** Null for section and note lines. */
  productId: number | null;
  name: string;
  quantity: number;
  priceUnit: number;
  /** Percent, 0..100. */
  discount: number;
  /** quantity * priceUnit * (1 - discount / 100), rounded to cents. */
  priceSubtotal: number;
  priceTax: number;
  priceTotal: number;
  qtyDelivered: number;
  qtyInvoiced: number;
  displayType: 'line_section' | 'line_note' | null;
}

export interface OdooSaleOrder {
  id: number;
  customerKey: string;
  name: string;
  partnerId: number;
  partnerInvoiceId: number;
  partnerShippingId: number;
  state: OdooSaleOrderState;
  dateOrder: Instant;
  validityDate: DayOffset | null;
  amountUntaxed: number;
  amountTax: number;
  amountTotal: number;
  invoiceStatus: 'no' | 'to invoice' | 'invoiced' | 'upselling';
  currencyId: number;
  userId: number;
  clientOrderRef: string | null;
  lines: OdooSaleOrderLine[];
}

export type OdooMoveState = 'draft' | 'posted' | 'cancel';
export type OdooPaymentState = 'not_paid' | 'in_payment' | 'paid' | 'partial' | 'reversed';

export interface OdooInvoice {
  id: number;
  customerKey: string;
  /** Number within its journal ("INV" or "RINV"); the name is built with odooMoveName(). */
  sequenceNumber: number;
  moveType: 'out_invoice' | 'out_refund';
  state: OdooMoveState;
  /** The invoiced partner: the company or one of its invoice addresses/contacts. */
  partnerId: number;
  commercialPartnerId: number;
  /** Null for drafts, as in Odoo before an invoice is validated. */
  invoiceDate: DayOffset | null;
  invoiceDateDue: DayOffset;
  amountUntaxed: number;
  amountTax: number;
  amountTotal: number;
  amountResidual: number;
  paymentState: OdooPaymentState;
  currencyId: number;
  /** Name of the sale order the invoice (or the reversed invoice) came from. */
  invoiceOrigin: string | null;
  /** For a credit note: the invoice it reverses (Odoo's `reversed_entry_id`). */
  reversedEntryId: number | null;
  createDate: Instant;
}

export interface OdooData {
  company: OdooCompany;
  currencies: OdooCurrency[];
  countries: OdooCountry[];
  /** In insertion order: parents before children. */
  partners: OdooPartner[];
  users: OdooUser[];
  products: OdooProduct[];
  locations: OdooStockLocation[];
  quants: OdooStockQuant[];
  saleOrders: OdooSaleOrder[];
  invoices: OdooInvoice[];
}

export interface Dataset {
  seed: number;
  seller: SellerCompany;
  customers: Customer[];
  salesforce: SalesforceData;
  hubspot: HubSpotData;
  odoo: OdooData;
  zendesk: ZendeskData;
  slack: SlackData;
}
