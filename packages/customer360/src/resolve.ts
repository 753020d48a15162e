import type { Account, AccountMatch, CapabilitySource, CustomerLookup, Principal } from '@switchboard/kit';
import {
  CAPABILITY_READ_SCOPES,
  hasScopes,
  normalizeDomain,
  normalizeEmail,
  ToolError,
} from '@switchboard/kit';
import type { CapabilityKind, GetCustomerInput, SourceStatus } from './schemas.js';

/**
 * Identity resolution. Each adapter tries, in order, id, external ids, email, domain and name and
 * reports how it matched; this module decides what each source is asked:
 *
 * - email: the normalized address, and its domain unless it is a free-mail domain;
 * - domain: the normalized domain (a free-mail domain is refused: it names no customer);
 * - name: the trimmed name;
 * - system + id: that system is asked by id first (the anchor); what it returns (its id as an
 *   external id, domain, email, name) is what every other system is asked.
 *
 * Support sources also learn what the CRM and ERP matches returned (their ids as external ids,
 * domain and name), so that Zendesk finds the organization by the CRM id its integration stamped
 * rather than only one requester's tickets.
 */

/** One source asked through one capability. */
export interface Entry {
  readonly source: CapabilitySource;
  readonly capability: CapabilityKind;
  /** "Salesforce (sf_emea)", for messages. */
  readonly label: string;
}

const CAPABILITY_TITLES: Record<CapabilityKind, string> = { crm: 'CRM', erp: 'ERP', support: 'support' };
const CAPABILITY_ORDER: readonly CapabilityKind[] = ['crm', 'erp', 'support'];

/**
 * Every (source, capability) pair the caller may read, plus a not_configured status for each
 * capability with no source (or none the caller may read).
 */
export function listEntries(
  sources: readonly CapabilitySource[],
  principal: Principal,
): { entries: Entry[]; missing: SourceStatus[] } {
  const entries: Entry[] = [];
  const missing: SourceStatus[] = [];
  for (const capability of CAPABILITY_ORDER) {
    const scope = CAPABILITY_READ_SCOPES[capability];
    const mounted = sources.filter((source) => source[capability] !== undefined);
    if (mounted.length === 0) {
      missing.push({
        capability,
        status: 'not_configured',
        reason: `No ${CAPABILITY_TITLES[capability]} system is mounted in this gateway.`,
      });
      continue;
    }
    if (!hasScopes(principal, [scope])) {
      // The gateway requires every read scope for the tool; this guards composites mounted otherwise.
      missing.push({
        capability,
        status: 'not_configured',
        reason: `Not read: your credentials lack the scope ${scope}.`,
      });
      continue;
    }
    for (const source of mounted) {
      entries.push({ source, capability, label: `${source.title} (${source.instance.namespace})` });
    }
  }
  return { entries, missing };
}

/** The lookup the input gives directly, before any system has answered. */
export interface InitialLookup {
  lookup: CustomerLookup;
  ignoredFreeMailDomain?: string;
  /** For system + id: the system named. */
  system?: string;
}

export function initialLookup(
  input: GetCustomerInput,
  isFreeMail: (domain: string) => boolean,
): InitialLookup {
  if (input.email !== undefined) {
    const email = normalizeEmail(input.email);
    if (email === undefined) {
      throw new ToolError(
        'invalid_input',
        `"${input.email}" is not an email address. Give e.g. name@company.com.`,
      );
    }
    const domain = normalizeDomain(email);
    if (domain === undefined || isFreeMail(domain)) {
      return { lookup: { email }, ...(domain === undefined ? {} : { ignoredFreeMailDomain: domain }) };
    }
    return { lookup: { email, domain } };
  }
  if (input.domain !== undefined) {
    const domain = normalizeDomain(input.domain);
    if (domain === undefined) {
      throw new ToolError(
        'invalid_input',
        `"${input.domain}" is not a domain. Give e.g. helix-robotics.com.`,
      );
    }
    if (isFreeMail(domain)) {
      throw new ToolError(
        'invalid_input',
        `${domain} is a free-mail domain shared by unrelated people, so it names no customer. Look the customer ` +
          "up by the person's full email address or by the company name instead.",
      );
    }
    return { lookup: { domain } };
  }
  if (input.name !== undefined) {
    const name = input.name.trim().replace(/\s+/g, ' ');
    if (name.length < 2)
      throw new ToolError('invalid_input', 'Give a company name of at least 2 characters.');
    return { lookup: { name } };
  }
  if (input.system !== undefined && input.id !== undefined) {
    return { lookup: { id: input.id.trim() }, system: input.system.trim().toLowerCase() };
  }
  // The input schema refuses this; kept for callers that bypass it.
  throw new ToolError(
    'invalid_input',
    'Give exactly one of: email, domain, name, or system together with id.',
  );
}

/**
 * The entries a system id belongs to: instances whose namespace is `system`, else instances of the
 * connector named `system`. Within a source, the strongest capability (crm, erp, support) answers.
 */
export function anchorsFor(entries: readonly Entry[], system: string): Entry[] {
  const byNamespace = entries.filter((entry) => entry.source.instance.namespace.toLowerCase() === system);
  const matching =
    byNamespace.length > 0
      ? byNamespace
      : entries.filter((entry) => entry.source.instance.connector.toLowerCase() === system);
  const seen = new Set<string>();
  const anchors: Entry[] = [];
  for (const entry of matching) {
    if (seen.has(entry.source.instance.namespace)) continue;
    seen.add(entry.source.instance.namespace);
    anchors.push(entry);
  }
  if (anchors.length === 0) {
    const known = [
      ...new Set(
        entries.flatMap((entry) => [entry.source.instance.connector, entry.source.instance.namespace]),
      ),
    ].sort();
    throw new ToolError(
      'invalid_input',
      `No mounted system is called "${system}". Use one of: ${known.join(', ') || '(none mounted)'}; or look ` +
        'the customer up by email, domain or name.',
    );
  }
  return anchors;
}

/** The lookup for an anchor: the id, in the anchor's own system. */
export function anchorLookup(id: string): CustomerLookup {
  return { id };
}

const squash = (value: string) => value.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The record a source's matches stand for. Adapters return their strongest criterion's matches;
 * for a name match, an exact (case-insensitive) name wins over a partial one. Several partial name
 * matches are ambiguous: they are probably different customers, so none is merged (each source
 * could otherwise pick a different one). Several id, email or domain matches are the same
 * customer's records (duplicates, subsidiaries): the first is shown, the rest listed.
 */
export function pickMatch(
  matches: readonly AccountMatch[],
  lookup: CustomerLookup,
): { primary: AccountMatch; others: AccountMatch[]; ambiguous: boolean } | undefined {
  const first = matches[0];
  if (first === undefined) return undefined;
  let primary = first;
  let ambiguous = false;
  if (first.matchedBy === 'name' && lookup.name !== undefined && matches.length > 1) {
    const wanted = squash(lookup.name);
    const exact = matches.find((match) => squash(match.account.name) === wanted);
    if (exact !== undefined) primary = exact;
    else ambiguous = true;
  }
  return { primary, others: matches.filter((match) => match !== primary), ambiguous };
}

/** An account a source matched, with the connector it came from. */
export interface FoundAccount {
  connector: string;
  capability: CapabilityKind;
  account: Account;
}

/**
 * What the other sources are asked once some have answered: the input's own criteria, plus every
 * matched record's id as an external id (keyed by connector; the first instance of a connector
 * wins), the input's domain else the most common non-free-mail domain of the matches, and the
 * first CRM name (else ERP name) over the input's name: it is the customer's full name, where the
 * input may be a fragment.
 */
export function enrichLookup(
  base: CustomerLookup,
  found: readonly FoundAccount[],
  isFreeMail: (domain: string) => boolean,
  extra: { externalIds?: Record<string, string>; domains?: readonly string[] } = {},
): CustomerLookup {
  const externalIds: Record<string, string> = { ...extra.externalIds, ...base.externalIds };
  for (const { connector, account } of found) {
    if (externalIds[connector] === undefined) externalIds[connector] = account.source.id;
  }
  const domains = [
    ...found.flatMap(({ account }) => (account.domain === undefined ? [] : [account.domain])),
    ...(extra.domains ?? []),
  ]
    .map((domain) => normalizeDomain(domain))
    .filter((domain): domain is string => domain !== undefined && !isFreeMail(domain));
  const domain = base.domain ?? mostCommon(domains);
  const byCapability = (capability: CapabilityKind) =>
    found.find((entry) => entry.capability === capability)?.account.name;
  const name = byCapability('crm') ?? byCapability('erp') ?? base.name;
  const accountEmail = found.find(({ account }) => account.email !== undefined)?.account.email;
  const email = base.email ?? (base.id !== undefined ? accountEmail : undefined);
  return {
    ...(Object.keys(externalIds).length > 0 ? { externalIds } : {}),
    ...(email === undefined ? {} : { email }),
    ...(domain === undefined ? {} : { domain }),
    ...(name === undefined ? {} : { name }),
  };
}

/** The most frequent value, the earliest on ties; undefined for none. */
export function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
