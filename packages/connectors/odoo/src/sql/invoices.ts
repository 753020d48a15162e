import { z } from 'zod';
import type { Sql } from '../db.js';
import { pgId, pgNumberOrZero, pgText } from '../db.js';
import type { InvoiceSummary } from '../schemas.js';
import type { KeysetPage, Scope } from './common.js';
import { keysetPage, keysetParams, money, optional, sourceRef, TODAY } from './common.js';

export type InvoiceFilterStatus = 'open' | 'overdue' | 'paid' | 'all';

// Constant SQL per status: the input only chooses among them.
const INVOICE_STATUS_SQL: Record<InvoiceFilterStatus, string> = {
  open: `m.payment_state IN ('not_paid', 'partial')`,
  overdue: `m.payment_state IN ('not_paid', 'partial') AND m.invoice_date_due < ${TODAY}`,
  paid: `m.payment_state IN ('in_payment', 'paid')`,
  all: 'TRUE',
};

/** Open and overdue invoices come most overdue first; paid and all, most recently due first. */
export function invoiceOrderIsAscending(status: InvoiceFilterStatus): boolean {
  return status === 'open' || status === 'overdue';
}

export const InvoiceKey = z.object({ due: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), id: z.number().int() });
export type InvoiceKey = z.infer<typeof InvoiceKey>;

const InvoiceRow = z.object({
  id: pgId,
  name: pgText,
  state: z.string(),
  payment_state: pgText,
  invoice_date: pgText,
  due_date: pgText,
  due_key: z.string(),
  amount_total: pgNumberOrZero,
  amount_residual: pgNumberOrZero,
  currency: z.string(),
  customer_id: pgId.nullable(),
  customer_name: pgText,
  invoice_origin: pgText,
  days_late: z.number().int(),
});
type InvoiceRow = z.infer<typeof InvoiceRow>;

function invoiceStatus(row: InvoiceRow): InvoiceSummary['status'] {
  if (row.state === 'draft') return 'draft';
  if (row.state === 'cancel') return 'cancelled';
  switch (row.payment_state) {
    case 'not_paid':
    case 'partial':
      return row.days_late > 0 ? 'overdue' : 'open';
    // A reversed invoice was cancelled by a credit note.
    case 'reversed':
      return 'cancelled';
    default:
      return 'paid';
  }
}

function toInvoice(scope: Scope, row: InvoiceRow): InvoiceSummary {
  const status = invoiceStatus(row);
  const invoice: InvoiceSummary = {
    source: sourceRef(scope, 'account.move', row.id),
    number: row.name ?? `Invoice ${row.id}`,
    status,
    total: money(row.amount_total, row.currency),
    residual: money(row.amount_residual, row.currency),
    daysOverdue: status === 'overdue' ? row.days_late : 0,
  };
  if (row.customer_id !== null) invoice.accountId = String(row.customer_id);
  if (row.invoice_date !== null) invoice.issueDate = row.invoice_date;
  if (row.due_date !== null) invoice.dueDate = row.due_date;
  const customerName = optional(row.customer_name);
  if (customerName !== undefined) invoice.customerName = customerName;
  const origin = optional(row.invoice_origin);
  if (origin !== undefined) invoice.origin = origin;
  return invoice;
}

const invoiceKey = (row: InvoiceRow): InvoiceKey => ({ due: row.due_key, id: row.id });

/** Posted customer invoices (not credit notes) of the company, paged by due date. */
export async function listInvoices(
  sql: Sql,
  scope: Scope,
  filters: { customerId?: number | undefined; status: InvoiceFilterStatus },
  page: { limit: number; after?: InvoiceKey | undefined },
): Promise<KeysetPage<InvoiceSummary, InvoiceKey>> {
  const ascending = invoiceOrderIsAscending(filters.status);
  const dueKey = `COALESCE(m.invoice_date_due, m.invoice_date, DATE '1970-01-01')`;
  const rows = await sql.rows(
    'invoices.list',
    InvoiceRow,
    `SELECT m.id, m.name, m.state, m.payment_state,
            to_char(m.invoice_date, 'YYYY-MM-DD') AS invoice_date,
            to_char(m.invoice_date_due, 'YYYY-MM-DD') AS due_date,
            to_char(${dueKey}, 'YYYY-MM-DD') AS due_key,
            m.amount_total, m.amount_residual, cur.name AS currency,
            m.commercial_partner_id AS customer_id, cp.name AS customer_name, m.invoice_origin,
            GREATEST(COALESCE(${TODAY} - m.invoice_date_due, 0), 0) AS days_late
       FROM account_move m
       JOIN res_currency cur ON cur.id = m.currency_id
       LEFT JOIN res_partner cp ON cp.id = m.commercial_partner_id
      WHERE m.move_type = 'out_invoice' AND m.state = 'posted' AND m.company_id = $1
        AND ($2::int IS NULL OR m.commercial_partner_id = $2::int)
        AND ${INVOICE_STATUS_SQL[filters.status]}
        AND ($3::date IS NULL OR (${dueKey}, m.id) ${ascending ? '>' : '<'} ($3::date, $4::int))
      ORDER BY ${dueKey} ${ascending ? 'ASC' : 'DESC'}, m.id ${ascending ? 'ASC' : 'DESC'}
      LIMIT $5`,
    [scope.client.companyId, filters.customerId ?? null, ...keysetParams(page, (key) => key.due)],
  );
  return keysetPage(rows, page.limit, (row) => toInvoice(scope, row), invoiceKey);
}
