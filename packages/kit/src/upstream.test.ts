import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ToolError } from './errors.js';
import { countingHooks, testUpstream } from './testing/index.js';
import { classifyFailure, errorCodes, parseRetryAfter, type UpstreamProfile } from './upstream.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base: string;
const routes = new Map<string, Handler>();
const hits = new Map<string, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = routes.get(path);
    if (!handler) {
      res.writeHead(500).end('no route');
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
}

const profile: UpstreamProfile = {
  title: 'Acme',
  requestTimeoutMs: 2_000,
  rules: [
    { status: 429, code: 'DAILY', means: 'daily_limit' },
    { status: 400, code: 'INVALID_SESSION_ID', means: 'auth' },
  ],
};

const Answer = z.object({ ok: z.literal(true) });

/** No real waiting: records the wait asked for. */
function fakeWait() {
  const waits: number[] = [];
  return {
    waits,
    wait: async (ms: number) => {
      waits.push(ms);
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<ToolError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ToolError)) throw new Error(`expected a ToolError, got ${String(error)}`);
  return error;
}

describe('upstream.fetch', () => {
  it('parses the answer, sends query, headers and JSON, and counts one token and one request', async () => {
    routes.set('/echo', (req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () =>
        json(200, { ok: true, url: req.url, auth: req.headers.authorization, body: JSON.parse(body) })(
          req,
          res,
        ),
      );
    });
    const hooks = countingHooks();
    const upstream = testUpstream(profile, { hooks });
    const answer = await upstream.fetch({
      name: 'echo',
      method: 'POST',
      url: `${base}/echo`,
      query: { q: 'a b', ids: [1, 2], skip: undefined },
      headers: { authorization: 'Bearer t' },
      json: { x: 1 },
      schema: z.object({ url: z.string(), auth: z.string(), body: z.object({ x: z.number() }) }),
    });
    expect(answer).toEqual({ url: '/echo?q=a+b&ids=1&ids=2', auth: 'Bearer t', body: { x: 1 } });
    expect(hooks.acquired).toEqual(['echo']);
    expect(hooks.requests).toEqual([{ name: 'echo', outcome: 'ok' }]);
  });

  it('maps 401, 403, 404, 400, 409 and 5xx by the default rules, naming the system', async () => {
    const cases: Array<[number, string, string]> = [
      [401, 'upstream_unavailable', 'Acme refused the credentials of this connector.'],
      [403, 'forbidden', 'The Acme account this connector uses may not do this.'],
      [404, 'not_found', 'Acme has no such record.'],
      [422, 'invalid_input', 'Acme refused the request as invalid.'],
      [409, 'conflict', 'Acme reported a conflicting change'],
      [503, 'upstream_unavailable', 'Acme is unavailable right now (HTTP 503).'],
    ];
    for (const [status, code, message] of cases) {
      routes.set(`/status/${status}`, json(status, { error: 'Something', secret: 'vendor-body' }));
      const error = await failure(
        testUpstream(profile).fetch({ url: `${base}/status/${status}`, schema: Answer }),
      );
      expect(error.code, String(status)).toBe(code);
      expect(error.message).toContain(message);
      expect(error.message).not.toContain('vendor-body');
    }
    const auth = await failure(testUpstream(profile).fetch({ url: `${base}/status/401`, schema: Answer }));
    expect(auth.retryable).toBe(false);
  });

  it('uses a request rule and the notFound shorthand before the profile and the defaults', async () => {
    routes.set('/missing', json(404, { error: 'RecordNotFound' }));
    const error = await failure(
      testUpstream(profile).fetch({
        url: `${base}/missing`,
        schema: Answer,
        notFound: 'No ticket 42 in Acme. Search with acme__search_tickets first.',
      }),
    );
    expect(error).toMatchObject({
      code: 'not_found',
      message: 'No ticket 42 in Acme. Search with acme__search_tickets first.',
    });
    routes.set('/session', json(400, [{ errorCode: 'INVALID_SESSION_ID', message: 'expired' }]));
    const session = await failure(testUpstream(profile).fetch({ url: `${base}/session`, schema: Answer }));
    expect(session).toMatchObject({ code: 'upstream_unavailable', retryable: false });
  });

  it('waits out a short Retry-After once inside the deadline, taking a token for each request sent', async () => {
    let calls = 0;
    routes.set('/busy-once', (req, res) => {
      calls += 1;
      if (calls === 1) json(429, { error: 'RateLimited' }, { 'retry-after': '1' })(req, res);
      else json(200, { ok: true })(req, res);
    });
    const hooks = countingHooks();
    const { waits, wait } = fakeWait();
    const upstream = testUpstream(
      { ...profile, maxRetryWaitMs: 5_000 },
      { hooks, wait, now: () => 0, deadlineAt: 10_000 },
    );
    await expect(upstream.fetch({ name: 'busy', url: `${base}/busy-once`, schema: Answer })).resolves.toEqual(
      { ok: true },
    );
    expect(waits).toEqual([1_000]);
    expect(hooks.acquired).toEqual(['busy', 'busy']);
    expect(hooks.requests).toEqual([
      { name: 'busy', outcome: 'rate_limited' },
      { name: 'busy', outcome: 'ok' },
    ]);
  });

  it('answers rate_limited with the vendor wait when Retry-After is past the deadline or too long', async () => {
    routes.set('/busy', json(429, {}, { 'retry-after': '30' }));
    const { waits, wait } = fakeWait();
    const late = testUpstream(
      { ...profile, maxRetryWaitMs: 60_000 },
      { wait, now: () => 0, deadlineAt: 5_000 },
    );
    const error = await failure(late.fetch({ url: `${base}/busy`, schema: Answer }));
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 30_000, retryable: true });
    expect(waits).toEqual([]);
    const long = await failure(
      testUpstream(profile, { wait }).fetch({ url: `${base}/busy`, schema: Answer }),
    );
    expect(long.retryAfterMs).toBe(30_000);
    expect(waits).toEqual([]);
  });

  it('never retries a daily limit and says when it resets', async () => {
    routes.set('/daily', json(429, { errorType: 'RATE_LIMIT', policyName: 'DAILY' }, { 'retry-after': '1' }));
    const hooks = countingHooks();
    const { waits, wait } = fakeWait();
    const error = await failure(
      testUpstream(profile, { hooks, wait }).fetch({ url: `${base}/daily`, schema: Answer }),
    );
    expect(error).toMatchObject({ code: 'rate_limited', retryable: false });
    expect(error.message).toContain('daily API allowance');
    expect(waits).toEqual([]);
    expect(hooks.acquired).toHaveLength(1);
  });

  it('times out a hung vendor at the per-request timeout', async () => {
    routes.set('/hang', () => {});
    const hooks = countingHooks();
    const error = await failure(
      testUpstream(profile, { hooks }).fetch({ url: `${base}/hang`, schema: Answer, timeoutMs: 50 }),
    );
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('did not answer in time (limit 50 ms per request)');
    expect(hooks.requests).toEqual([{ name: 'GET /hang', outcome: 'timeout' }]);
  });

  it('says cancelled when the caller goes away', async () => {
    routes.set('/hang', () => {});
    const controller = new AbortController();
    const pending = testUpstream(profile, { signal: controller.signal }).fetch({
      url: `${base}/hang`,
      schema: Answer,
    });
    setImmediate(() => controller.abort());
    const error = await failure(pending);
    expect(error).toMatchObject({ code: 'timeout', message: 'The request to Acme was cancelled.' });
  });

  it('maps an unreachable vendor to upstream_unavailable and an unexpected shape to internal', async () => {
    const unreachable = await failure(
      testUpstream(profile).fetch({ url: 'http://127.0.0.1:1/', schema: Answer }),
    );
    expect(unreachable.code).toBe('upstream_unavailable');
    routes.set('/odd', json(200, { ok: 'yes' }));
    const odd = await failure(testUpstream(profile).fetch({ url: `${base}/odd`, schema: Answer }));
    expect(odd.code).toBe('internal');
  });

  it('makes no request when the quota refuses', async () => {
    routes.set('/counted', json(200, { ok: true }));
    hits.delete('/counted');
    const hooks = countingHooks();
    hooks.refuse = new ToolError('rate_limited', 'Acme is at its request quota.', { retryAfterMs: 500 });
    const error = await failure(
      testUpstream(profile, { hooks }).fetch({ url: `${base}/counted`, schema: Answer }),
    );
    expect(error.message).toBe('Acme is at its request quota.');
    expect(hits.get('/counted')).toBeUndefined();
    expect(hooks.requests).toEqual([]);
  });
});

describe('upstream.run', () => {
  class VendorError extends Error {
    constructor(
      readonly statusCode: number,
      readonly errorCode: string,
    ) {
      super(errorCode);
    }
  }
  const vendor: UpstreamProfile = {
    ...profile,
    describe: (error) =>
      error instanceof VendorError ? { status: error.statusCode, codes: [error.errorCode] } : undefined,
    rules: [{ status: 403, code: 'REQUEST_LIMIT_EXCEEDED', means: 'daily_limit' }],
  };

  it('runs the client call with a signal and counts it', async () => {
    const hooks = countingHooks();
    const seen: AbortSignal[] = [];
    const value = await testUpstream(vendor, { hooks }).run('query', async (signal) => {
      seen.push(signal);
      return 7;
    });
    expect(value).toBe(7);
    expect(seen[0]).toBeInstanceOf(AbortSignal);
    expect(hooks.requests).toEqual([{ name: 'query', outcome: 'ok' }]);
  });

  it('classifies what the vendor client threw by the declared rules', async () => {
    const limit = await failure(
      testUpstream(vendor).run('query', async () => {
        throw new VendorError(403, 'REQUEST_LIMIT_EXCEEDED');
      }),
    );
    expect(limit).toMatchObject({ code: 'rate_limited', retryable: false });
    const missing = await failure(
      testUpstream(vendor).run(
        'retrieve',
        async () => {
          throw new VendorError(404, 'NOT_FOUND');
        },
        { notFound: 'No account 001 in Acme.' },
      ),
    );
    expect(missing).toMatchObject({ code: 'not_found', message: 'No account 001 in Acme.' });
  });

  it('turns an error that is not the vendor answer into internal, and passes a ToolError through', async () => {
    const bug = await failure(
      testUpstream(vendor).run('query', async () => {
        throw new TypeError('x is undefined');
      }),
    );
    expect(bug.code).toBe('internal');
    expect(bug.message).not.toContain('x is undefined');
    const own = new ToolError('invalid_input', 'Bad SOQL.');
    await expect(
      testUpstream(vendor).run('query', async () => {
        throw own;
      }),
    ).rejects.toBe(own);
  });

  it('abandons a client call that ignores its signal at the timeout', async () => {
    const error = await failure(
      testUpstream(vendor).run('slow', () => new Promise<never>(() => {}), { timeoutMs: 30 }),
    );
    expect(error.code).toBe('timeout');
  });
});

describe('failure helpers', () => {
  it('parses Retry-After in seconds and as a date', () => {
    expect(parseRetryAfter('2')).toBe(2_000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(
      parseRetryAfter('Wed, 02 Dec 2026 06:00:10 GMT', Date.parse('Wed, 02 Dec 2026 06:00:00 GMT')),
    ).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('finds vendor error codes in common body shapes', () => {
    expect(errorCodes([{ errorCode: 'INVALID_FIELD', message: 'x' }])).toEqual(['INVALID_FIELD']);
    expect(errorCodes({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'DAILY' })).toEqual([
      'RATE_LIMIT',
      'DAILY',
    ]);
    expect(errorCodes({ ok: false, error: 'ratelimited' })).toEqual(['ratelimited']);
    expect(errorCodes('plain text')).toEqual([]);
  });

  it('uses rate-limit defaults when the vendor gives no wait', () => {
    const { error, retryInMs } = classifyFailure({ status: 429, codes: [] }, { title: 'Acme' });
    expect(error.code).toBe('rate_limited');
    expect(retryInMs).toBe(error.retryAfterMs);
  });
});
