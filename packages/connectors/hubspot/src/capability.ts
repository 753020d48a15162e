import type { CallOptions, CrmCapability, InstanceInfo, MatchMethod } from '@switchboard/kit';
import { Account, Contact, Deal, normalizeEmail, ToolError } from '@switchboard/kit';
import type { HubSpotClient, Scope } from './client.js';
import type { SearchArgs } from './operations.js';
import {
  batchRead,
  ID_PATTERN,
  loadCompanyDetail,
  mapScope,
  readObject,
  searchObjects,
} from './operations.js';
import { toCompany } from './schemas.js';

/** Composite tools want a few candidates, not a page. */
const MAX_MATCHES = 10;

/**
 * The CRM capability over the same calls as the tools. Lookups try id, external ids, email, domain
 * and name in that order and stop at the first that finds anyone.
 *
 * External ids: HubSpot has no standard property holding another system's id, so only
 * `externalIds.hubspot` (read as a HubSpot company id) is used.
 */
export function crmAdapter(client: HubSpotClient, instance: InstanceInfo): CrmCapability {
  const scopeOf = (options: CallOptions): Scope => ({ client, instance, upstream: options.upstream });

  async function byId(scope: Scope, id: string | undefined) {
    const text = id?.trim();
    if (text === undefined || !ID_PATTERN.test(text)) return undefined;
    try {
      return await readObject(scope, 'companies', text, 'not found');
    } catch (error) {
      if (error instanceof ToolError && error.code === 'not_found') return undefined;
      throw error;
    }
  }

  async function companiesBy(scope: Scope, args: Omit<SearchArgs, 'limit' | 'sort'>) {
    const page = await searchObjects(scope, 'companies', { ...args, limit: MAX_MATCHES });
    return page.results;
  }

  return {
    async findAccounts(lookup, options) {
      const scope = scopeOf(options);
      const map = mapScope(scope);
      const matches = (objects: Parameters<typeof toCompany>[1][], matchedBy: MatchMethod) =>
        objects.map((object) => ({ account: Account.parse(toCompany(map, object)), matchedBy }));

      for (const [method, id] of [
        ['id', lookup.id],
        ['external_id', lookup.externalIds?.hubspot],
      ] as const) {
        const company = await byId(scope, id);
        if (company !== undefined) return matches([company], method);
      }
      const email = lookup.email === undefined ? undefined : normalizeEmail(lookup.email);
      if (email !== undefined) {
        const contacts = await searchObjects(scope, 'contacts', {
          filters: [{ propertyName: 'email', operator: 'EQ', value: email }],
          limit: MAX_MATCHES,
        });
        const companyIds = [
          ...new Set(contacts.results.flatMap((contact) => contact.properties.associatedcompanyid ?? [])),
        ];
        const companies = await batchRead(scope, 'companies', companyIds);
        if (companies.length > 0) return matches(companies, 'email');
      }
      // A free-mail domain identifies no company.
      const identity = options.identity.with(lookup.freeMailDomains);
      const domain = lookup.domain === undefined ? undefined : identity.companyDomain(lookup.domain);
      if (domain !== undefined) {
        const companies = await companiesBy(scope, {
          filters: [{ propertyName: 'domain', operator: 'EQ', value: domain }],
        });
        if (companies.length > 0) return matches(companies, 'domain');
      }
      const name = lookup.name?.trim();
      if (name !== undefined && name.length >= 2) {
        const companies = await companiesBy(scope, { filters: [], query: name });
        if (companies.length > 0) return matches(companies, 'name');
      }
      return [];
    },

    async getAccountDetail(accountId, options) {
      const detail = await loadCompanyDetail(scopeOf(options), accountId.trim());
      return {
        account: Account.parse(detail.company),
        contacts: detail.contacts.map((contact) => Contact.parse(contact)),
        openDeals: detail.deals.filter((deal) => !deal.isClosed).map((deal) => Deal.parse(deal)),
      };
    },
  };
}
