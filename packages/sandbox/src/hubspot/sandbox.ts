import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resolveAsOf } from '../dataset/dates.js';
import { demoDataset } from '../dataset/generate.js';
import type { Dataset } from '../dataset/types.js';
import { type SandboxServer, startSandboxServer } from '../http/server.js';
import { RateLimiter, type RateLimitPolicy } from './rate-limit.js';
import { parseSearchRequest, runSearch, SearchValidationError } from './search.js';
import {
  DEFAULT_PIPELINE_STAGES,
  HubSpotStore,
  isObjectType,
  type ObjectType,
  SINGULAR,
  unlabeledTypeId,
} from './store.js';

/**
 * An emulator of HubSpot's CRM API (v3 objects, search, batch read, notes, v4 associations) that
 * `@hubspot/api-client` cannot tell from api.hubapi.com: bearer token auth, HubSpot's error bodies,
 * the ten-secondly and daily rate limits with their headers, and the shared fault injection.
 */

export interface HubSpotSandboxOptions {
  dataset?: Dataset;
  /** The day the dataset's date offsets are relative to (default today, UTC). */
  asOf?: Date;
  /** The private app token the emulator accepts. */
  accessToken?: string;
  /** Requests per rolling ten-second window (default 190, a Professional private app). */
  tenSecondlyLimit?: number;
  /** Rolling window length in milliseconds (default 10,000). */
  windowMs?: number;
  /** Requests per day (default 625,000, Professional with the API add-on). */
  dailyLimit?: number;
  /** Clock of the rate-limit counters (tests pass a fake one to move the window). */
  now?: () => number;
  /** Status of injected server errors: HubSpot's edge answers 502, the API itself 500. */
  serverErrorStatus?: 500 | 502;
  /** Random source for fault injection. */
  random?: () => number;
}

export type HubSpotRateLimitPolicy = RateLimitPolicy;

export interface HubSpotRateLimitRule {
  policy: RateLimitPolicy;
  /** Applies to requests whose path starts with this (default: every request). */
  pathPrefix?: string;
  method?: string;
  /** How many requests to refuse before the rule expires (default: until cleared). */
  times?: number;
}

export interface HubSpotSandbox {
  /** Base URL: pass as the client's `basePath`. */
  readonly url: string;
  /** The shared server: request log, `inject()` faults (its rate limit is TEN_SECONDLY_ROLLING). */
  readonly server: SandboxServer;
  readonly accessToken: string;
  readonly portalId: number;
  readonly store: HubSpotStore;
  /** Forces 429s of either policy, HubSpot's body and headers included. */
  injectRateLimit(rule: HubSpotRateLimitRule): void;
  /** Removes forced 429s and zeroes both counters. */
  resetRateLimits(): void;
  close(): Promise<void>;
}

export const DEFAULT_HUBSPOT_TOKEN = 'pat-na1-00000000-sandbox-switchboard';

const JSON_TYPE = 'application/json;charset=utf-8';

function errorBody(message: string, category: string, extra: Record<string, unknown> = {}) {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

function rateLimitBody(policy: RateLimitPolicy) {
  return {
    status: 'error',
    message:
      policy === 'DAILY'
        ? 'You have reached your daily limit.'
        : 'You have reached your ten_secondly_rolling limit.',
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: policy,
  };
}

/** Repeated (`?properties=a&properties=b`) or comma-separated (`?properties=a,b`) query values. */
function listParam(value: unknown): string[] | undefined {
  const raw = Array.isArray(value) ? value : typeof value === 'string' ? [value] : undefined;
  if (raw === undefined) return undefined;
  return raw
    .filter((item): item is string => typeof item === 'string')
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter(Boolean);
}

function param(request: FastifyRequest, name: string): string {
  const params = request.params;
  if (typeof params === 'object' && params !== null && name in params) {
    const value: unknown = Reflect.get(params, name);
    if (typeof value === 'string') return value;
  }
  return '';
}

function queryValue(request: FastifyRequest, name: string): unknown {
  const query = request.query;
  return typeof query === 'object' && query !== null ? Reflect.get(query, name) : undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value))
    : {};
}

export async function startHubSpotSandbox(options: HubSpotSandboxOptions = {}): Promise<HubSpotSandbox> {
  const asOf = resolveAsOf(options.asOf);
  const store = new HubSpotStore(options.dataset ?? demoDataset(), asOf);
  const accessToken = options.accessToken ?? DEFAULT_HUBSPOT_TOKEN;
  const now = options.now ?? Date.now;
  const limiter = new RateLimiter({
    tenSecondlyLimit: options.tenSecondlyLimit ?? 190,
    windowMs: options.windowMs ?? 10_000,
    dailyLimit: options.dailyLimit ?? 625_000,
    now,
  });
  let forced: HubSpotRateLimitRule[] = [];

  const rateLimitHeaders = (reply: FastifyReply): FastifyReply => {
    const state = limiter.state();
    return reply.headers({
      'x-hubspot-ratelimit-daily': String(state.daily),
      'x-hubspot-ratelimit-daily-remaining': String(state.dailyRemaining),
      'x-hubspot-ratelimit-interval-milliseconds': String(state.intervalMs),
      'x-hubspot-ratelimit-max': String(state.max),
      'x-hubspot-ratelimit-remaining': String(state.remaining),
    });
  };

  const sendRateLimited = (reply: FastifyReply, policy: RateLimitPolicy): FastifyReply => {
    const limited = rateLimitHeaders(reply).code(429).type(JSON_TYPE);
    if (policy === 'TEN_SECONDLY_ROLLING') limited.header('x-hubspot-ratelimit-remaining', '0');
    else limited.header('x-hubspot-ratelimit-daily-remaining', '0');
    return limited.send(rateLimitBody(policy));
  };

  const notFound = (reply: FastifyReply, id: string) =>
    reply
      .code(404)
      .type(JSON_TYPE)
      .send(
        errorBody('Object not found.  objectId are usually numeric.', 'OBJECT_NOT_FOUND', {
          context: { id: [id] },
        }),
      );

  const validation = (reply: FastifyReply, message: string, extra: Record<string, unknown> = {}) =>
    reply
      .code(400)
      .type(JSON_TYPE)
      .send(errorBody(message, 'VALIDATION_ERROR', extra));

  /** The object type of a path segment, or a 400 as HubSpot answers an unknown one. */
  const objectType = (
    request: FastifyRequest,
    reply: FastifyReply,
    name = 'type',
  ): ObjectType | undefined => {
    const raw = param(request, name);
    if (isObjectType(raw)) return raw;
    void validation(reply, `Unable to infer object type from: ${raw}`);
    return undefined;
  };

  const routes = (app: FastifyInstance) => {
    app.addHook('preHandler', async (request, reply) => {
      if (request.is404 === true || reply.sent) return;
      const authorization = request.headers.authorization ?? '';
      if (authorization !== `Bearer ${accessToken}`) {
        return reply
          .code(401)
          .type(JSON_TYPE)
          .send(
            errorBody(
              'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
              'INVALID_AUTHENTICATION',
            ),
          );
      }
      const path = request.url.split('?', 1)[0] ?? '';
      const rule = forced.find(
        (candidate) =>
          (candidate.pathPrefix === undefined || path.startsWith(candidate.pathPrefix)) &&
          (candidate.method === undefined || candidate.method.toUpperCase() === request.method),
      );
      if (rule !== undefined) {
        if (rule.times !== undefined) {
          rule.times -= 1;
          if (rule.times <= 0) forced = forced.filter((candidate) => candidate !== rule);
        }
        if (request.sandboxRecord) request.sandboxRecord.fault = 'rate_limit';
        return sendRateLimited(reply, rule.policy);
      }
      const refused = limiter.take();
      if (refused !== undefined) return sendRateLimited(reply, refused);
      // HubSpot's search endpoints do not send the standard rate-limit headers.
      if (!path.endsWith('/search')) rateLimitHeaders(reply);
    });

    app.post('/crm/v3/objects/:type/search', async (request, reply) => {
      const type = objectType(request, reply);
      if (type === undefined) return reply;
      try {
        const search = parseSearchRequest(request.body);
        const page = runSearch(store, type, search);
        const body: Record<string, unknown> = {
          total: page.total,
          results: page.results.map((object) => store.view(object, search.properties)),
        };
        if (page.nextAfter !== undefined) {
          body.paging = {
            next: {
              after: String(page.nextAfter),
              link: `${sandboxUrl()}/crm/v3/objects/${type}/search?after=${page.nextAfter}`,
            },
          };
        }
        return reply.type(JSON_TYPE).send(body);
      } catch (error) {
        if (error instanceof SearchValidationError) return validation(reply, error.message);
        throw error;
      }
    });

    app.post('/crm/v3/objects/:type/batch/read', async (request, reply) => {
      const type = objectType(request, reply);
      if (type === undefined) return reply;
      const body = asRecord(request.body);
      const inputs = Array.isArray(body.inputs) ? body.inputs : [];
      if (inputs.length > 100) return validation(reply, 'Batch input cannot contain more than 100 inputs.');
      const properties = Array.isArray(body.properties)
        ? body.properties.filter((p): p is string => typeof p === 'string')
        : undefined;
      const startedAt = new Date().toISOString();
      const results: unknown[] = [];
      const missing: string[] = [];
      for (const input of inputs) {
        const id = String(asRecord(input).id ?? '');
        const object = store.get(type, id);
        if (object === undefined) missing.push(id);
        else results.push(store.view(object, properties));
      }
      const response: Record<string, unknown> = {
        status: 'COMPLETE',
        results,
        startedAt,
        completedAt: new Date().toISOString(),
      };
      if (missing.length === 0) return reply.type(JSON_TYPE).send(response);
      return reply
        .code(207)
        .type(JSON_TYPE)
        .send({
          ...response,
          numErrors: 1,
          errors: [
            {
              status: 'error',
              category: 'OBJECT_NOT_FOUND',
              message: `Could not get some ${SINGULAR[type].toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
              context: { ids: missing },
            },
          ],
        });
    });

    app.get('/crm/v3/objects/:type/:id', async (request, reply) => {
      const type = objectType(request, reply);
      if (type === undefined) return reply;
      const id = param(request, 'id');
      const object = store.get(type, id);
      if (object === undefined) return notFound(reply, id);
      const view = store.view(object, listParam(queryValue(request, 'properties')));
      const wanted = listParam(queryValue(request, 'associations')) ?? [];
      const associations: Record<string, unknown> = {};
      for (const name of wanted) {
        if (!isObjectType(name)) continue;
        const edges = store.associations(type, id, name);
        if (edges.length === 0) continue;
        // v3 lists one entry per association type: the labelled (primary) one and the unlabeled one.
        const base = `${SINGULAR[type]}_to_${SINGULAR[name]}`;
        associations[name] = {
          results: edges.flatMap((edge) =>
            edge.types.map((kind) => ({
              id: edge.toId,
              type: kind.label === null ? (edge.types.length > 1 ? `${base}_unlabeled` : base) : base,
            })),
          ),
        };
      }
      return reply
        .type(JSON_TYPE)
        .send(Object.keys(associations).length > 0 ? { ...view, associations } : view);
    });

    app.post('/crm/v3/objects/notes', async (request, reply) => {
      const body = asRecord(request.body);
      const properties = asRecord(body.properties);
      const noteProperties: Record<string, string | null> = {};
      for (const [key, value] of Object.entries(properties)) {
        noteProperties[key] = value === null ? null : String(value);
      }
      if (!noteProperties.hs_timestamp) {
        return validation(reply, 'Property values were not valid: hs_timestamp is required.', {
          errors: [{ message: 'hs_timestamp is required', code: 'REQUIRED_PROPERTY' }],
        });
      }
      const targets: Array<{ type: ObjectType; id: string }> = [];
      for (const association of Array.isArray(body.associations) ? body.associations : []) {
        const record = asRecord(association);
        const toId = String(asRecord(record.to).id ?? '');
        const types = Array.isArray(record.types) ? record.types.map(asRecord) : [];
        const typeId = Number(types[0]?.associationTypeId);
        const target = (['companies', 'contacts', 'deals'] as const).find(
          (candidate) => unlabeledTypeId('notes', candidate) === typeId,
        );
        if (target === undefined || store.get(target, toId) === undefined) {
          return validation(
            reply,
            `One or more associations are invalid: no object ${toId} for association type ${typeId}.`,
          );
        }
        targets.push({ type: target, id: toId });
      }
      const note = store.createNote(noteProperties, targets, new Date());
      return reply
        .code(201)
        .type(JSON_TYPE)
        .send(store.view(note, Object.keys(noteProperties)));
    });

    app.patch('/crm/v3/objects/deals/:id', async (request, reply) => {
      const id = param(request, 'id');
      const deal = store.get('deals', id);
      if (deal === undefined) return notFound(reply, id);
      const properties = asRecord(asRecord(request.body).properties);
      const update: Record<string, string | null> = {};
      for (const [key, value] of Object.entries(properties))
        update[key] = value === null ? null : String(value);
      const pipeline = update.pipeline ?? deal.properties.pipeline;
      if (pipeline !== 'default') {
        return validation(reply, `Property values were not valid: pipeline ${pipeline} does not exist.`);
      }
      const stage = update.dealstage;
      if (stage !== undefined) {
        if (stage === null || !DEFAULT_PIPELINE_STAGES.includes(stage)) {
          return validation(
            reply,
            `Property values were not valid: [{"isValid":false,"message":"${stage} was not one of the allowed options: [${DEFAULT_PIPELINE_STAGES.join(', ')}]","error":"INVALID_OPTION","name":"dealstage"}]`,
          );
        }
        update.hs_is_closed = String(stage === 'closedwon' || stage === 'closedlost');
        update.hs_is_closed_won = String(stage === 'closedwon');
      }
      const updated = store.update('deals', id, update, new Date());
      return reply.type(JSON_TYPE).send(store.view(updated, Object.keys(update)));
    });

    app.get('/crm/v4/objects/:type/:id/associations/:toType', async (request, reply) => {
      const type = objectType(request, reply);
      if (type === undefined) return reply;
      const toType = objectType(request, reply, 'toType');
      if (toType === undefined) return reply;
      const id = param(request, 'id');
      const limitRaw = Number(queryValue(request, 'limit') ?? 500);
      const limit = Number.isInteger(limitRaw) && limitRaw > 0 ? Math.min(limitRaw, 500) : 500;
      const afterRaw = queryValue(request, 'after');
      const offset =
        typeof afterRaw === 'string' ? Number(Buffer.from(afterRaw, 'base64url').toString('utf8')) : 0;
      if (!Number.isInteger(offset) || offset < 0) return validation(reply, 'Invalid paging cursor: after.');
      const edges = store.associations(type, id, toType);
      const page = edges.slice(offset, offset + limit);
      const body: Record<string, unknown> = {
        results: page.map((edge) => ({ toObjectId: Number(edge.toId), associationTypes: edge.types })),
      };
      if (offset + page.length < edges.length) {
        const after = Buffer.from(String(offset + page.length)).toString('base64url');
        body.paging = {
          next: {
            after,
            link: `${sandboxUrl()}/crm/v4/objects/${type}/${id}/associations/${toType}?limit=${limit}&after=${after}`,
          },
        };
      }
      return reply.type(JSON_TYPE).send(body);
    });
  };

  let baseUrl = '';
  const sandboxUrl = () => baseUrl;
  const serverErrorStatus = options.serverErrorStatus ?? 502;
  const server = await startSandboxServer({
    name: 'HubSpot',
    routes,
    ...(options.random === undefined ? {} : { random: options.random }),
    serverError: (reply) =>
      reply
        .code(serverErrorStatus)
        .type(JSON_TYPE)
        .send({
          status: 'error',
          message: serverErrorStatus === 502 ? 'Bad Gateway' : 'internal error',
          correlationId: randomUUID(),
          category: serverErrorStatus === 502 ? 'BAD_GATEWAY' : 'INTERNAL_ERROR',
        }),
    rateLimited: (reply) => sendRateLimited(reply, 'TEN_SECONDLY_ROLLING'),
  });
  baseUrl = server.url;

  return {
    url: server.url,
    server,
    accessToken,
    portalId: store.portalId,
    store,
    injectRateLimit(rule) {
      forced.push({ ...rule });
    },
    resetRateLimits() {
      forced = [];
      limiter.reset();
    },
    close: () => server.close(),
  };
}
