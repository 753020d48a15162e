import type {
  CapabilitySource,
  CrmCapability,
  ErpCapability,
  InstanceInfo,
  SupportCapability,
} from '@switchboard/kit';
import type { MountedInstance } from './registry.js';

/**
 * Runs one capability call for an instance: connects the instance if needed, charges its upstream
 * quota, and goes through the cache when there is one. `method` names the call for keys and logs.
 */
export type CapabilityCall = <T>(
  instance: MountedInstance,
  method: string,
  args: unknown,
  run: (adapters: Adapters) => Promise<T>,
) => Promise<T>;

export interface Adapters {
  crm?: CrmCapability;
  erp?: ErpCapability;
  support?: SupportCapability;
}

/** Builds an instance's adapters from its client, once. */
export function buildAdapters(instance: MountedInstance, client: unknown, info: InstanceInfo): Adapters {
  const factories = instance.connector.capabilities;
  if (!factories) return {};
  return {
    ...(factories.crm ? { crm: factories.crm(client, info) } : {}),
    ...(factories.erp ? { erp: factories.erp(client, info) } : {}),
    ...(factories.support ? { support: factories.support(client, info) } : {}),
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not implemented`);
  return value;
}

/**
 * The capability sources a composite tool sees: every mounted instance whose connector declares a
 * capability, each method routed through `call` so caching and quotas apply as for tools.
 */
export function capabilitySources(
  instances: readonly MountedInstance[],
  call: CapabilityCall,
): CapabilitySource[] {
  const sources: CapabilitySource[] = [];
  for (const instance of instances) {
    const factories = instance.connector.capabilities;
    if (!factories) continue;
    const name = instance.info.namespace;
    const source: {
      instance: { namespace: string; connector: string };
      title: string;
      crm?: CrmCapability;
      erp?: ErpCapability;
      support?: SupportCapability;
    } = {
      instance: { namespace: name, connector: instance.info.connector },
      title: instance.connector.title,
    };
    if (factories.crm) {
      source.crm = {
        findAccounts: (lookup, options) =>
          call(instance, 'crm.findAccounts', lookup, (a) =>
            required(a.crm, 'crm').findAccounts(lookup, options),
          ),
        getAccountDetail: (id, options) =>
          call(instance, 'crm.getAccountDetail', { id }, (a) =>
            required(a.crm, 'crm').getAccountDetail(id, options),
          ),
      };
    }
    if (factories.erp) {
      source.erp = {
        findCustomers: (lookup, options) =>
          call(instance, 'erp.findCustomers', lookup, (a) =>
            required(a.erp, 'erp').findCustomers(lookup, options),
          ),
        getFinancials: (id, options) =>
          call(instance, 'erp.getFinancials', { id }, (a) =>
            required(a.erp, 'erp').getFinancials(id, options),
          ),
      };
    }
    if (factories.support) {
      source.support = {
        findTickets: (lookup, options) =>
          call(instance, 'support.findTickets', { lookup, limit: options.limit }, (a) =>
            required(a.support, 'support').findTickets(lookup, options),
          ),
        recentConversations: (lookup, options) =>
          call(instance, 'support.recentConversations', { lookup, limit: options.limit }, (a) =>
            required(a.support, 'support').recentConversations(lookup, options),
          ),
      };
    }
    sources.push(source);
  }
  return sources;
}
