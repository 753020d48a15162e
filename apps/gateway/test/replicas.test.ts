import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HERO_EMAILS, startZendeskSandbox, type ZendeskSandbox } from '@switchboard/sandbox';
import { openStore } from '@switchboard/store';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, redisAvailable, requireRedis, testKeyPrefix } from '../../../test-support/redis.js';
import { createKey } from '../src/admin.js';
import { type ServeProcess, serve, zendeskConnectorYaml } from './cli.js';
import { quietLogger } from './harness.js';
import { createTestDatabase, postgresReachable, requirePostgres } from './postgres.js';
import { postRpc, toolCall } from './rpc.js';

const havePostgres = await postgresReachable();
const haveRedis = await redisAvailable();
requirePostgres(havePostgres, 'three replicas on one PostgreSQL and one Redis');
requireRedis(haveRedis, 'three replicas on one PostgreSQL and one Redis');

interface Replica extends Omit<ServeProcess, 'url'> {
  url: string;
}

async function startReplica(configPath: string, env: Record<string, string>): Promise<Replica> {
  const replica = serve(configPath, env);
  return { ...replica, url: await replica.url() };
}

type Outcome =
  | { kind: 'ok' }
  | { kind: 'tool_error'; text: string }
  | { kind: 'refused'; status: number }
  | { kind: 'down' };

async function call(url: string, key: string, name: string, args: Record<string, unknown>): Promise<Outcome> {
  let response: Response;
  try {
    response = await postRpc(url, toolCall(1, name, args), { authorization: `Bearer ${key}` });
  } catch {
    return { kind: 'down' }; // Connection refused: the replica has stopped listening.
  }
  if (response.status !== 200) return { kind: 'refused', status: response.status };
  const text = await response.text();
  return text.includes('"isError":true') ? { kind: 'tool_error', text } : { kind: 'ok' };
}

describe.runIf(havePostgres && haveRedis)('three gateway replicas on one Redis and one PostgreSQL', () => {
  let sandbox: ZendeskSandbox | undefined;
  const replicas: Replica[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  afterAll(async () => {
    for (const replica of replicas) if (replica.child.exitCode === null) replica.child.kill('SIGKILL');
    await sandbox?.close();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('share one rate limit, one cache and one audit trail; SIGTERM to one loses no accepted call', async () => {
    sandbox = await startZendeskSandbox({ rateLimitPerMinute: 100_000 });
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const keys = testKeyPrefix();
    cleanups.push(() => keys.cleanup());

    const dir = mkdtempSync(join(tmpdir(), 'switchboard-replicas-'));
    const configPath = join(dir, 'switchboard.yaml');
    writeFileSync(
      configPath,
      [
        'server:',
        '  port: 0',
        '  drainDelayMs: 1000',
        '  shutdownGraceMs: 8000',
        'auth:',
        '  resource: http://127.0.0.1/mcp',
        'database:',
        '  url: ${DATABASE_URL}',
        'redis:',
        '  url: ${REDIS_URL}',
        `  keyPrefix: "${keys.prefix}"`,
        'audit:',
        '  flushIntervalMs: 50',
        'rateLimit:',
        '  max: 100000',
        '  classes:',
        '    - { name: limited, principal: "key:limited", max: 20 }',
        ...zendeskConnectorYaml(sandbox),
        '',
      ].join('\n'),
    );
    const env = { DATABASE_URL: database.url, REDIS_URL, ZENDESK_API_TOKEN: sandbox.apiToken };
    // The first replica migrates; the others find the schema in place (advisory lock).
    replicas.push(...(await Promise.all([0, 1, 2].map(() => startReplica(configPath, env)))));
    const [a, b, c] = replicas;
    if (!a || !b || !c) throw new Error('replicas missing');

    const store = await openStore({ databaseUrl: database.url, logger: quietLogger() });
    cleanups.push(() => store.close());
    const limited = (await createKey(store, { name: 'limited', scopes: ['support:read'] })).key;
    const load = (await createKey(store, { name: 'load', scopes: ['support:read'] })).key;

    // One shared rate limit: 30 calls spread over three replicas, 20 allowed in all.
    const limitedOutcomes: Outcome[] = [];
    for (let i = 0; i < 30; i++) {
      const replica = replicas[i % 3] ?? a;
      limitedOutcomes.push(
        await call(replica.url, limited, 'zendesk__find_user', { email: HERO_EMAILS.everywhere }),
      );
    }
    expect(limitedOutcomes.filter((o) => o.kind === 'ok')).toHaveLength(20);
    expect(limitedOutcomes.filter((o) => o.kind === 'refused' && o.status === 429)).toHaveLength(10);

    // One shared cache: a miss on A, then a hit on B (the vendor is asked once).
    sandbox.server.clearLog();
    const args = { requesterEmail: HERO_EMAILS.crmConflict };
    expect(await call(a.url, load, 'zendesk__search_tickets', args)).toEqual({ kind: 'ok' });
    expect(await call(b.url, load, 'zendesk__search_tickets', args)).toEqual({ kind: 'ok' });
    expect(sandbox.server.requestsTo('/api/v2/search.json')).toHaveLength(1);

    // Load with SIGTERM to C halfway: every call is either answered or refused before any work,
    // and a refused call is retried on another replica, as a client behind a load balancer would.
    sandbox.server.inject({ pathPrefix: '/api/v2/search.json', latencyMs: 300 });
    const calls = 60;
    let answered = 0;
    let refusedBeforeWork = 0;
    const run = async (i: number) => {
      const callArgs = {
        requesterEmail: HERO_EMAILS.everywhere,
        limit: (i % 50) + 1,
        status: i < 50 ? 'open' : 'solved',
      };
      for (let attempt = 0; attempt < 3; attempt++) {
        const replica = replicas[(i + attempt) % 3] ?? a;
        const outcome = await call(replica.url, load, 'zendesk__search_tickets', callArgs);
        if (outcome.kind === 'ok') {
          answered++;
          return;
        }
        if (outcome.kind === 'tool_error')
          throw new Error(`call ${i} failed after acceptance: ${outcome.text}`);
        refusedBeforeWork++;
      }
      throw new Error(`call ${i} refused on every replica`);
    };
    const pending: Array<Promise<void>> = [];
    for (let i = 0; i < calls; i++) {
      pending.push(run(i));
      if (i === 20) c.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await Promise.all(pending);
    expect(answered).toBe(calls);
    expect(await c.exited).toBe(0);
    expect(c.output()).toContain('shut down cleanly');

    for (const replica of [a, b]) replica.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);

    // A complete audit trail: one row per call each replica accepted or refused.
    const rows = await store.audit.query({ limit: 1000 });
    const loadRows = rows.filter(
      (row) => row.principal === 'key:load' && row.tool === 'zendesk__search_tickets',
    );
    expect(loadRows.filter((row) => row.outcome === 'ok')).toHaveLength(calls + 2);
    // The hit on B is recorded as such, with no vendor call.
    expect(
      loadRows.filter((row) => row.cacheStatus === 'hit' && row.upstreamCalls === 0).length,
    ).toBeGreaterThan(0);
    expect(
      loadRows.filter((row) => row.cacheStatus === 'miss' && row.upstreamCalls === 1).length,
    ).toBeGreaterThan(0);
    expect(loadRows.filter((row) => row.outcome === 'unavailable').length).toBeLessThanOrEqual(
      refusedBeforeWork,
    );
    const limitedRows = rows.filter((row) => row.principal === 'key:limited');
    expect(limitedRows.filter((row) => row.outcome === 'ok')).toHaveLength(20);
    expect(limitedRows.filter((row) => row.outcome === 'rate_limited')).toHaveLength(10);
  }, 240_000);
});
