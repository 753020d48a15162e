import type { Money } from '@switchboard/kit';
import type { Collected } from './collect.js';
import { type HealthInputs, scoreHealth } from './health.js';
import { type MergedProfile, type MergeOptions, mergeProfile, sumByCurrency } from './merge.js';
import { mostCommon } from './resolve.js';
import type {
  FactorName,
  GetCustomerInput,
  GetCustomerOutput,
  Health,
  SourceStatus,
  Summary,
} from './schemas.js';

const OPEN = new Set(['new', 'open', 'pending', 'hold']);

const unavailable = (statuses: readonly SourceStatus[], capability: SourceStatus['capability']) =>
  statuses.filter(
    (status) =>
      status.capability === capability && (status.status === 'timeout' || status.status === 'error'),
  );

const unavailableReason = (statuses: readonly SourceStatus[], what: string): string | undefined => {
  if (statuses.length === 0) return undefined;
  const names = statuses
    .map((status) => `${status.instance ?? status.capability} (${status.status})`)
    .join(', ');
  return `${what}: ${names} did not answer.`;
};

/** The health inputs a merged profile offers, with why each missing one is missing. */
export function healthInputsOf(merged: MergedProfile, collected: Collected, now: Date): HealthInputs {
  const { statuses, data } = collected;
  const missing: Partial<Record<FactorName, string>> = {};
  const ticketSources = data.filter((item) => item.capability === 'support' && item.ticketsMatched);
  const tickets =
    ticketSources.length === 0
      ? undefined
      : (() => {
          const open = merged.openTickets;
          return {
            open: open.length,
            urgent: open.filter((ticket) => ticket.priority === 'urgent').length,
            high: open.filter((ticket) => ticket.priority === 'high').length,
          };
        })();
  const supportDown = unavailableReason(unavailable(statuses, 'support'), 'Tickets unknown');
  if (tickets === undefined && supportDown !== undefined) missing.support_tickets = supportDown;

  const erpDown = unavailableReason(unavailable(statuses, 'erp'), 'Receivable unknown');
  if (merged.receivables.length === 0 && erpDown !== undefined) missing.overdue_receivable = erpDown;

  const crmDown = unavailableReason(unavailable(statuses, 'crm'), 'Pipeline unknown');
  const crmAnswered = data.some((item) => item.capability === 'crm');
  if (!crmAnswered && crmDown !== undefined) missing.open_pipeline = crmDown;

  const lastActivityAt = latestActivity(merged, now);
  return {
    now,
    tickets,
    receivables: merged.receivables.length === 0 ? undefined : merged.receivables,
    lastActivityAt,
    openDeals: crmAnswered ? merged.openDeals.length : undefined,
    missing,
  };
}

/** The latest dated ticket, conversation or order not in the future. */
function latestActivity(merged: MergedProfile, now: Date): string | undefined {
  const limit = now.getTime();
  const dates = [
    ...merged.openTickets.map((ticket) => ticket.updatedAt ?? ticket.createdAt),
    ...merged.recentTickets.map((ticket) => ticket.updatedAt ?? ticket.createdAt),
    ...merged.conversations.map((conversation) => conversation.at),
    ...merged.orders.map((order) => order.date),
  ].filter((date) => {
    const time = Date.parse(date);
    return !Number.isNaN(time) && time <= limit;
  });
  let latest: string | undefined;
  for (const date of dates) if (latest === undefined || Date.parse(date) > Date.parse(latest)) latest = date;
  return latest;
}

function describeInput(input: GetCustomerInput): string {
  if (input.email !== undefined) return `email ${input.email}`;
  if (input.domain !== undefined) return `domain ${input.domain}`;
  if (input.name !== undefined) return `name "${input.name}"`;
  return `${input.system ?? 'system'} id ${input.id ?? ''}`;
}

const money = (amounts: readonly Money[]) =>
  amounts.map((amount) => `${amount.amount.toFixed(2)} ${amount.currency}`).join(' + ');

function summarize(
  input: GetCustomerInput,
  collected: Collected,
  merged: MergedProfile,
  health: Health,
  now: Date,
): Summary {
  const { statuses } = collected;
  const consulted = statuses.filter((status) => status.instance !== undefined);
  const matchedSystems = [
    ...new Set(
      statuses.flatMap((status) => (status.status === 'ok' && status.instance ? [status.instance] : [])),
    ),
  ];
  const unavailableSystems = statuses
    .filter((status) => status.status === 'timeout' || status.status === 'error')
    .map((status) => `${status.instance ?? status.capability} (${status.status})`);
  // Accounts come CRM first, so on a tie the CRM's spelling wins.
  const name = mostCommon(merged.accounts.map((account) => account.name)) ?? collected.identity.name;
  const domain =
    mostCommon(merged.accounts.flatMap((account) => (account.domain ? [account.domain] : []))) ??
    collected.identity.domain;
  const pipeline = sumByCurrency(merged.openDeals.flatMap((deal) => (deal.amount ? [deal.amount] : [])));
  const receivable = sumByCurrency(merged.receivables.map((r) => r.receivable));
  const overdue = sumByCurrency(merged.receivables.map((r) => r.overdue).filter((m) => m.amount > 0));
  const maxDaysOverdue = merged.invoices.reduce((max, invoice) => Math.max(max, invoice.daysOverdue), 0);
  const openTickets = merged.openTickets.filter((ticket) => OPEN.has(ticket.status));
  const urgentTickets = openTickets.filter((ticket) => ticket.priority === 'urgent').length;
  const lastActivityAt = latestActivity(merged, now);

  const notes: string[] = [];
  const ambiguous = statuses.filter(
    (status) => status.status === 'no_match' && status.otherCandidates?.length,
  );
  if (matchedSystems.length === 0 && ambiguous.length > 0) {
    const names = [
      ...new Set(
        ambiguous.flatMap((status) => (status.otherCandidates ?? []).map((candidate) => candidate.name)),
      ),
    ];
    notes.push(
      `Several customers match ${describeInput(input)}: ${names.slice(0, 8).join(', ')}. None is shown; ask again ` +
        'with the full name, a domain, or a system and id from otherCandidates.',
    );
  } else if (matchedSystems.length === 0) {
    notes.push(
      `No system knows a customer matching ${describeInput(input)} (asked ${consulted.length} source(s): ` +
        `${[...new Set(consulted.map((s) => s.instance))].join(', ') || 'none'}).`,
    );
    if (unavailableSystems.length === 0) {
      notes.push(
        "Check the spelling, or try the company's domain, its name or an id from one of the systems.",
      );
    }
  } else {
    notes.push(
      `${name ?? 'The customer'}${domain ? ` (${domain})` : ''} was found in ${matchedSystems.join(', ')}.`,
      `${merged.openDeals.length} open deal(s)${pipeline.length > 0 ? ` worth ${money(pipeline)}` : ''}.`,
    );
    if (merged.receivables.length > 0) {
      notes.push(
        `Receivable ${money(receivable) || '0'}${overdue.length > 0 ? `, of which ${money(overdue)} overdue (oldest ${maxDaysOverdue} days)` : ', nothing overdue'}.`,
      );
    }
    notes.push(
      `${openTickets.length} open ticket(s)${urgentTickets > 0 ? `, ${urgentTickets} urgent` : ''}; ${merged.conversations.length} recent conversation(s).`,
    );
    if (merged.conflicts.length > 0) {
      notes.push(
        `The systems disagree on: ${merged.conflicts.map((conflict) => conflict.field).join(', ')} (see conflicts).`,
      );
    }
    notes.push(
      health.score === null
        ? 'No health score: no input had data.'
        : `Health ${health.score}/100 (${health.band}).`,
    );
  }
  if (unavailableSystems.length > 0) {
    notes.push(
      `Incomplete: ${unavailableSystems.join(', ')} did not answer; their data is missing, retry later.`,
    );
  }

  return {
    text: notes.join(' '),
    ...(name === undefined || matchedSystems.length === 0 ? {} : { name }),
    ...(domain === undefined || matchedSystems.length === 0 ? {} : { domain }),
    matchedSystems,
    unavailableSystems,
    openDeals: merged.openDeals.length,
    pipeline,
    receivable,
    overdue,
    maxDaysOverdue,
    openTickets: openTickets.length,
    urgentTickets,
    conflicts: merged.conflicts.length,
    ...(lastActivityAt === undefined ? {} : { lastActivityAt }),
  };
}

/** The tool's answer from what the sources returned. Pure given `now`. */
export function buildProfile(
  input: GetCustomerInput,
  collected: Collected,
  options: MergeOptions & { now: Date },
): GetCustomerOutput {
  const merged = mergeProfile(collected.data, options);
  const health = scoreHealth(healthInputsOf(merged, collected, options.now));
  return {
    found: collected.statuses.some((status) => status.status === 'ok'),
    summary: summarize(input, collected, merged, health, options.now),
    identity: collected.identity,
    sources: collected.statuses,
    ...merged,
    health,
  };
}
