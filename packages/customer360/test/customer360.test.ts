import type { CapabilitySource, Progress, ToolError } from '@switchboard/kit';
import { createIdentity, isToolError } from '@switchboard/kit';
import { testContext, testInstance } from '@switchboard/kit/testing';
import { demoDataset, findCustomer, HERO, HERO_EMAILS } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  Customer360Config,
  type GetCustomerInput,
  type GetCustomerOutput,
  getCustomerTool,
  ticketScore,
} from '../src/index.js';
import { must, startWorld, type World } from './harness.js';

const dataset = demoDataset();
const helix = findCustomer(dataset, HERO.everywhere);
const brightwater = findCustomer(dataset, HERO.crmConflict);
const lumen = findCustomer(dataset, HERO.healthy);
const atelier = findCustomer(dataset, HERO.freeMail);

const ALL_SOURCES = ['salesforce', 'hubspot', 'odoo', 'zendesk', 'slack'];

let world: World;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

/** Calls the tool as the gateway does: input schema, handler with ctx.sources(), output schema. */
async function call(
  raw: z.input<typeof GetCustomerInput>,
  overrides: Partial<z.input<typeof Customer360Config>> = {},
  sources: readonly CapabilitySource[] = world.sources,
): Promise<GetCustomerOutput> {
  const config = Customer360Config.parse(overrides);
  const input = getCustomerTool.input.parse(raw);
  const ctx = testContext({ config }, config, {
    instance: testInstance('customer360'),
    sources: () => sources,
  });
  return getCustomerTool.output.parse(await getCustomerTool.handler(input, ctx));
}

async function toolError(promise: Promise<unknown>): Promise<ToolError> {
  const outcome = await promise.then(
    () => new Error('expected a ToolError, but the call succeeded'),
    (error: unknown) => error,
  );
  if (!isToolError(outcome)) throw outcome;
  return outcome;
}

const statusOf = (out: GetCustomerOutput, instance: string) =>
  must(
    out.sources.find((source) => source.instance === instance),
    `status of ${instance}`,
  );
const systemsOf = (records: ReadonlyArray<{ source: { system: string } }>) =>
  [...new Set(records.map((record) => record.source.system))].sort();

describe('customer360__get_customer on the demo dataset', () => {
  it('builds a complete profile of a customer present in every system, every source ok', async () => {
    const out = await call({ email: HERO_EMAILS.everywhere });

    expect(out.found).toBe(true);
    expect(out.sources.map((s) => [s.instance, s.status])).toEqual(ALL_SOURCES.map((name) => [name, 'ok']));
    expect(statusOf(out, 'salesforce').matchedBy).toBe('email');
    // Zendesk learns the Salesforce account id from the CRM match: the whole organization's tickets.
    expect(statusOf(out, 'zendesk').matchedBy).toBe('external_id');
    expect(statusOf(out, 'slack').matchedBy).toBe('domain');

    const sfId = must(helix.presence.salesforce?.accountId, 'salesforce id');
    const hsId = must(helix.presence.hubspot?.companyId, 'hubspot id');
    const odooId = String(must(helix.presence.odoo?.partnerId, 'odoo id'));
    expect(out.accounts.map((a) => [a.source.system, a.source.id])).toEqual([
      ['salesforce', sfId],
      ['hubspot', hsId],
      ['odoo', odooId],
    ]);
    expect(out.identity.externalIds).toEqual({ salesforce: sfId, hubspot: hsId, odoo: odooId });
    expect(out.summary.name).toBe(helix.name);
    expect(out.summary.domain).toBe(helix.domain);
    expect(systemsOf(out.contacts)).toEqual(['hubspot', 'odoo', 'salesforce']);
    expect(
      out.contacts.some((c) => c.email === HERO_EMAILS.everywhere && c.source.system === 'salesforce'),
    ).toBe(true);

    const openOpps = dataset.salesforce.opportunities.filter((o) => o.accountId === sfId && !o.isClosed);
    expect(
      out.openDeals
        .filter((d) => d.source.system === 'salesforce')
        .map((d) => d.source.id)
        .sort(),
    ).toEqual(openOpps.map((o) => o.id).sort());
    expect(out.orders.length).toBeGreaterThan(0);
    expect(systemsOf(out.orders)).toEqual(['odoo']);

    // Odoo: one invoice 45 days overdue, one 8 days, one not yet due.
    expect(out.invoices.map((i) => i.daysOverdue)).toEqual([45, 8, 0]);
    const receivable = must(out.receivables[0], 'receivable');
    expect(receivable.source).toMatchObject({ system: 'odoo', id: odooId });
    expect(receivable.overdue.currency).toBe('EUR');
    expect(receivable.overdue.amount).toBeGreaterThan(0);
    expect(receivable.aging.d31_60).toBeGreaterThan(0);
    expect(out.summary.maxDaysOverdue).toBe(45);

    const orgId = must(helix.presence.zendesk?.organizationId, 'zendesk org');
    const openZendesk = dataset.zendesk.tickets.filter(
      (t) => t.organizationId === orgId && ['new', 'open', 'pending', 'hold'].includes(t.status),
    );
    expect(out.openTickets.map((t) => t.source.id).sort()).toEqual(
      openZendesk.map((t) => String(t.id)).sort(),
    );
    const urgent = must(out.openTickets[0], 'first open ticket');
    expect(urgent).toMatchObject({ priority: 'urgent', status: 'open', source: { system: 'zendesk' } });
    expect(urgent.subject).toContain('Production line down');
    expect(out.recentTickets.every((t) => t.status === 'solved' || t.status === 'closed')).toBe(true);
    expect(out.conversations.length).toBeGreaterThan(0);
    expect(out.conversations.some((c) => c.channel === '#ext-helix-robotics')).toBe(true);
    expect(systemsOf(out.conversations)).toEqual(['slack']);

    // Both CRMs agree on name, employees and phone (industries come from different vocabularies).
    expect(out.conflicts.map((c) => c.field).filter((f) => f !== 'industry')).toEqual([]);
    expect(out.summary.unavailableSystems).toEqual([]);
  });

  it('reports progress as each source answers: one update per source, counting up to all of them', async () => {
    const updates: Progress[] = [];
    const config = Customer360Config.parse({});
    const ctx = testContext({ config }, config, {
      instance: testInstance('customer360'),
      sources: () => world.sources,
      progress: async (update) => {
        updates.push(update);
      },
    });
    const input = getCustomerTool.input.parse({ email: HERO_EMAILS.everywhere });
    await getCustomerTool.handler(input, ctx);
    expect(updates.map((update) => update.progress)).toEqual([1, 2, 3, 4, 5]);
    expect(updates.every((update) => update.total === ALL_SOURCES.length)).toBe(true);
    const named = updates.map((update) => update.message ?? '').sort();
    for (const system of ALL_SOURCES)
      expect(named.some((message) => message.includes(`(${system}): ok`))).toBe(true);
  });

  it('keeps both values of conflicting CRM fields, each with its source', async () => {
    const out = await call({ email: HERO_EMAILS.crmConflict });
    const sf = must(
      dataset.salesforce.accounts.find((a) => a.customerKey === brightwater.key),
      'salesforce account',
    );
    const hs = must(
      dataset.hubspot.companies.find((c) => c.customerKey === brightwater.key),
      'hubspot company',
    );
    const conflict = (field: string) =>
      must(
        out.conflicts.find((c) => c.field === field),
        `conflict on ${field}`,
      ).values.map((v) => ({ value: v.value, systems: v.sources.map((s) => `${s.system}:${s.id}`).sort() }));
    const odooId = String(must(brightwater.presence.odoo?.partnerId, 'odoo id'));

    expect(conflict('name')).toEqual([
      { value: sf.name, systems: [`odoo:${odooId}`, `salesforce:${sf.id}`] },
      { value: hs.name, systems: [`hubspot:${hs.id}`] },
    ]);
    expect(conflict('employees')).toEqual([
      { value: sf.numberOfEmployees, systems: [`salesforce:${sf.id}`] },
      { value: hs.numberOfEmployees, systems: [`hubspot:${hs.id}`] },
    ]);
    expect(conflict('phone')).toEqual([
      { value: sf.phone, systems: [`odoo:${odooId}`, `salesforce:${sf.id}`] },
      { value: hs.phone, systems: [`hubspot:${hs.id}`] },
    ]);
    expect(conflict('industry').map((v) => v.value)).toEqual([sf.industry, hs.industry]);
    // Not silently resolved: both accounts stay in the profile, and the summary says so.
    expect(out.accounts.map((a) => a.name)).toEqual([sf.name, hs.name, sf.name]);
    expect(out.summary.text).toContain('disagree on: name');
    expect(out.summary.name).toBe(sf.name);
  });

  it('answers within the deadline when a sandbox hangs, marking that source timeout', async () => {
    world.hubspot.server.inject({ hang: true });
    try {
      // The source timeout equals the deadline: the deadline is what cuts the hung source off.
      const deadlineMs = 1500;
      const started = performance.now();
      const out = await call(
        { email: HERO_EMAILS.everywhere },
        { deadlineMs, sourceTimeoutMs: deadlineMs, resolveWaitMs: 400 },
      );
      const elapsed = performance.now() - started;

      expect(elapsed).toBeLessThan(deadlineMs + 500);
      expect(statusOf(out, 'hubspot')).toMatchObject({ status: 'timeout' });
      expect(statusOf(out, 'hubspot').reason).toContain('did not answer');
      for (const name of ['salesforce', 'odoo', 'zendesk', 'slack'])
        expect(statusOf(out, name).status).toBe('ok');
      expect(systemsOf(out.accounts)).toEqual(['odoo', 'salesforce']);
      expect(out.openTickets.length).toBeGreaterThan(0);
      expect(out.invoices.length).toBeGreaterThan(0);
      expect(out.summary.unavailableSystems).toEqual(['hubspot (timeout)']);
      expect(out.summary.text).toContain('Incomplete');
    } finally {
      world.hubspot.server.clearFaults();
    }
  });

  it('marks a failing sandbox error and still answers with the rest', async () => {
    world.salesforce.server.inject({ errorRate: 1 });
    try {
      const out = await call({ email: HERO_EMAILS.everywhere });
      const sf = statusOf(out, 'salesforce');
      expect(sf.status).toBe('error');
      expect(sf.reason).toMatch(/^Salesforce \(salesforce\): /);
      expect(sf.reason).not.toContain('UNKNOWN_EXCEPTION');
      for (const name of ['hubspot', 'odoo', 'zendesk', 'slack'])
        expect(statusOf(out, name).status).toBe('ok');
      expect(systemsOf(out.accounts)).toEqual(['hubspot', 'odoo']);
      expect(out.found).toBe(true);
      expect(out.health.score).not.toBeNull();
    } finally {
      world.salesforce.server.clearFaults();
    }
  });

  it('scores a customer with overdue invoices and an urgent ticket below a healthy one', async () => {
    const troubled = await call({ email: HERO_EMAILS.everywhere });
    const healthy = await call({ email: HERO_EMAILS.healthy });
    const factor = (out: GetCustomerOutput, name: string) =>
      must(
        out.health.factors.find((f) => f.name === name),
        `factor ${name}`,
      );

    // Helix: one urgent open and one high pending ticket; most of the receivable overdue.
    expect(troubled.health.dropped).toEqual([]);
    expect(factor(troubled, 'support_tickets').score).toBe(ticketScore({ open: 2, urgent: 1, high: 1 }));
    const r = must(troubled.receivables[0], 'receivable');
    expect(factor(troubled, 'overdue_receivable').score).toBe(
      Math.round(100 * (1 - r.overdue.amount / r.receivable.amount)),
    );
    expect(factor(troubled, 'overdue_receivable').score).toBeLessThan(40);
    expect(factor(troubled, 'activity_recency').score).toBe(100);
    expect(factor(troubled, 'open_pipeline').score).toBe(70);
    expect(troubled.health.factors.map((f) => [f.name, f.weight])).toEqual([
      ['support_tickets', 0.3],
      ['overdue_receivable', 0.3],
      ['activity_recency', 0.2],
      ['open_pipeline', 0.2],
    ]);
    const expected = Math.round(troubled.health.factors.reduce((sum, f) => sum + f.score * f.weight, 0));
    expect(troubled.health.score).toBe(expected);
    expect(troubled.health.band).toBe('yellow');

    // Lumen: paid up, one normal open ticket, two open opportunities, recent activity.
    expect(healthy.health.dropped).toEqual([]);
    expect(factor(healthy, 'support_tickets').score).toBe(95);
    expect(factor(healthy, 'overdue_receivable').score).toBe(100);
    expect(factor(healthy, 'open_pipeline').score).toBe(100);
    expect(healthy.health.band).toBe('green');
    expect(must(healthy.health.score, 'score')).toBeGreaterThanOrEqual(90);
    expect(must(healthy.health.score, 'score')).toBeGreaterThan(must(troubled.health.score, 'score') + 30);
  });

  it('resolves a free-mail address by exact email, never by its domain', async () => {
    world.salesforce.server.clearLog();
    const out = await call({ email: HERO_EMAILS.freeMail });
    expect(out.identity.ignoredFreeMailDomain).toBe('gmail.com');
    expect(out.identity.domain).toBe(atelier.domain); // learned from the matched accounts, not the address
    expect(statusOf(out, 'salesforce').matchedBy).toBe('email');
    expect(statusOf(out, 'odoo').matchedBy).toBe('email');
    expect(out.accounts.every((a) => a.name === atelier.name)).toBe(true);
    expect(
      world.salesforce.server.requests.some((r) => decodeURIComponent(r.query).includes('@gmail.com%')),
    ).toBe(false);

    // Someone unknown at gmail.com: nobody matches, although many people share the domain.
    const stranger = await call({ email: 'nobody.known.here@gmail.com' });
    expect(stranger.found).toBe(false);
    expect(stranger.sources.map((s) => s.status)).toEqual(ALL_SOURCES.map(() => 'no_match'));

    const refused = await toolError(call({ domain: 'gmail.com' }));
    expect(refused.code).toBe('invalid_input');
    expect(refused.message).toContain('free-mail');
  });

  it('applies one set of identity rules in every adapter: an extra free-mail domain stops domain matching everywhere', async () => {
    const lookup = { domain: helix.domain };
    /** How each source matched the company domain: 'domain', or null when it did not. */
    const matches = async (
      sources: readonly CapabilitySource[],
      extra: Partial<typeof lookup> & { freeMailDomains?: string[] } = {},
    ) => {
      const signal = AbortSignal.timeout(20_000);
      const by: Record<string, string | null> = {};
      for (const source of sources) {
        const query = { ...lookup, ...extra };
        const name = source.instance.namespace;
        if (source.crm) by[name] = (await source.crm.findAccounts(query, { signal }))[0]?.matchedBy ?? null;
        if (source.erp) by[name] = (await source.erp.findCustomers(query, { signal }))[0]?.matchedBy ?? null;
        if (source.support) {
          const tickets = await source.support.findTickets(query, { signal, limit: 5 });
          const conversations = await source.support.recentConversations(query, { signal, limit: 5 });
          by[name] = tickets.matchedBy ?? conversations.matchedBy;
        }
      }
      return by;
    };
    const everyone = {
      salesforce: 'domain',
      hubspot: 'domain',
      odoo: 'domain',
      zendesk: 'domain',
      slack: 'domain',
    };
    expect(await matches(world.sources)).toEqual(everyone);
    const nobody = { salesforce: null, hubspot: null, odoo: null, zendesk: null, slack: null };
    // Configured for the gateway (identity.freeMailDomains) ...
    expect(await matches(world.sourcesWith(createIdentity([helix.domain])))).toEqual(nobody);
    // ... or carried by the lookup (customer 360's own freeMailDomains).
    expect(await matches(world.sources, { freeMailDomains: [helix.domain] })).toEqual(nobody);
  });

  it("carries customer 360's configured free-mail domains to every source", async () => {
    const refused = await toolError(call({ domain: helix.domain }, { freeMailDomains: [helix.domain] }));
    expect(refused.message).toContain('free-mail');
    // By name, the lookup that reaches every source carries the extra domain: nobody matches by it.
    const byName = await call({ name: helix.name }, { freeMailDomains: [helix.domain] });
    expect(byName.sources.every((source) => source.matchedBy !== 'domain')).toBe(true);
  });

  it('looks a customer up by Salesforce id, then finds it elsewhere through what Salesforce returned', async () => {
    const sfId = must(helix.presence.salesforce?.accountId, 'salesforce id');
    const out = await call({ system: 'salesforce', id: sfId });
    expect(statusOf(out, 'salesforce')).toMatchObject({ status: 'ok', matchedBy: 'id', recordId: sfId });
    expect(statusOf(out, 'zendesk')).toMatchObject({ status: 'ok', matchedBy: 'external_id' });
    expect(statusOf(out, 'hubspot').status).toBe('ok');
    expect(statusOf(out, 'odoo').status).toBe('ok');
    expect(statusOf(out, 'slack')).toMatchObject({ status: 'ok', matchedBy: 'domain' });
    expect(out.accounts.map((a) => a.name)).toEqual([helix.name, helix.name, helix.name]);
    expect(out.identity).toMatchObject({ domain: helix.domain, name: helix.name });

    const unknown = await toolError(call({ system: 'netsuite', id: '42' }));
    expect(unknown.code).toBe('invalid_input');
    expect(unknown.message).toContain('salesforce');
  });

  it('reports every source no_match and a clear summary for a customer in no system', async () => {
    const out = await call({ name: 'Zyxwvut Imaginary Holdings' });
    expect(out.found).toBe(false);
    expect(out.sources.map((s) => [s.instance, s.status])).toEqual(
      ALL_SOURCES.map((name) => [name, 'no_match']),
    );
    expect(out.summary.text).toContain(
      'No system knows a customer matching name "Zyxwvut Imaginary Holdings"',
    );
    expect(out.summary.matchedSystems).toEqual([]);
    expect(out.accounts).toEqual([]);
    expect(out.health).toMatchObject({ score: null, band: null, factors: [] });
    expect(out.health.reason).toContain('no score');
  });

  it('marks a capability with no mounted system not_configured and renormalises the health weights', async () => {
    const withoutErp = world.sources.filter((source) => source.erp === undefined);
    const out = await call({ domain: `https://www.${lumen.domain}/` }, {}, withoutErp);
    expect(out.sources.find((s) => s.capability === 'erp')).toEqual({
      capability: 'erp',
      status: 'not_configured',
      reason: 'No ERP system is mounted in this gateway.',
    });
    expect(out.health.dropped.map((d) => d.name)).toEqual(['overdue_receivable']);
    expect(out.health.factors.reduce((sum, f) => sum + f.weight, 0)).toBeCloseTo(1, 3);
    expect(statusOf(out, 'salesforce').matchedBy).toBe('domain');
  });

  it('refuses ambiguous input with a message that says what to give', () => {
    const both = getCustomerTool.input.safeParse({ email: HERO_EMAILS.everywhere, name: 'Helix' });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0]?.message).toContain('exactly one of');
    expect(getCustomerTool.input.safeParse({ id: '001' }).success).toBe(false);
    expect(getCustomerTool.input.safeParse({}).success).toBe(false);
    expect(getCustomerTool.input.safeParse({ system: 'odoo', id: '81' }).success).toBe(true);
  });
});

describe('ambiguous names', () => {
  it('merges no record when a name fragment matches several customers, and lists the candidates', async () => {
    const out = await call({ name: 'Logistics' });
    const sf = statusOf(out, 'salesforce');
    expect(sf.status).toBe('no_match');
    expect(sf.reason).toContain('none is shown');
    const sfLogistics = dataset.salesforce.accounts.filter((a) => a.name.includes('Logistics'));
    expect(sfLogistics.length).toBeGreaterThan(1);
    expect(sf.otherCandidates?.map((c) => c.id)).toEqual(
      expect.arrayContaining(sfLogistics.slice(0, 2).map((a) => a.id)),
    );
    expect(out.accounts.some((a) => a.source.system === 'salesforce')).toBe(false);
  });

  it('takes the exact name among several partial matches', async () => {
    const out = await call({ name: brightwater.name });
    expect(statusOf(out, 'salesforce')).toMatchObject({
      status: 'ok',
      matchedBy: 'name',
      recordId: must(brightwater.presence.salesforce?.accountId, 'sf id'),
    });
  });
});
