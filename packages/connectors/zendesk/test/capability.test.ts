import { type CapabilitySource, createIdentity, Ticket } from '@switchboard/kit';
import { countingHooks, must, testSource } from '@switchboard/kit/testing';
import { demoDataset, findCustomer, HERO, HERO_EMAILS } from '@switchboard/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zendeskConnector } from '../src/index.js';
import { type Harness, instance, startHarness } from './helpers.js';

/** The kit support capability, as customer 360 calls it (through the instance's upstream). */

const dataset = demoDataset();
const zd = dataset.zendesk;
const helix = findCustomer(dataset, HERO.everywhere);
const helixOrgId = must(helix.presence.zendesk?.organizationId, 'helix organization');
const helixTickets = zd.tickets
  .filter((ticket) => ticket.organizationId === helixOrgId)
  .map((t) => String(t.id));

describe('support capability', () => {
  let h: Harness;
  let support: NonNullable<CapabilitySource['support']>;
  const options = () => ({ signal: new AbortController().signal, limit: 10 });

  beforeAll(async () => {
    h = await startHarness();
    support = must(testSource(zendeskConnector, h.client, h.config, instance).support, 'support');
  });
  afterAll(async () => h.close());

  const ids = (tickets: Ticket[]) => tickets.map((ticket) => ticket.source.id).sort();

  it('finds tickets by requester email, in the common Ticket model', async () => {
    const found = await support.findTickets({ email: HERO_EMAILS.everywhere }, options());
    expect(found.matchedBy).toBe('email');
    const maya = must(
      zd.users.find((user) => user.email === HERO_EMAILS.everywhere),
      'maya',
    );
    expect(ids(found.tickets)).toEqual(
      zd.tickets
        .filter((ticket) => ticket.requesterId === maya.id)
        .map((t) => String(t.id))
        .sort(),
    );
    for (const ticket of found.tickets) expect(Ticket.strict().safeParse(ticket).success).toBe(true);
  });

  it('finds an organization by id, by the CRM external id, by domain and by name', async () => {
    const cases = [
      [{ id: String(helixOrgId) }, 'id'],
      [{ externalIds: { zendesk: String(helixOrgId) } }, 'external_id'],
      [{ externalIds: { salesforce: must(helix.presence.salesforce?.accountId, 'sf id') } }, 'external_id'],
      [{ domain: `https://www.${helix.domain}/` }, 'domain'],
      [
        {
          name: must(
            zd.organizations.find((org) => org.id === helixOrgId),
            'org',
          ).name,
        },
        'name',
      ],
    ] as const;
    for (const [lookup, matchedBy] of cases) {
      const found = await support.findTickets(lookup, options());
      expect(found.matchedBy, JSON.stringify(lookup)).toBe(matchedBy);
      expect(ids(found.tickets)).toEqual([...helixTickets].sort());
    }
  });

  it('tries the strongest criterion first and falls through when it finds nothing', async () => {
    const found = await support.findTickets(
      { email: 'someone.new@helix-robotics.com', domain: helix.domain },
      options(),
    );
    expect(found.matchedBy).toBe('domain');
  });

  it('never matches by a free-mail domain, and answers none for a customer not in Zendesk', async () => {
    const free = await support.findTickets({ domain: 'gmail.com' }, options());
    expect(free).toEqual({ tickets: [], matchedBy: null });
    const byEmail = await support.findTickets({ email: HERO_EMAILS.freeMail }, options());
    expect(byEmail.matchedBy).toBe('email');
    const absent = findCustomer(dataset, HERO.hubspotAndOdooOnly);
    const none = await support.findTickets(
      { email: HERO_EMAILS.hubspotAndOdooOnly, domain: absent.domain, name: absent.name },
      options(),
    );
    expect(none).toEqual({ tickets: [], matchedBy: null });
  });

  it('honours free-mail domains the lookup adds and those the identity rules are configured with', async () => {
    const byLookup = await support.findTickets(
      { domain: helix.domain, freeMailDomains: [helix.domain] },
      options(),
    );
    expect(byLookup).toEqual({ tickets: [], matchedBy: null });
    const configured = must(
      testSource(zendeskConnector, h.client, h.config, instance, {
        identity: createIdentity([helix.domain]),
      }).support,
      'support',
    );
    expect(await configured.findTickets({ domain: helix.domain }, options())).toEqual({
      tickets: [],
      matchedBy: null,
    });
  });

  it('sends every vendor request of a lookup through the upstream, one quota token each', async () => {
    const hooks = countingHooks();
    const counted = must(
      testSource(zendeskConnector, h.client, h.config, instance, { hooks }).support,
      'support',
    );
    h.sandbox.server.clearLog();
    const found = await counted.findTickets({ domain: helix.domain }, options());
    expect(found.matchedBy).toBe('domain');
    expect(hooks.requests.map((request) => request.name)).toEqual(['search.organizations', 'search.tickets']);
    expect(hooks.acquired).toHaveLength(hooks.requests.length);
    expect(h.sandbox.server.requests).toHaveLength(hooks.requests.length);
  });

  it('honours the limit', async () => {
    const found = await support.findTickets({ id: String(helixOrgId) }, { ...options(), limit: 2 });
    expect(found.tickets).toHaveLength(2);
  });

  it('leaves support conversations to Slack', async () => {
    expect(await support.recentConversations({ email: HERO_EMAILS.everywhere }, options())).toEqual({
      conversations: [],
      matchedBy: null,
    });
  });
});
