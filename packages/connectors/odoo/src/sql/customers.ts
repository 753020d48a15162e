import type { Contact } from '@switchboard/kit';
import { normalizeDomain } from '@switchboard/kit';
import { z } from 'zod';
import type { Sql } from '../db.js';
import { pgId, pgText } from '../db.js';
import type { CustomerDetail, CustomerMatch, CustomerSummary, MatchedBy } from '../schemas.js';
import type { OffsetPage, Scope } from './common.js';
import { ISO_DATETIME, isOdooId, likeContains, offsetPage, optional, sourceRef } from './common.js';
import { listOrders } from './orders.js';
import { customerFinancials } from './receivables.js';

/** Host of a website column: scheme, "www." and path stripped. */
const WEBSITE_HOST = String.raw`lower(regexp_replace(m.website, '^([a-z][a-z0-9+.-]*://)?(www\.)?([^/:?#]+).*$', '\3', 'i'))`;

const PARTNER_COLUMNS = `
  p.id, p.name, p.ref, p.vat, p.email, p.phone, p.website, p.city, p.active IS TRUE AS active,
  country.code AS country_code, to_char(p.write_date, ${ISO_DATETIME}) AS updated_at`;
const PARTNER_JOINS = 'LEFT JOIN res_country country ON country.id = p.country_id';
/** An active customer account: a commercial partner that is a company or has sold to us. */
const IS_CUSTOMER = '(p.is_company IS TRUE OR p.customer_rank > 0) AND p.commercial_partner_id = p.id';

const PartnerRow = z.object({
  id: pgId,
  name: pgText,
  ref: pgText,
  vat: pgText,
  email: pgText,
  phone: pgText,
  website: pgText,
  city: pgText,
  active: z.boolean(),
  country_code: pgText,
  updated_at: pgText,
});
type PartnerRow = z.infer<typeof PartnerRow>;

function toCustomer(scope: Scope, row: PartnerRow): CustomerSummary {
  // The account's domain: its website's host, else its email's domain unless that is free mail.
  const website = optional(row.website);
  const email = optional(row.email);
  const domain =
    (website === undefined ? undefined : normalizeDomain(website)) ??
    (email === undefined ? undefined : scope.identity.companyDomain(email));
  const customer: CustomerSummary = {
    source: sourceRef(scope, 'res.partner', row.id),
    name: row.name ?? `Partner ${row.id}`,
    active: row.active,
  };
  if (domain !== undefined) customer.domain = domain;
  if (email !== undefined) customer.email = email;
  const phone = optional(row.phone);
  if (phone !== undefined) customer.phone = phone;
  const city = optional(row.city);
  if (city !== undefined) customer.city = city;
  const country = optional(row.country_code);
  if (country !== undefined) customer.country = country.toUpperCase();
  const ref = optional(row.ref);
  if (ref !== undefined) customer.ref = ref;
  const vat = optional(row.vat);
  if (vat !== undefined) customer.vat = vat;
  if (row.updated_at !== null) customer.updatedAt = row.updated_at;
  return customer;
}

export interface CustomerCriteria {
  /** Exact values of res_partner.ref, any of which may match. */
  refs?: readonly string[] | undefined;
  /** Compared with email_normalized: pass it lower-cased. */
  email?: string | undefined;
  /** Normalized with the kit's normalizeDomain. */
  domain?: string | undefined;
  /** Substring of the customer name, case-insensitive. */
  name?: string | undefined;
}

const STRENGTH: Record<number, MatchedBy> = { 1: 'ref', 2: 'email', 3: 'domain', 4: 'name' };

/**
 * Customers matching any criterion, each once, labelled with the strongest criterion it matched and
 * ordered strongest first (an exact name before partial ones), then by name.
 */
export async function findCustomers(
  sql: Sql,
  scope: Scope,
  criteria: CustomerCriteria,
  page: { limit: number; offset: number },
): Promise<OffsetPage<CustomerMatch>> {
  const domain = criteria.domain;
  const rows = await sql.rows(
    'partners.find',
    PartnerRow.extend({ strength: z.number().int(), total: z.number().int() }),
    String.raw`
    WITH matches AS (
      SELECT m.commercial_partner_id AS customer_id, 1 AS strength
        FROM res_partner m
       WHERE $1::text[] IS NOT NULL AND m.ref = ANY($1::text[])
      UNION ALL
      SELECT m.commercial_partner_id, 2
        FROM res_partner m
       WHERE $2::text IS NOT NULL AND m.email_normalized = $2::text AND m.active
      UNION ALL
      SELECT m.commercial_partner_id, 3
        FROM res_partner m
       WHERE $3::text IS NOT NULL AND m.active
         AND (${WEBSITE_HOST} = $3::text
              OR ($4::boolean AND split_part(m.email_normalized, '@', 2) = $3::text))
      UNION ALL
      SELECT m.id, 4
        FROM res_partner m
       WHERE $5::text IS NOT NULL AND m.name ILIKE $5::text ESCAPE '\'
    ),
    best AS (
      SELECT customer_id, min(strength) AS strength
        FROM matches WHERE customer_id IS NOT NULL GROUP BY customer_id
    )
    SELECT ${PARTNER_COLUMNS}, b.strength, (count(*) OVER ())::int AS total
      FROM best b
      JOIN res_partner p ON p.id = b.customer_id
      ${PARTNER_JOINS}
     WHERE p.active AND ${IS_CUSTOMER}
     ORDER BY b.strength, (lower(p.name) = $6::text) IS TRUE DESC, lower(p.name), p.id
     LIMIT $7 OFFSET $8`,
    [
      criteria.refs === undefined || criteria.refs.length === 0 ? null : [...criteria.refs],
      criteria.email ?? null,
      domain ?? null,
      // Free-mail domains identify no company: match them against websites only.
      domain !== undefined && !scope.identity.isFreeMail(domain),
      criteria.name === undefined ? null : likeContains(criteria.name),
      criteria.name?.toLowerCase() ?? null,
      page.limit + 1,
      page.offset,
    ],
  );
  return offsetPage(rows, page.limit, (row) => ({
    ...toCustomer(scope, row),
    matchedBy: STRENGTH[row.strength] ?? 'name',
  }));
}

export interface ResolvedCustomer {
  customerId: number;
  /** Set when the id asked for was a contact or address of the customer. */
  contact?: { id: number; name: string };
}

/** Resolves any partner id to its commercial partner; null when the id does not exist. */
export async function resolveCustomer(sql: Sql, partnerId: number): Promise<ResolvedCustomer | null> {
  if (!isOdooId(partnerId)) return null;
  const rows = await sql.rows(
    'partners.resolve',
    z.object({ id: pgId, name: pgText, commercial_partner_id: pgId.nullable() }),
    'SELECT id, name, commercial_partner_id FROM res_partner WHERE id = $1',
    [partnerId],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const customerId = row.commercial_partner_id ?? row.id;
  if (customerId === row.id) return { customerId };
  return { customerId, contact: { id: row.id, name: row.name ?? `Partner ${row.id}` } };
}

async function loadCustomer(sql: Sql, scope: Scope, customerId: number): Promise<CustomerSummary | null> {
  const rows = await sql.rows(
    'partners.read',
    PartnerRow,
    `SELECT ${PARTNER_COLUMNS} FROM res_partner p ${PARTNER_JOINS} WHERE p.id = $1`,
    [customerId],
  );
  const row = rows[0];
  return row === undefined ? null : toCustomer(scope, row);
}

const CONTACT_LIMIT = 50;
const ADDRESS_LABELS: Record<string, string> = {
  invoice: 'Invoice address',
  delivery: 'Delivery address',
  other: 'Other address',
};

export async function loadContacts(
  sql: Sql,
  scope: Scope,
  customerId: number,
): Promise<{ contacts: Contact[]; truncated: boolean }> {
  const rows = await sql.rows(
    'contacts.list',
    z.object({
      id: pgId,
      name: pgText,
      email: pgText,
      phone: pgText,
      mobile: pgText,
      function: pgText,
      type: pgText,
    }),
    `SELECT p.id, p.name, p.email, p.phone, p.mobile, p.function, p.type
       FROM res_partner p
      WHERE p.commercial_partner_id = $1 AND p.id <> $1 AND p.active
      ORDER BY lower(p.name), p.id
      LIMIT $2`,
    [customerId, CONTACT_LIMIT + 1],
  );
  const contacts = rows.slice(0, CONTACT_LIMIT).map((row): Contact => {
    const contact: Contact = {
      source: sourceRef(scope, 'res.partner', row.id),
      accountId: String(customerId),
      name: row.name ?? ADDRESS_LABELS[row.type ?? ''] ?? `Contact ${row.id}`,
    };
    const email = optional(row.email);
    if (email !== undefined) contact.email = email;
    const phone = optional(row.phone) ?? optional(row.mobile);
    if (phone !== undefined) contact.phone = phone;
    const title = optional(row.function);
    if (title !== undefined) contact.title = title;
    return contact;
  });
  return { contacts, truncated: rows.length > CONTACT_LIMIT };
}

/** The customer an id designates (a contact resolves to its company); null when the id does not exist. */
export async function getCustomer(
  sql: Sql,
  scope: Scope,
  partnerId: number,
): Promise<{ customer: CustomerSummary; resolved: ResolvedCustomer } | null> {
  const resolved = await resolveCustomer(sql, partnerId);
  if (resolved === null) return null;
  const customer = await loadCustomer(sql, scope, resolved.customerId);
  return customer === null ? null : { customer, resolved };
}

/** The customer with contacts, receivable figures and last order; null when the id does not exist. */
export async function getCustomerDetail(
  sql: Sql,
  scope: Scope,
  partnerId: number,
): Promise<CustomerDetail | null> {
  const found = await getCustomer(sql, scope, partnerId);
  if (found === null) return null;
  const { customer, resolved } = found;
  const { contacts, truncated } = await loadContacts(sql, scope, resolved.customerId);
  const financials = await customerFinancials(sql, scope, resolved.customerId);
  const { items: orders } = await listOrders(
    sql,
    scope,
    { customerId: resolved.customerId, excludeCancelled: true },
    {
      limit: 1,
    },
  );
  const detail: CustomerDetail = { customer, contacts, contactsTruncated: truncated, financials };
  if (resolved.contact !== undefined) {
    detail.resolvedFrom = { contactId: String(resolved.contact.id), contactName: resolved.contact.name };
  }
  const lastOrder = orders[0];
  if (lastOrder !== undefined) detail.lastOrder = lastOrder;
  return detail;
}
