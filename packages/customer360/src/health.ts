import type { Money } from '@switchboard/kit';
import type { DroppedFactor, FactorName, Health, HealthBand, HealthFactor } from './schemas.js';

/**
 * The customer health score (published practice, Gainsight and Natero): each measure scored 0-100
 * and weighted; measures without data drop out and the remaining weights are renormalised; bands
 * red < 40, yellow 40-69, green >= 70. Pure: the same inputs always give the same answer.
 */

/** Weights before renormalisation; they sum to 1. */
export const HEALTH_WEIGHTS: Readonly<Record<FactorName, number>> = {
  support_tickets: 0.3,
  overdue_receivable: 0.3,
  activity_recency: 0.2,
  open_pipeline: 0.2,
};

export interface HealthInputs {
  /** The day the score is computed for (recency is measured to it). */
  now: Date;
  /** Open tickets by priority; undefined when no support system returned tickets for the customer. */
  tickets?: { open: number; urgent: number; high: number } | undefined;
  /** Receivable and overdue per ERP (each in its own currency); undefined when no ERP answered. */
  receivables?: ReadonlyArray<{ receivable: Money; overdue: Money }> | undefined;
  /** ISO date-time of the latest ticket, conversation or order; undefined when none is known. */
  lastActivityAt?: string | undefined;
  /** Open deals over all CRMs; undefined when no CRM found the customer. */
  openDeals?: number | undefined;
  /** Why an input is missing, for `dropped`; a generic reason is used otherwise. */
  missing?: Partial<Record<FactorName, string>>;
}

const DEFAULT_MISSING: Record<FactorName, string> = {
  support_tickets: 'No support system returned tickets for this customer.',
  overdue_receivable: 'No ERP returned a receivable for this customer.',
  activity_recency: 'No dated ticket, conversation or order was found.',
  open_pipeline: 'No CRM found this customer.',
};

/** Days between two instants, whole days, never negative. */
const daysBetween = (from: Date, to: Date) =>
  Math.max(0, Math.floor((to.getTime() - from.getTime()) / 86_400_000));

const clamp = (value: number) => Math.max(0, Math.min(100, Math.round(value)));

export function bandOf(score: number): HealthBand {
  if (score < 40) return 'red';
  if (score < 70) return 'yellow';
  return 'green';
}

/** 100 - 40 per urgent - 20 per high - 5 per other open ticket, floored at 0. */
export function ticketScore(tickets: { open: number; urgent: number; high: number }): number {
  const other = Math.max(0, tickets.open - tickets.urgent - tickets.high);
  return clamp(100 - 40 * tickets.urgent - 20 * tickets.high - 5 * other);
}

/** 100 x (1 - overdue / receivable), the worst currency counting; 100 when nothing is owed. */
export function overdueScore(receivables: ReadonlyArray<{ receivable: Money; overdue: Money }>): {
  score: number;
  ratio: number;
} {
  let ratio = 0;
  for (const { receivable, overdue } of receivables) {
    if (receivable.amount > 0)
      ratio = Math.max(ratio, Math.min(1, Math.max(0, overdue.amount) / receivable.amount));
  }
  return { score: clamp(100 * (1 - ratio)), ratio };
}

/** Days since the latest activity: <= 14 -> 100, <= 30 -> 80, <= 60 -> 60, <= 90 -> 40, <= 180 -> 20, else 0. */
export function recencyScore(days: number): number {
  if (days <= 14) return 100;
  if (days <= 30) return 80;
  if (days <= 60) return 60;
  if (days <= 90) return 40;
  if (days <= 180) return 20;
  return 0;
}

/** 40 + 30 per open deal, at most 100: no pipeline is a warning sign, not a failure. */
export function pipelineScore(openDeals: number): number {
  return clamp(40 + 30 * openDeals);
}

const money = (m: Money) => `${m.amount.toFixed(2)} ${m.currency}`;

/** The health score of a customer, with the factors and renormalised weights that produced it. */
export function scoreHealth(inputs: HealthInputs): Health {
  const present: Array<Omit<HealthFactor, 'weight' | 'baseWeight'>> = [];
  const dropped: DroppedFactor[] = [];
  const drop = (name: FactorName) =>
    dropped.push({ name, reason: inputs.missing?.[name] ?? DEFAULT_MISSING[name] });

  if (inputs.tickets === undefined) drop('support_tickets');
  else {
    const { open, urgent, high } = inputs.tickets;
    present.push({
      name: 'support_tickets',
      score: ticketScore(inputs.tickets),
      detail: `${open} open ticket(s), of which ${urgent} urgent and ${high} high priority.`,
    });
  }

  if (inputs.receivables === undefined || inputs.receivables.length === 0) drop('overdue_receivable');
  else {
    const { score, ratio } = overdueScore(inputs.receivables);
    const parts = inputs.receivables.map((r) => `${money(r.overdue)} overdue of ${money(r.receivable)}`);
    present.push({
      name: 'overdue_receivable',
      score,
      detail: `${parts.join('; ')} (${Math.round(ratio * 100)} % overdue).`,
    });
  }

  const last = inputs.lastActivityAt === undefined ? undefined : new Date(inputs.lastActivityAt);
  if (last === undefined || Number.isNaN(last.getTime())) drop('activity_recency');
  else {
    const days = daysBetween(last, inputs.now);
    present.push({
      name: 'activity_recency',
      score: recencyScore(days),
      detail: `Latest activity ${days} day(s) ago (${inputs.lastActivityAt}).`,
    });
  }

  if (inputs.openDeals === undefined) drop('open_pipeline');
  else {
    present.push({
      name: 'open_pipeline',
      score: pipelineScore(inputs.openDeals),
      detail: `${inputs.openDeals} open deal(s).`,
    });
  }

  if (present.length === 0) {
    return {
      score: null,
      band: null,
      factors: [],
      dropped,
      reason: 'No health input had data (no tickets, receivable, dated activity or CRM record): no score.',
    };
  }
  const total = present.reduce((sum, factor) => sum + HEALTH_WEIGHTS[factor.name], 0);
  const factors: HealthFactor[] = present.map((factor) => ({
    ...factor,
    baseWeight: HEALTH_WEIGHTS[factor.name],
    weight: Math.round((HEALTH_WEIGHTS[factor.name] / total) * 10_000) / 10_000,
  }));
  const score = clamp(
    present.reduce((sum, factor) => sum + factor.score * HEALTH_WEIGHTS[factor.name], 0) / total,
  );
  return { score, band: bandOf(score), factors, dropped };
}
