import { closeAfterEach, must, sharedFixture, testSource } from '@switchboard/kit/testing';
import {
  DEFAULT_SEED,
  demoDataset,
  findCustomer,
  generateDataset,
  HERO,
  HERO_EMAILS,
} from '@switchboard/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { slackConnector, withoutLegalForm } from '../src/index.js';
import { type Harness, harness, instance } from './helpers.js';

/** The support capability as customer 360 calls it, against the sandbox through the real client. */

const dataset = demoDataset();
const helix = findCustomer(dataset, HERO.everywhere);
const channelId = (name: string) => dataset.slack.channels.find((channel) => channel.name === name)?.id;
const signal = () => AbortSignal.timeout(10_000);

/** The support capability as a composite tool holds it: bound to the instance's upstream and identity rules. */
function adapter(h: Harness) {
  return must(testSource(slackConnector, h.client, h.config, instance).support, 'support capability');
}

describe.each([
  ['with a user token (search)', true],
  ['with a bot token only (escalation channel scan)', false],
])('recentConversations %s', (_label, withUserToken) => {
  const h = sharedFixture(beforeAll, afterAll, () =>
    harness({}, withUserToken ? {} : { userToken: undefined }),
  );

  it('finds the shared channel by domain plus escalation mentions, newest first, with authors', async () => {
    h().sandbox.server.clearLog();
    const { conversations, matchedBy } = await adapter(h()).recentConversations(
      { domain: helix.domain, name: helix.name },
      { signal: signal(), limit: 20 },
    );
    expect(matchedBy).toBe('domain');
    const channels = new Set(conversations.map((conversation) => conversation.channel));
    expect(channels).toEqual(new Set([`#ext-${HERO.everywhere}`, '#support-escalations']));
    const shared = dataset.slack.messages.filter(
      (m) => m.channelId === channelId(`ext-${HERO.everywhere}`) && m.threadRootKey === undefined,
    );
    for (const message of shared) expect(conversations.map((c) => c.text)).toContain(message.text);
    expect(conversations.some((c) => c.text.includes('45 days overdue'))).toBe(true);
    const times = conversations.map((conversation) => conversation.at);
    expect(times).toEqual([...times].sort().reverse());
    expect(conversations.map((c) => c.author)).toContain('Maya Lindqvist');
    expect(conversations[0]?.source).toMatchObject({ system: 'slack', instance: 'slack' });
    expect(h().sandbox.requestsFor('search.messages').length > 0).toBe(withUserToken);
  });

  it('matches by name when only the name is known, even without a shared channel', async () => {
    const brightwater = findCustomer(dataset, HERO.crmConflict);
    const { conversations, matchedBy } = await adapter(h()).recentConversations(
      { name: brightwater.name },
      { signal: signal(), limit: 5 },
    );
    expect(matchedBy).toBe('name');
    expect(conversations.length).toBeGreaterThan(0);
    expect(conversations.every((c) => c.channel === '#support-escalations')).toBe(true);
    expect(conversations[0]?.text).toContain('Brightwater Logistics');
  });

  it('respects the limit', async () => {
    const { conversations } = await adapter(h()).recentConversations(
      { email: HERO_EMAILS.everywhere },
      { signal: signal(), limit: 2 },
    );
    expect(conversations).toHaveLength(2);
  });

  it('finds nothing for a customer absent from Slack, and nothing from a free-mail address', async () => {
    const fjord = findCustomer(dataset, HERO.hubspotAndOdooOnly);
    expect(
      await adapter(h()).recentConversations(
        { domain: fjord.domain, name: fjord.name },
        { signal: signal(), limit: 5 },
      ),
    ).toEqual({ conversations: [], matchedBy: null });
    h().sandbox.server.clearLog();
    expect(
      await adapter(h()).recentConversations({ email: HERO_EMAILS.freeMail }, { signal: signal(), limit: 5 }),
    ).toEqual({ conversations: [], matchedBy: null });
    expect(h().sandbox.server.requests).toHaveLength(0);
  });

  it("treats the lookup's own free-mail domains as no company, and reads a domain out of a URL", async () => {
    h().sandbox.server.clearLog();
    expect(
      await adapter(h()).recentConversations(
        { domain: helix.domain, freeMailDomains: [helix.domain] },
        { signal: signal(), limit: 5 },
      ),
    ).toEqual({ conversations: [], matchedBy: null });
    expect(h().sandbox.server.requests).toHaveLength(0);
    const byUrl = await adapter(h()).recentConversations(
      { domain: `https://www.${helix.domain.toUpperCase()}/about` },
      { signal: signal(), limit: 5 },
    );
    expect(byUrl.matchedBy).toBe('domain');
    expect(byUrl.conversations.map((c) => c.channel)).toContain(`#ext-${HERO.everywhere}`);
  });

  it('leaves tickets to Zendesk', async () => {
    expect(await adapter(h()).findTickets({ domain: helix.domain }, { signal: signal(), limit: 5 })).toEqual({
      tickets: [],
      matchedBy: null,
    });
  });
});

describe('customer matching', () => {
  const track = closeAfterEach(afterEach);

  it('strips legal forms', () => {
    expect(withoutLegalForm('Helix Robotics AB')).toBe('Helix Robotics');
    expect(withoutLegalForm('Echo Motors Sp. z o.o.')).toBe('Echo Motors');
    expect(withoutLegalForm('Trident Fabrication GmbH & Co. KG')).toBe('Trident Fabrication');
    expect(withoutLegalForm('Lumen Analytics B.V.')).toBe('Lumen Analytics');
  });

  it.each([DEFAULT_SEED, 7, 99])(
    'matches every key customer to its shared channel (seed %i)',
    async (seed) => {
      const data = seed === DEFAULT_SEED ? dataset : generateDataset({ seed });
      const h = track(await harness({ dataset: data }, { userToken: undefined }));
      const support = adapter(h);
      for (const customer of data.customers.filter((c) => c.presence.slack !== undefined)) {
        for (const lookup of [{ domain: customer.domain }, { name: customer.name }]) {
          const { conversations } = await support.recentConversations(lookup, {
            signal: signal(),
            limit: 50,
          });
          expect(
            conversations.map((c) => c.channel),
            `${customer.key} ${JSON.stringify(lookup)}`,
          ).toContain(`#ext-${customer.key}`);
        }
      }
    },
  );
});
