import type {
  AccountMatch,
  CallOptions,
  CrmCapability,
  CustomerLookup,
  InstanceInfo,
  MatchMethod,
} from '@switchboard/kit';
import { Account, Contact, Deal, normalizeEmail, ToolError } from '@switchboard/kit';
import type { SalesforceClient } from './client.js';
import { type Call, getAccount, loadAccountDetail, searchAccounts } from './operations.js';
import { isSalesforceId, KEY_PREFIX, toId18 } from './soql.js';

/** How many candidates a lookup returns at most: composite tools want a few, not a page. */
const MAX_MATCHES = 10;

const accountId = (value: string | undefined): string | undefined => {
  const id = value?.trim();
  return id !== undefined && isSalesforceId(id) && id.startsWith(KEY_PREFIX.account) ? toId18(id) : undefined;
};

/**
 * The CRM capability over the tools' query code. Lookups try id, external id (`externalIds.salesforce`),
 * email, domain and name in that order and stop at the first that finds anyone, so that a weak name
 * match never dilutes an exact one.
 */
export function crmAdapter(client: SalesforceClient, instance: InstanceInfo): CrmCapability {
  const callOf = (options: CallOptions, lookup?: CustomerLookup): Call => ({
    client,
    upstream: options.upstream,
    identity: options.identity.with(lookup?.freeMailDomains),
    instance,
  });
  return {
    async findAccounts(lookup: CustomerLookup, options: CallOptions): Promise<AccountMatch[]> {
      const call = callOf(options, lookup);
      const byId: Array<[MatchMethod, string | undefined]> = [
        ['id', accountId(lookup.id)],
        ['external_id', accountId(lookup.externalIds?.salesforce)],
      ];
      for (const [method, id] of byId) {
        if (id === undefined) continue;
        const account = await getAccount(call, id);
        if (account !== undefined) return [{ account: Account.parse(account), matchedBy: method }];
      }
      const email = lookup.email === undefined ? undefined : normalizeEmail(lookup.email);
      const domain = lookup.domain === undefined ? undefined : call.identity.companyDomain(lookup.domain);
      const name = lookup.name?.trim();
      const stages: Array<[MatchMethod, { email?: string; domain?: string; name?: string } | undefined]> = [
        ['email', email ? { email } : undefined],
        ['domain', domain ? { domain } : undefined],
        ['name', name !== undefined && name.length >= 2 ? { name } : undefined],
      ];
      for (const [method, criteria] of stages) {
        if (criteria === undefined) continue;
        const page = await searchAccounts(call, criteria, { limit: MAX_MATCHES });
        if (page.items.length > 0) {
          // Account.parse keeps the common model only: Salesforce extras stay in the tools' outputs.
          return page.items.map((match) => ({ account: Account.parse(match), matchedBy: method }));
        }
      }
      return [];
    },

    async getAccountDetail(id: string, options: CallOptions) {
      const call = callOf(options);
      const normalized = accountId(id);
      if (normalized === undefined) {
        throw new ToolError(
          'not_found',
          `No Salesforce account with id ${id}. Search with ${instance.toolName('search_accounts')} first.`,
        );
      }
      const detail = await loadAccountDetail(call, normalized);
      return {
        account: Account.parse(detail.account),
        contacts: detail.contacts.map((contact) => Contact.parse(contact)),
        openDeals: detail.openOpportunities.map((deal) => Deal.parse(deal)),
      };
    },
  };
}
