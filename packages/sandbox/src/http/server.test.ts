import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type SandboxServer, startSandboxServer } from './server.js';

describe('sandbox server machinery', () => {
  let server: SandboxServer;

  beforeAll(async () => {
    server = await startSandboxServer({
      name: 'Acme',
      parseForms: true,
      routes(app) {
        app.get('/api/things', async () => ({ things: [1, 2] }));
        app.post('/api/form', async (request) => ({ got: request.body }));
      },
      serverError: (reply) => reply.code(503).send({ error: 'acme down' }),
      rateLimited: (reply) => reply.code(429).header('retry-after', '7').send({ error: 'slow down' }),
      random: () => 0.25,
    });
  });
  afterAll(async () => server.close());

  it('records every request with method, path, query, body and status', async () => {
    server.clearLog();
    await fetch(`${server.url}/api/things?limit=2`);
    await fetch(`${server.url}/api/form`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=two',
    });
    expect(server.requests).toMatchObject([
      { method: 'GET', path: '/api/things', query: 'limit=2', status: 200, matched: true },
      { method: 'POST', path: '/api/form', body: { a: '1', b: 'two' }, status: 200 },
    ]);
    expect(server.requestsTo('/api/form', 'POST')).toHaveLength(1);
  });

  it('answers an unexpected route with a loud 404 and logs it as unmatched', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const response = await fetch(`${server.url}/api/unknown`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({
        error: 'The Acme sandbox does not emulate GET /api/unknown.',
      });
      expect(write).toHaveBeenCalledWith(
        '[sandbox:Acme] unexpected request GET /api/unknown: no emulated route\n',
      );
    } finally {
      write.mockRestore();
    }
    expect(server.requests.at(-1)).toMatchObject({ path: '/api/unknown', matched: false, status: 404 });
  });

  it('injects latency, errors by rate, forced rate limits and hangs, per path', async () => {
    server.inject({ pathPrefix: '/api/things', latencyMs: 60 });
    const started = performance.now();
    expect((await fetch(`${server.url}/api/things`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    server.clearFaults();

    server.inject({ pathPrefix: '/api/things', errorRate: 0.5 }); // random() = 0.25 < 0.5
    expect((await fetch(`${server.url}/api/things`)).status).toBe(503);
    server.clearFaults();
    server.inject({ pathPrefix: '/api/things', errorRate: 0.2 });
    expect((await fetch(`${server.url}/api/things`)).status).toBe(200);
    server.clearFaults();

    server.inject({ method: 'GET', rateLimit: true });
    const limited = await fetch(`${server.url}/api/things`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(server.requests.at(-1)).toMatchObject({ fault: 'rate_limit', status: 429 });
    server.clearFaults();

    server.inject({ pathPrefix: '/api/things', hang: true });
    const hung = await fetch(`${server.url}/api/things`, { signal: AbortSignal.timeout(200) }).catch(
      (e: unknown) => e,
    );
    expect(hung).toBeInstanceOf(Error);
    expect(server.requests.at(-1)).toMatchObject({ fault: 'hang', status: 0 });
    server.clearFaults();
  });
});
