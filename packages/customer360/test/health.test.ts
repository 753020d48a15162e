import { describe, expect, it } from 'vitest';
import { bandOf, HEALTH_WEIGHTS, type HealthInputs, scoreHealth } from '../src/index.js';

const now = new Date('2026-06-30T12:00:00Z');
const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('scoreHealth (pure)', () => {
  it('weights every factor as documented when all inputs are present', () => {
    const health = scoreHealth({
      now,
      tickets: { open: 3, urgent: 1, high: 0 }, // 100 - 40 - 2 x 5 = 50
      receivables: [{ receivable: eur(1000), overdue: eur(250) }], // 75
      lastActivityAt: '2026-06-10T09:00:00Z', // 20 days -> 80
      openDeals: 0, // 40
    });
    expect(health.factors.map((f) => [f.name, f.score, f.weight])).toEqual([
      ['support_tickets', 50, 0.3],
      ['overdue_receivable', 75, 0.3],
      ['activity_recency', 80, 0.2],
      ['open_pipeline', 40, 0.2],
    ]);
    // 0.3 x 50 + 0.3 x 75 + 0.2 x 80 + 0.2 x 40 = 61.5 -> 62
    expect(health).toMatchObject({ score: 62, band: 'yellow', dropped: [] });
    expect(Object.values(HEALTH_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('drops missing inputs with a reason and renormalises the remaining weights', () => {
    const health = scoreHealth({
      now,
      tickets: { open: 0, urgent: 0, high: 0 }, // 100
      openDeals: 1, // 70
      missing: { overdue_receivable: 'Receivable unknown: odoo (timeout) did not answer.' },
    });
    expect(health.factors.map((f) => [f.name, f.weight, f.baseWeight])).toEqual([
      ['support_tickets', 0.6, 0.3],
      ['open_pipeline', 0.4, 0.2],
    ]);
    expect(health.score).toBe(88); // (0.3 x 100 + 0.2 x 70) / 0.5
    expect(health.band).toBe('green');
    expect(health.dropped).toEqual([
      { name: 'overdue_receivable', reason: 'Receivable unknown: odoo (timeout) did not answer.' },
      { name: 'activity_recency', reason: 'No dated ticket, conversation or order was found.' },
    ]);
  });

  it('gives no score, with a clear reason, when every input is missing', () => {
    const health = scoreHealth({ now });
    expect(health.score).toBeNull();
    expect(health.band).toBeNull();
    expect(health.factors).toEqual([]);
    expect(health.dropped.map((d) => d.name)).toEqual([
      'support_tickets',
      'overdue_receivable',
      'activity_recency',
      'open_pipeline',
    ]);
    expect(health.reason).toContain('no score');
  });

  it('takes the worst currency for overdue and scores nothing owed as 100', () => {
    const mixed = scoreHealth({
      now,
      receivables: [
        { receivable: eur(1000), overdue: eur(0) },
        { receivable: { amount: 500, currency: 'USD' }, overdue: { amount: 400, currency: 'USD' } },
      ],
    });
    expect(mixed.factors[0]).toMatchObject({ name: 'overdue_receivable', score: 20, weight: 1 });
    expect(mixed.factors[0]?.detail).toContain('400.00 USD overdue of 500.00 USD');
    const paid = scoreHealth({ now, receivables: [{ receivable: eur(0), overdue: eur(0) }] });
    expect(paid.score).toBe(100);
  });

  it('floors the ticket score at 0 and steps recency down with age', () => {
    expect(scoreHealth({ now, tickets: { open: 4, urgent: 3, high: 1 } }).score).toBe(0);
    const recency = (iso: string) => scoreHealth({ now, lastActivityAt: iso }).score;
    expect(recency('2026-06-29T00:00:00Z')).toBe(100);
    expect(recency('2026-05-20T00:00:00Z')).toBe(60); // 41 days
    expect(recency('2026-04-05T00:00:00Z')).toBe(40); // 86 days
    expect(recency('2025-06-30T00:00:00Z')).toBe(0);
    expect(recency('not a date')).toBeNull();
  });

  it('draws the bands at 40 and 70', () => {
    expect([0, 39, 40, 69, 70, 100].map(bandOf)).toEqual([
      'red',
      'red',
      'yellow',
      'yellow',
      'green',
      'green',
    ]);
    const red: HealthInputs = { now, tickets: { open: 2, urgent: 2, high: 0 }, openDeals: 0 };
    expect(scoreHealth(red)).toMatchObject({ score: 28, band: 'red' }); // (0.3 x 20 + 0.2 x 40) / 0.5
  });
});
