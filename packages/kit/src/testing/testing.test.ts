import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector } from '../connector.js';
import {
  allPages,
  closeAfterEach,
  connectorRulesSuite,
  pageLimitProblems,
  readmePolicyProblems,
  readmeProblems,
  readmeRows,
  readWriteProblems,
  sharedFixture,
  testConnect,
  testInstance,
} from './index.js';

/** A small connector with one cached read, one write and one resource, for the README and limit rules. */
const demo = defineConnector({
  name: 'demo',
  title: 'Demo',
  description: 'Demo connector.',
  category: 'other',
  config: z.object({
    token: z.string().describe('API token.'),
    timeoutMs: z.number().default(5000).describe('Request timeout.'),
  }),
  connect: async (config: { token: string; timeoutMs: number }) => ({ token: config.token }),
});
demo.tool({
  name: 'list_things',
  title: 'List things',
  description: 'Lists things.',
  input: z.object({ limit: z.number().int().min(1).max(50).optional().describe('Page size.') }),
  output: z.object({}),
  scopes: ['demo:read'],
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  cache: { ttlSeconds: 120, scope: 'shared' },
  handler: async () => ({}),
});
demo.tool({
  name: 'add_thing',
  title: 'Add a thing',
  description: 'Adds a thing.',
  input: z.object({}),
  output: z.object({}),
  scopes: ['demo:write'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  invalidates: () => ['demo:things'],
  handler: async () => ({}),
});
demo.resource({
  name: 'thing',
  title: 'Thing',
  description: 'One thing.',
  uriTemplate: 'things/{id}',
  params: z.object({ id: z.string() }),
  scopes: ['demo:read'],
  read: async () => ({ json: {} }),
});
const connector = demo.build();

const README = [
  'Scopes: `demo:read` for reads, `demo:write` for writes.',
  '',
  '| tool          | cache                      |',
  '| ------------- | -------------------------- |',
  '| `list_things` | 120 s, `demo:read`         |',
  '| `add_thing`   | not cached, `demo:write`   |',
  '',
  '| `<namespace>://things/{id}` | the thing |',
  '',
  '| field       | default |',
  '| ----------- | ------- |',
  '| `token`     | required |',
  '| `timeoutMs` | 5000    |',
].join('\n');

describe('README checks', () => {
  it('reads the rows whose first cell is a backticked name', () => {
    const rows = readmeRows(README);
    expect([...rows.keys()]).toEqual(['list_things', 'add_thing', 'token', 'timeoutMs']);
    expect(rows.get('list_things')).toContain('120 s');
  });

  it('passes a README that documents exactly what the connector has', () => {
    expect(readmeProblems(connector, README)).toEqual([]);
    expect(readmePolicyProblems(connector, README, { scopesInRows: true })).toEqual([]);
  });

  it('names what is missing, what does not exist, and a resource not shown', () => {
    const wrong = README.replace('| `timeoutMs` |', '| `timeout` |').replace('things/{id}', 'stuff/{id}');
    expect(readmeProblems(connector, wrong)).toEqual([
      'timeoutMs has no row in the README',
      'the README has a row for timeout, which is neither a tool nor a configuration field',
      'the README does not show the resource <namespace>://things/{id}',
    ]);
  });

  it('names a wrong TTL, a missing uncached wording and an unnamed scope', () => {
    const wrong = README.replace('120 s', '60 s').replace(/`demo:write`/g, 'write');
    expect(readmePolicyProblems(connector, wrong)).toEqual([
      'the README does not name the scope demo:write',
      'the row of list_things does not say "120 s"',
    ]);
    expect(readmePolicyProblems(connector, README, { uncached: 'invalidates' })).toEqual([
      'the row of add_thing does not say "invalidates"',
    ]);
    expect(
      readmePolicyProblems(connector, README.replace('120 s, `demo:read`', '120 s'), { scopesInRows: true }),
    ).toEqual(['the row of list_things does not name demo:read']);
  });
});

describe('pageLimitProblems', () => {
  it('holds when limit accepts the cap and refuses one more, and names each way it fails', () => {
    expect(pageLimitProblems(connector, 50)).toEqual([]);
    expect(pageLimitProblems(connector, 49)).toEqual(['list_things accepts limit 50']);
    expect(pageLimitProblems(connector, 51)).toEqual(['list_things refuses limit 51']);
  });
});

describe('readWriteProblems', () => {
  const conventions = { writes: ['add_thing'], readScopes: ['demo:read'], writeScopes: ['demo:write'] };

  it('holds for reads and writes that keep the conventions', () => {
    expect(readWriteProblems(connector, conventions)).toEqual([]);
  });

  it('names a write taken for a read, and scopes of the wrong kind', () => {
    expect(readWriteProblems(connector, { ...conventions, writes: [] })).toEqual([
      'add_thing requires [demo:write], not [demo:read]',
      'add_thing is a read annotated {"readOnlyHint":false,"destructiveHint":false,"idempotentHint":false}',
      'add_thing is a read without a shared cache',
      'add_thing is a read that invalidates',
    ]);
    expect(readWriteProblems(connector, { ...conventions, writes: ['add_thing', 'list_things'] })).toEqual([
      'list_things requires [demo:read], not [demo:write]',
      'list_things is a write not marked so',
      'list_things is a write with a cache',
      'list_things is a write that invalidates nothing',
    ]);
    expect(readWriteProblems(connector, { ...conventions, scopesOf: { list_things: ['demo:all'] } })).toEqual(
      ['list_things requires [demo:read], not [demo:all]'],
    );
  });
});

describe('connectorRulesSuite', () => {
  /** Collects the suite's tests by full name instead of registering them with the runner. */
  function collect(options: Parameters<typeof connectorRulesSuite>[2]) {
    const tests = new Map<string, () => void>();
    const path: string[] = [];
    connectorRulesSuite(
      {
        describe: (name, body) => {
          path.push(name);
          body();
          path.pop();
        },
        it: (name, body) => {
          tests.set([...path, name].join(' > '), body);
        },
      },
      connector,
      options,
    );
    return tests;
  }

  const options = {
    readme: `${README}\nPages hold at most 50.`,
    maxPage: 50,
    conventions: { writes: ['add_thing'], readScopes: ['demo:read'], writeScopes: ['demo:write'] },
  };

  it('declares the contract and README tests, which pass on a connector that keeps the rules', () => {
    const tests = collect(options);
    expect([...tests.keys()]).toEqual([
      'contract rules > keeps the contract rules every connector keeps',
      'contract rules > refuses a page larger than 50',
      'contract rules > keeps reads read-only and cached, writes uncached and invalidating, each under its scopes',
      'README > documents every tool, resource and configuration field, and nothing that does not exist',
      'README > states the page cap, the scopes, each cache TTL and the limits the code uses',
    ]);
    for (const test of tests.values()) test();
  });

  it('fails a test with every problem it finds', () => {
    const tests = collect({ ...options, maxPage: 49, readmeStates: ['LIMIT 200'] });
    expect(tests.get('contract rules > refuses a page larger than 49')).toThrow(
      '1 problem(s):\nlist_things accepts limit 50',
    );
    expect(
      tests.get('README > states the page cap, the scopes, each cache TTL and the limits the code uses'),
    ).toThrow('2 problem(s):\nthe README does not say "at most 49"\nthe README does not say "LIMIT 200"');
  });
});

describe('allPages', () => {
  it('follows nextCursor to the last page, in order', async () => {
    const cursors: Array<string | undefined> = [];
    const pages = await allPages(async (cursor) => {
      cursors.push(cursor);
      const at = Number(cursor ?? 0);
      return { items: [at], ...(at < 2 ? { nextCursor: String(at + 1) } : {}) };
    });
    expect(pages.map((page) => page.items)).toEqual([[0], [1], [2]]);
    expect(cursors).toEqual([undefined, '1', '2']);
  });

  it('fails instead of paging for ever', async () => {
    await expect(allPages(async () => ({ nextCursor: 'again' }), 3)).rejects.toThrow(
      'paging did not end within 3 pages',
    );
  });
});

describe('testConnect', () => {
  it('parses the raw configuration with its defaults and connects', async () => {
    const { client, config } = await testConnect(connector, { token: 't' }, testInstance('demo'));
    expect(config).toEqual({ token: 't', timeoutMs: 5000 });
    expect(client).toEqual({ token: 't' });
    await expect(testConnect(connector, {}, testInstance('demo'))).rejects.toThrow();
  });
});

describe('fixtures', () => {
  const closed: string[] = [];
  const closable = (name: string) => ({
    name,
    close: async () => {
      closed.push(name);
    },
  });

  describe('sharedFixture', () => {
    let starts = 0;
    const shared = sharedFixture(beforeAll, afterAll, async () => closable(`shared ${++starts}`));

    it('starts once for the block', () => {
      expect(shared().name).toBe('shared 1');
    });

    it('hands every test the same one', () => {
      expect(shared().name).toBe('shared 1');
      expect(closed).toEqual([]);
    });
  });

  describe('closeAfterEach', () => {
    const track = closeAfterEach(afterEach);

    it('hands back what it tracks', () => {
      expect(track(closable('first')).name).toBe('first');
    });

    it('has closed the block fixture and what the test before tracked', () => {
      expect(closed).toEqual(['shared 1', 'first']);
    });
  });

  it('refuses to hand out a shared fixture that is not started', () => {
    const never = sharedFixture(
      () => undefined,
      () => undefined,
      async () => closable('never'),
    );
    expect(() => never()).toThrow('test setup: the shared fixture is not started');
  });
});
