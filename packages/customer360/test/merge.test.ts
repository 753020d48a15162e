import type { Account, Invoice, Money, Ticket } from '@switchboard/kit';
import { describe, expect, it } from 'vitest';
import { findConflicts, mergeProfile, type SourceData, sumByCurrency } from '../src/index.js';

const ref = (system: string, id: string) => ({ system, instance: system, id });
const account = (system: string, id: string, fields: Partial<Account>): Account => ({
  source: ref(system, id),
  name: 'Acme GmbH',
  ...fields,
});
const ticket = (id: string, status: Ticket['status'], priority: Ticket['priority'], at: string): Ticket => ({
  source: ref('zendesk', id),
  subject: `ticket ${id}`,
  status,
  priority,
  createdAt: at,
  updatedAt: at,
});
/** An unpaid Odoo invoice: nothing paid of `total` yet. */
const invoice = (n: string, status: Invoice['status'], total: Money, daysOverdue: number): Invoice => ({
  source: ref('odoo', `i${n}`),
  number: `INV/${n}`,
  status,
  total,
  residual: total,
  daysOverdue,
});
const options = { maxTickets: 10, maxConversations: 10, maxContacts: 10 };

describe('findConflicts (pure)', () => {
  it('lists every differing value with every source holding it', () => {
    const conflicts = findConflicts([
      account('salesforce', 'a', { name: 'Brightwater Logistics GmbH', employees: 850 }),
      account('hubspot', 'b', { name: 'BrightWater Logistics', employees: 1200 }),
      account('odoo', 'c', { name: 'Brightwater Logistics GmbH' }),
    ]);
    expect(conflicts).toEqual([
      {
        field: 'name',
        values: [
          { value: 'Brightwater Logistics GmbH', sources: [ref('salesforce', 'a'), ref('odoo', 'c')] },
          { value: 'BrightWater Logistics', sources: [ref('hubspot', 'b')] },
        ],
      },
      {
        field: 'employees',
        values: [
          { value: 850, sources: [ref('salesforce', 'a')] },
          { value: 1200, sources: [ref('hubspot', 'b')] },
        ],
      },
    ]);
  });

  it('ignores formatting-only differences and fields a system does not hold', () => {
    const conflicts = findConflicts([
      account('salesforce', 'a', { phone: '+46 31 555 01 42', domain: 'www.helix.com', city: 'Gothenburg' }),
      account('hubspot', 'b', { phone: '+4631 5550142', domain: 'HELIX.com', city: 'gothenburg' }),
      account('odoo', 'c', { phone: '0046 31 555 01 42' }),
    ]);
    expect(conflicts).toEqual([]);
  });

  it('flags industries from different vocabularies with a note', () => {
    const [conflict] = findConflicts([
      account('salesforce', 'a', { industry: 'Transportation' }),
      account('hubspot', 'b', { industry: 'WAREHOUSING' }),
    ]);
    expect(conflict?.field).toBe('industry');
    expect(conflict?.note).toContain('vocabularies');
  });
});

describe('mergeProfile (pure)', () => {
  it('keeps every record with its source, splits tickets and keeps currencies apart', () => {
    const data: SourceData[] = [
      {
        capability: 'crm',
        account: account('salesforce', 'a', {}),
        contacts: [{ source: ref('salesforce', 'c1'), name: 'Maya' }],
        openDeals: [
          { source: ref('salesforce', 'd1'), name: 'Won', stage: 'Closed Won', isClosed: true },
          { source: ref('salesforce', 'd2'), name: 'Open', stage: 'Prospecting', isClosed: false },
        ],
      },
      {
        capability: 'erp',
        account: account('odoo', '7', {}),
        contacts: [{ source: ref('odoo', '8'), name: 'Maya' }],
        recentOrders: [],
        openInvoices: [
          invoice('1', 'open', { amount: 10, currency: 'EUR' }, 0),
          invoice('2', 'overdue', { amount: 5, currency: 'USD' }, 45),
        ],
        receivable: { amount: 10, currency: 'EUR' },
        overdue: { amount: 0, currency: 'EUR' },
        aging: { current: 10, d1_30: 0, d31_60: 0, d61_90: 0, d90_plus: 0, total: 10 },
      },
      {
        capability: 'support',
        tickets: [
          ticket('1', 'solved', 'low', '2026-06-01T00:00:00Z'),
          ticket('2', 'open', 'normal', '2026-06-20T00:00:00Z'),
          ticket('3', 'pending', 'urgent', '2026-06-02T00:00:00Z'),
        ],
        conversations: [],
        ticketsMatched: true,
      },
    ];
    const merged = mergeProfile(data, options);
    expect(merged.accounts.map((a) => a.source.system)).toEqual(['salesforce', 'odoo']);
    expect(merged.contacts.map((c) => c.source.system)).toEqual(['salesforce', 'odoo']);
    expect(merged.openDeals.map((d) => d.source.id)).toEqual(['d2']);
    expect(merged.invoices.map((i) => i.number)).toEqual(['INV/2', 'INV/1']);
    expect(merged.receivables).toHaveLength(1);
    expect(merged.openTickets.map((t) => t.source.id)).toEqual(['3', '2']); // urgent first
    expect(merged.recentTickets.map((t) => t.source.id)).toEqual(['1']);
    expect(merged.conflicts).toEqual([]);
    expect(sumByCurrency(merged.invoices.map((i) => i.residual))).toEqual([
      { amount: 5, currency: 'USD' },
      { amount: 10, currency: 'EUR' },
    ]);
  });
});
