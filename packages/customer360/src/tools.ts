import { collectCustomer } from './collect.js';
import { customer360 } from './connector.js';
import { buildProfile } from './profile.js';
import { GetCustomerInput, GetCustomerOutput } from './schemas.js';

/** Above the largest configurable deadline: the composite enforces its own, shorter one. */
const GATEWAY_TIMEOUT_MS = 30_000;

export const getCustomerTool = customer360.tool({
  name: 'get_customer',
  title: 'Customer 360',
  description:
    'Everything the company knows about one customer, from every CRM, ERP and support system at once: ' +
    'accounts and contacts, open deals, recent orders, open invoices with overdue balance and aging, open and ' +
    'recent tickets, recent support conversations, and a 0-100 health score with the factors behind it. ' +
    'Give exactly one of email, domain, company name, or system + id (e.g. a Salesforce account id). Every fact ' +
    'carries its source; fields the systems disagree on are listed under conflicts with every value. `sources` ' +
    'says per system whether it answered (ok, no_match, timeout, error, not_configured): a slow or failing ' +
    'system leaves a partial answer, not an error. Use it for account reviews and before customer calls; use ' +
    "a system's own tools to change records.",
  input: GetCustomerInput,
  output: GetCustomerOutput,
  // Never more than the tools it draws on would show: every capability's read scope is required too.
  scopes: ['customer360:read', 'crm:read', 'erp:read', 'support:read'],
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  // No cache policy: the gateway caches each source's capability calls below this tool.
  timeoutMs: GATEWAY_TIMEOUT_MS,
  async handler(input, ctx) {
    const collected = await collectCustomer(
      input,
      {
        sources: ctx.sources(),
        principal: ctx.principal,
        identity: ctx.identity,
        signal: ctx.signal,
        logger: ctx.logger,
        progress: ctx.progress,
      },
      ctx.config,
    );
    return buildProfile(input, collected, { ...ctx.config, now: new Date() });
  },
});
