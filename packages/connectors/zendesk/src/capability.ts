import type {
  CallOptions,
  CustomerLookup,
  InstanceInfo,
  MatchMethod,
  SupportCapability,
  Ticket,
} from '@switchboard/kit';
import { normalizeEmail, Ticket as TicketModel, ToolError } from '@switchboard/kit';
import type { ZendeskClient } from './client.js';
import { zendeskFetch } from './client.js';
import type { Scope } from './operations.js';
import { MAX_SEARCH_PAGE, queryValue, searchTickets } from './operations.js';
import type { ZOrganization } from './schemas.js';
import { ZOrganizationList, ZOrganizationSearch, ZOrganizationShow } from './schemas.js';

const ID_TEXT = /^\d{1,19}$/;

/**
 * The support capability over the same search code as the tools. findTickets tries, in order, and
 * stops at the first that finds tickets: `id` (a Zendesk organization id); `externalIds.zendesk`
 * (an organization id) and the other `externalIds` (matched against the organization's
 * external_id, where the CRM integration stamps its account id); `email` (tickets requested by that
 * address); `domain` (an organization whose domain_names hold it; never a free-mail domain by the
 * call's identity rules and the lookup's own list); `name` (an organization with exactly that name).
 *
 * recentConversations returns none: support conversations come from the Slack connector.
 */
export function supportAdapter(client: ZendeskClient, instance: InstanceInfo): SupportCapability {
  const scopeOf = (options: CallOptions): Scope => ({ client, instance, upstream: options.upstream });

  async function organizationById(scope: Scope, id: string): Promise<ZOrganization | undefined> {
    if (!ID_TEXT.test(id)) return undefined;
    // An id that names no organization is a miss: the next criterion is tried.
    const found = await zendeskFetch(scope.upstream, client, {
      name: 'organizations.show',
      path: `/organizations/${id}.json`,
      schema: ZOrganizationShow,
    }).catch((error: unknown) => {
      if (error instanceof ToolError && error.code === 'not_found') return undefined;
      throw error;
    });
    return found?.organization;
  }

  async function organizationsByExternalId(scope: Scope, externalId: string): Promise<ZOrganization[]> {
    const { organizations } = await zendeskFetch(scope.upstream, client, {
      name: 'organizations.search',
      path: '/organizations/search.json',
      query: { external_id: externalId },
      schema: ZOrganizationList,
    });
    return organizations;
  }

  async function organizationsByName(scope: Scope, name: string): Promise<ZOrganization[]> {
    const { organizations } = await zendeskFetch(scope.upstream, client, {
      name: 'organizations.search',
      path: '/organizations/search.json',
      query: { name },
      schema: ZOrganizationList,
    });
    return organizations.filter((org) => org.name.toLowerCase() === name.toLowerCase());
  }

  async function organizationsByDomain(scope: Scope, domain: string): Promise<ZOrganization[]> {
    const { results } = await zendeskFetch(scope.upstream, client, {
      name: 'search.organizations',
      path: '/search.json',
      query: { query: `type:organization ${queryValue(domain)}`, per_page: 20 },
      schema: ZOrganizationSearch,
    });
    // Search is by words: keep only organizations that really own the domain.
    return results.filter((org) =>
      (org.domain_names ?? []).some((candidate) => candidate.toLowerCase() === domain),
    );
  }

  async function ticketsOf(scope: Scope, organizations: ZOrganization[], limit: number): Promise<Ticket[]> {
    const tickets: Ticket[] = [];
    for (const org of organizations.slice(0, 3)) {
      if (tickets.length >= limit) break;
      const page = await searchTickets(scope, { organization: String(org.id) }, 0, limit - tickets.length);
      tickets.push(...page.tickets.map((ticket) => TicketModel.parse(ticket)));
    }
    return tickets;
  }

  return {
    async findTickets(lookup: CustomerLookup, options: CallOptions & { limit: number }) {
      const scope = scopeOf(options);
      const limit = Math.max(1, Math.min(options.limit, MAX_SEARCH_PAGE));
      const stages: Array<[MatchMethod, () => Promise<Ticket[]>]> = [];
      const id = lookup.id?.trim();
      if (id !== undefined) {
        stages.push([
          'id',
          async () => {
            const org = await organizationById(scope, id);
            return org === undefined ? [] : ticketsOf(scope, [org], limit);
          },
        ]);
      }
      for (const [system, value] of Object.entries(lookup.externalIds ?? {})) {
        const externalId = value.trim();
        if (externalId === '') continue;
        stages.push([
          'external_id',
          async () => {
            const orgs =
              system === 'zendesk'
                ? [await organizationById(scope, externalId)].filter((org) => org !== undefined)
                : await organizationsByExternalId(scope, externalId);
            return ticketsOf(scope, orgs, limit);
          },
        ]);
      }
      const email = lookup.email === undefined ? undefined : normalizeEmail(lookup.email);
      if (email !== undefined) {
        stages.push([
          'email',
          async () => {
            const page = await searchTickets(scope, { requesterEmail: email }, 0, limit);
            return page.tickets.map((ticket) => TicketModel.parse(ticket));
          },
        ]);
      }
      const identity = options.identity.with(lookup.freeMailDomains);
      const domain = lookup.domain === undefined ? undefined : identity.companyDomain(lookup.domain);
      if (domain !== undefined) {
        stages.push([
          'domain',
          async () => ticketsOf(scope, await organizationsByDomain(scope, domain), limit),
        ]);
      }
      const name = lookup.name?.trim();
      if (name !== undefined && name.length >= 2) {
        stages.push(['name', async () => ticketsOf(scope, await organizationsByName(scope, name), limit)]);
      }
      for (const [method, run] of stages) {
        const tickets = await run();
        if (tickets.length > 0) return { tickets, matchedBy: method };
      }
      return { tickets: [], matchedBy: null };
    },

    async recentConversations() {
      return { conversations: [], matchedBy: null };
    },
  };
}
