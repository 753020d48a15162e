import type { AddressInfo } from 'node:net';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';

/**
 * Shared machinery of the vendor emulators: an HTTP server on loopback and a free port, a request
 * log that tests assert on, fault injection, and a loud 404 for any route the emulator does not
 * implement (so a connector calling something unexpected fails its test instead of passing by luck).
 */

export interface Fault {
  /** Added latency before answering, in milliseconds. */
  latencyMs?: number;
  /** Uniform random extra latency in [0, jitterMs). */
  jitterMs?: number;
  /** Share of requests (0..1) answered with the vendor's server error. */
  errorRate?: number;
  /** Answer every matching request with the vendor's rate-limit response. */
  rateLimit?: boolean;
  /** Never answer matching requests (until the server closes). */
  hang?: boolean;
}

export interface FaultRule extends Fault {
  /** Applies to requests whose path starts with this (default: every request). */
  pathPrefix?: string;
  /** Applies to requests with this method (default: any). */
  method?: string;
}

export interface RecordedRequest {
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Status sent, or 0 when the request was left hanging. */
  status: number;
  /** False when no emulator route matched (answered 404). */
  matched: boolean;
  /** The fault applied, if any. */
  fault?: 'latency' | 'error' | 'rate_limit' | 'hang';
}

export interface VendorFaultResponses {
  /** How this vendor says "server error" (status and body). */
  serverError(reply: FastifyReply): FastifyReply;
  /** How this vendor says "rate limited". */
  rateLimited(reply: FastifyReply): FastifyReply;
}

export interface SandboxServerOptions extends VendorFaultResponses {
  /** Vendor name, for the 404 message and warnings. */
  name: string;
  /** Registers the emulator's routes. */
  routes(app: FastifyInstance): void | Promise<void>;
  /** Random source for jitter and error rate (seeded in tests for repeatability). */
  random?: () => number;
  /** Form bodies (Slack, OAuth token endpoints) parsed into objects. */
  parseForms?: boolean;
}

export interface SandboxServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Adds a fault rule; rules are matched in order and the first match applies. */
  inject(rule: FaultRule): void;
  clearFaults(): void;
  clearLog(): void;
  /** Requests whose path starts with `prefix` (and method, when given). */
  requestsTo(prefix: string, method?: string): RecordedRequest[];
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    sandboxRecord?: RecordedRequest;
  }
}

function matches(rule: FaultRule, request: FastifyRequest, path: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== request.method) return false;
  return rule.pathPrefix === undefined || path.startsWith(rule.pathPrefix);
}

export async function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const random = options.random ?? Math.random;
  const requests: RecordedRequest[] = [];
  let faults: FaultRule[] = [];
  const hanging = new Set<FastifyReply>();
  const releaseHanging: Array<() => void> = [];

  const app = Fastify({ logController: new LogController({ disableRequestLogging: true }) });

  if (options.parseForms) {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        const form: Record<string, string> = {};
        for (const [key, value] of new URLSearchParams(
          typeof body === 'string' ? body : body.toString('utf8'),
        )) {
          form[key] = value;
        }
        done(null, form);
      },
    );
  }

  app.addHook('preHandler', async (request, reply) => {
    const [path = '', query = ''] = request.url.split('?', 2);
    const record: RecordedRequest = {
      at: Date.now(),
      method: request.method,
      path,
      query,
      headers: request.headers,
      body: request.body,
      status: 0,
      matched: request.is404 !== true,
    };
    request.sandboxRecord = record;
    requests.push(record);
    if (!record.matched) return;

    const rule = faults.find((candidate) => matches(candidate, request, path));
    if (!rule) return;
    const delay = (rule.latencyMs ?? 0) + (rule.jitterMs ? random() * rule.jitterMs : 0);
    if (delay > 0) {
      record.fault = 'latency';
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    if (rule.hang) {
      record.fault = 'hang';
      hanging.add(reply);
      // Held until close(), which destroys the socket first: the client never gets an answer.
      await new Promise<void>((resolve) => releaseHanging.push(resolve));
      reply.hijack();
      return;
    }
    if (rule.rateLimit) {
      record.fault = 'rate_limit';
      return options.rateLimited(reply);
    }
    if (rule.errorRate !== undefined && random() < rule.errorRate) {
      record.fault = 'error';
      return options.serverError(reply);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    if (request.sandboxRecord) request.sandboxRecord.status = reply.statusCode;
  });

  app.setNotFoundHandler(async (request, reply) => {
    process.stderr.write(
      `[sandbox:${options.name}] unexpected request ${request.method} ${request.url}: no emulated route\n`,
    );
    return reply.code(404).send({
      sandbox: options.name,
      error: `The ${options.name} sandbox does not emulate ${request.method} ${request.url.split('?')[0]}.`,
    });
  });

  await options.routes(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('sandbox server has no TCP address');
  const { port } = address satisfies AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inject(rule) {
      faults.push(rule);
    },
    clearFaults() {
      faults = [];
    },
    clearLog() {
      requests.length = 0;
    },
    requestsTo(prefix, method) {
      return requests.filter(
        (r) => r.path.startsWith(prefix) && (method === undefined || r.method === method),
      );
    },
    async close() {
      for (const reply of hanging) reply.raw.destroy();
      hanging.clear();
      for (const release of releaseHanging.splice(0)) release();
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
