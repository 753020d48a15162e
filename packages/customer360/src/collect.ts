import type {
  AccountMatch,
  CapabilitySource,
  CustomerLookup,
  Identity as KitIdentity,
  Logger,
  MatchMethod,
  Principal,
  Progress,
} from '@switchboard/kit';
import { normalizeDomain } from '@switchboard/kit';
import type { Customer360Config } from './config.js';
import { createDeadline, createGate, type Gate, type Outcome, runSource, waitForGates } from './fanout.js';
import type { SourceData } from './merge.js';
import {
  anchorLookup,
  anchorsFor,
  type Entry,
  enrichLookup,
  type FoundAccount,
  initialLookup,
  listEntries,
  pickMatch,
} from './resolve.js';
import type { GetCustomerInput, Identity, SourceStatus } from './schemas.js';

/** What the handler's context provides to the collection. */
export interface CollectContext {
  sources: readonly CapabilitySource[];
  principal: Principal;
  /** The gateway's identity rules; the configured `freeMailDomains` are added and sent in every lookup. */
  identity: KitIdentity;
  signal: AbortSignal;
  logger: Logger;
  /** Told as each source answers (or fails, or is skipped); a no-op when the client asked for none. */
  progress?: (update: Progress) => Promise<void>;
}

/** Everything the sources answered, before merging. */
export interface Collected {
  statuses: SourceStatus[];
  data: SourceData[];
  identity: Identity;
}

type Candidates = Array<{ id: string; name: string; domain?: string }>;

type EntryValue =
  | { matched: false; ambiguous?: Candidates }
  | {
      matched: true;
      matchedBy: MatchMethod;
      recordId?: string;
      others: Candidates;
      data: SourceData;
    };

interface Hooks {
  /** Called as soon as a source knows which record it matched (before its details load). */
  found(accounts: FoundAccount[], requesterEmails: string[], ambiguous?: boolean): void;
}

const MAX_CANDIDATES = 5;

/** Asks one source for the customer: match, then details (accounts) or tickets and conversations (support). */
function entryWork(
  entry: Entry,
  lookup: CustomerLookup,
  config: Customer360Config,
  hooks: Hooks,
): (signal: AbortSignal) => Promise<EntryValue> {
  const { source, capability } = entry;
  const connector = source.instance.connector;
  return async (signal) => {
    if (capability === 'support') {
      const support = source.support;
      if (support === undefined) return { matched: false };
      const [tickets, conversations] = await Promise.all([
        support.findTickets(lookup, { signal, limit: config.maxTickets }),
        support.recentConversations(lookup, { signal, limit: config.maxConversations }),
      ]);
      const matchedBy = tickets.matchedBy ?? conversations.matchedBy;
      const requesters = tickets.tickets.flatMap((ticket) =>
        ticket.requesterEmail === undefined ? [] : [ticket.requesterEmail],
      );
      hooks.found([], requesters);
      if (matchedBy === null) return { matched: false };
      const organization = tickets.tickets.find((ticket) => ticket.accountId !== undefined)?.accountId;
      return {
        matched: true,
        matchedBy,
        ...(organization === undefined ? {} : { recordId: organization }),
        others: [],
        data: {
          capability: 'support',
          tickets: tickets.tickets,
          conversations: conversations.conversations,
          ticketsMatched: tickets.matchedBy !== null,
        },
      };
    }

    const matches =
      (capability === 'crm'
        ? await source.crm?.findAccounts(lookup, { signal })
        : await source.erp?.findCustomers(lookup, { signal })) ?? [];
    const pick = pickMatch(matches, lookup);
    const candidates = (list: AccountMatch[]): Candidates =>
      list.slice(0, MAX_CANDIDATES).map(({ account }) => ({
        id: account.source.id,
        name: account.name,
        ...(account.domain === undefined ? {} : { domain: account.domain }),
      }));
    if (pick === undefined || pick.ambiguous) {
      hooks.found([], [], pick?.ambiguous === true);
      return pick === undefined ? { matched: false } : { matched: false, ambiguous: candidates(matches) };
    }
    hooks.found([{ connector, capability, account: pick.primary.account }], []);
    const id = pick.primary.account.source.id;
    const others = candidates(pick.others);
    const base = { matched: true as const, matchedBy: pick.primary.matchedBy, recordId: id, others };
    if (capability === 'crm' && source.crm !== undefined) {
      const detail = await source.crm.getAccountDetail(id, { signal });
      return { ...base, data: { capability: 'crm', ...detail } };
    }
    if (capability === 'erp' && source.erp !== undefined) {
      const financials = await source.erp.getFinancials(id, { signal });
      return { ...base, data: { capability: 'erp', ...financials } };
    }
    return { matched: false };
  };
}

function describeLookup(lookup: CustomerLookup): string {
  const parts = [
    ...Object.entries(lookup.externalIds ?? {}).map(([system, id]) => `${system} id ${id}`),
    ...(lookup.id === undefined ? [] : [`id ${lookup.id}`]),
    ...(lookup.email === undefined ? [] : [`email ${lookup.email}`]),
    ...(lookup.domain === undefined ? [] : [`domain ${lookup.domain}`]),
    ...(lookup.name === undefined ? [] : [`name "${lookup.name}"`]),
  ];
  return parts.length === 0 ? 'nothing to search by' : parts.join(', ');
}

function statusOf(entry: Entry, lookup: CustomerLookup, outcome: Outcome<EntryValue>): SourceStatus {
  const base = {
    capability: entry.capability,
    system: entry.source.instance.connector,
    instance: entry.source.instance.namespace,
    title: entry.source.title,
    durationMs: outcome.durationMs,
  };
  if (outcome.status !== 'ok') return { ...base, status: outcome.status, reason: outcome.reason };
  const value = outcome.value;
  if (!value.matched && value.ambiguous !== undefined) {
    return {
      ...base,
      status: 'no_match',
      otherCandidates: value.ambiguous,
      reason:
        `${entry.label}: ${value.ambiguous.length} or more customers match ${describeLookup(lookup)} and none exactly, ` +
        'so none is shown. Ask again with the full name, a domain, or system and id of one of otherCandidates.',
    };
  }
  if (!value.matched) {
    return {
      ...base,
      status: 'no_match',
      reason: `${entry.label} has no customer matching ${describeLookup(lookup)}.`,
    };
  }
  return {
    ...base,
    status: 'ok',
    matchedBy: value.matchedBy,
    ...(value.recordId === undefined ? {} : { recordId: value.recordId }),
    ...(value.others.length === 0
      ? {}
      : {
          otherCandidates: value.others,
          reason:
            `${value.others.length + 1} records matched by ${value.matchedBy}; the profile shows ${value.recordId ?? 'the first'}. ` +
            'Ask again with system and id to see another.',
        }),
  };
}

const CAPABILITY_RANK = { crm: 0, erp: 1, support: 2 } as const;

/**
 * Resolves the customer across every source and collects what each knows, within the deadline.
 * Never fails because of a source: each one's failure becomes its status.
 */
export async function collectCustomer(
  input: GetCustomerInput,
  ctx: CollectContext,
  config: Customer360Config,
): Promise<Collected> {
  const rules = ctx.identity.with(config.freeMailDomains);
  const isFreeMail = rules.isFreeMail;
  const extraFreeMail = config.freeMailDomains.length > 0 ? { freeMailDomains: config.freeMailDomains } : {};
  const given = initialLookup(input, isFreeMail);
  const initial = { ...given, lookup: { ...given.lookup, ...extraFreeMail } };
  const { entries, missing } = listEntries(ctx.sources, ctx.principal);
  const deadline = createDeadline(config.deadlineMs, ctx.signal);

  // Who goes first, and who waits for the first to learn the customer's ids, domain and name.
  const anchors = initial.system === undefined ? [] : anchorsFor(entries, initial.system);
  const gating =
    initial.system === undefined ? entries.filter((entry) => entry.capability !== 'support') : anchors;
  const waiting = entries.filter((entry) =>
    initial.system === undefined ? entry.capability === 'support' : !anchors.includes(entry),
  );
  const immediate = entries.filter((entry) => !waiting.includes(entry));

  const found: FoundAccount[] = [];
  const requesterEmails: string[] = [];
  let ambiguous = false;
  const gates = new Map<Entry, Gate>(gating.map((entry) => [entry, createGate()]));
  const results: Array<{ entry: Entry; status: SourceStatus; data?: SourceData }> = [];
  const total = entries.length;
  /** Records a source's answer and tells the client how many of the sources have answered. */
  const settle = (result: { entry: Entry; status: SourceStatus; data?: SourceData }) => {
    results.push(result);
    const message = `${result.entry.label}: ${result.status.status}`;
    // Progress is best effort: a client gone away must not fail the call.
    void ctx.progress?.({ progress: results.length, total, message }).catch(() => undefined);
  };

  const run = async (entry: Entry, lookup: CustomerLookup): Promise<void> => {
    const gate = gates.get(entry);
    const hooks: Hooks = {
      found(accounts, emails, isAmbiguous) {
        found.push(...accounts);
        requesterEmails.push(...emails);
        if (isAmbiguous === true) ambiguous = true;
        gate?.open();
      },
    };
    const outcome = await runSource(entryWork(entry, lookup, config, hooks), {
      timeoutMs: config.sourceTimeoutMs,
      deadline,
      label: entry.label,
    });
    gate?.open();
    if (outcome.status !== 'ok' && outcome.cause !== undefined) {
      ctx.logger.warn(
        { instance: entry.source.instance.namespace, capability: entry.capability, err: outcome.cause },
        'customer360: source failed',
      );
    }
    const status = statusOf(entry, lookup, outcome);
    settle(
      outcome.status === 'ok' && outcome.value.matched
        ? { entry, status, data: outcome.value.data }
        : { entry, status },
    );
  };

  const firstLookup = initial.system === undefined ? initial.lookup : anchorLookup(initial.lookup.id ?? '');
  const first = immediate.map((entry) => run(entry, firstLookup));
  await waitForGates([...gates.values()], Math.min(config.resolveWaitMs, deadline.remaining()));

  const systemIds: Record<string, string> = {};
  if (initial.lookup.id !== undefined) {
    for (const anchor of anchors) systemIds[anchor.source.instance.connector] ??= initial.lookup.id;
  }
  const emailDomains = requesterEmails.flatMap((email) => {
    const domain = normalizeDomain(email);
    return domain === undefined ? [] : [domain];
  });
  const enriched = {
    ...enrichLookup(initial.lookup, found, isFreeMail, {
      externalIds: systemIds,
      domains: initial.system === undefined ? [] : emailDomains,
    }),
    ...extraFreeMail,
  };
  // A name fragment that CRM or ERP found ambiguous, with no exact match anywhere, would be just as
  // ambiguous in a support system's looser search: do not let it pick up some other customer's tickets.
  const skipWaiting = ambiguous && found.length === 0 && initial.lookup.name !== undefined;
  const second = waiting.map((entry) =>
    skipWaiting
      ? Promise.resolve().then(() => {
          settle({
            entry,
            status: {
              capability: entry.capability,
              system: entry.source.instance.connector,
              instance: entry.source.instance.namespace,
              title: entry.source.title,
              status: 'no_match',
              reason: `${entry.label} was not asked: the name matches several customers in CRM or ERP.`,
              durationMs: 0,
            },
          });
        })
      : run(entry, enriched),
  );
  await Promise.all([...first, ...second]);

  // Entries are listed by capability then mount order: answers come back in a stable order.
  results.sort((a, b) => entries.indexOf(a.entry) - entries.indexOf(b.entry));
  const data = results.flatMap((result) => (result.data === undefined ? [] : [result.data]));
  const ordered = [...results.map((result) => result.status), ...missing].sort(
    (a, b) => CAPABILITY_RANK[a.capability] - CAPABILITY_RANK[b.capability],
  );

  const externalIds: Record<string, string> = { ...systemIds };
  for (const status of ordered) {
    if (status.status === 'ok' && status.capability !== 'support' && status.system && status.recordId) {
      externalIds[status.system] ??= status.recordId;
    }
  }
  const identity: Identity = {
    ...(enriched.name === undefined ? {} : { name: enriched.name }),
    ...(enriched.domain === undefined ? {} : { domain: enriched.domain }),
    ...(enriched.email === undefined ? {} : { email: enriched.email }),
    externalIds,
    ...(initial.ignoredFreeMailDomain === undefined
      ? {}
      : { ignoredFreeMailDomain: initial.ignoredFreeMailDomain }),
  };
  return { statuses: ordered, data, identity };
}
