import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { resolveAsOf } from '../dataset/dates.js';
import { demoDataset } from '../dataset/generate.js';
import type { Dataset } from '../dataset/types.js';
import { type SandboxServer, startSandboxServer } from '../http/server.js';
import { attributes, compileQuery, type JsonRecord, type RecordStore, sfDateTime } from './engine.js';
import type { FieldDef, FieldValue, ObjectDef, Row } from './schema.js';
import {
  describeObject,
  findField,
  findObject,
  isIdType,
  isNumberType,
  isSalesforceId,
  isTextType,
  OBJECTS,
  objectForId,
} from './schema.js';
import { seedStore } from './seed.js';
import { SoqlError } from './soql.js';
import { runSearch } from './sosl.js';

/**
 * The Salesforce emulator: OAuth 2 token endpoint and the REST API subset the connector and jsforce
 * use, over the dataset's Salesforce records. Wire facts it keeps (see VENDORS.md and jsforce's
 * http-api.ts): errors are `[{message, errorCode}]`; 401 `INVALID_SESSION_ID` only for an unknown
 * or stale token (jsforce logs in again on any 401); every API response carries
 * `Sforce-Limit-Info`; an exhausted rolling 24-hour allocation is 403 `REQUEST_LIMIT_EXCEEDED`.
 */

export interface SalesforceSandboxOptions {
  /** Records to serve; defaults to the demo dataset. */
  dataset?: Dataset;
  /** The day dataset offsets are relative to; defaults to today (UTC). */
  asOf?: Date;
  /** Connected app and user credentials the token endpoint accepts. */
  clientId?: string;
  clientSecret?: string;
  username?: string;
  password?: string;
  /** Lifetime of an access token (default two hours, Salesforce's default session timeout). */
  tokenTtlMs?: number;
  /** The org's rolling 24-hour API allocation (default 15000). */
  dailyApiLimit?: number;
  /** Clock for tokens, limits and record timestamps (tests move it). */
  now?: () => Date;
  /** Random source for fault injection. */
  random?: () => number;
}

export interface SalesforceSandbox {
  /** Base URL: both the login URL and the instance URL. */
  readonly url: string;
  readonly server: SandboxServer;
  readonly organizationId: string;
  /** The user the issued tokens act as. */
  readonly integrationUserId: string;
  readonly credentials: { clientId: string; clientSecret: string; username: string; password: string };
  /** Every access token issued so far becomes stale (the next API call answers 401). */
  expireTokens(): void;
  /** Revokes the connected app: tokens become stale and every grant is refused. */
  revokeCredentials(): void;
  restoreCredentials(): void;
  /** A refresh token for the refresh_token grant (as an authorization-code flow would issue). */
  issueRefreshToken(): string;
  /** API calls counted in the rolling window, and the allocation. */
  apiUsage(): { used: number; limit: number };
  setDailyApiLimit(limit: number): void;
  /** The stored rows of an object (for assertions). */
  records(object: 'Account' | 'Contact' | 'Opportunity' | 'Task' | 'User'): Row[];
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;
const MIN_VERSION = 31;
const MAX_VERSION = 66;
const DEFAULT_BATCH = 2000;
const MAX_BATCH = 2000;

type SfError = { message: string; errorCode: string; fields?: string[] };

const sendErrors = (reply: FastifyReply, status: number, errors: SfError[]) =>
  reply.code(status).send(errors);

const NOT_FOUND: SfError = { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' };

interface Cursor {
  rows: JsonRecord[];
  createdAt: number;
}

export async function startSalesforceSandbox(
  options: SalesforceSandboxOptions = {},
): Promise<SalesforceSandbox> {
  const dataset = options.dataset ?? demoDataset();
  const asOf = resolveAsOf(options.asOf);
  const now = options.now ?? (() => new Date());
  const { store, integrationUserId } = seedStore(dataset, asOf, now);
  const organizationId = dataset.salesforce.organizationId;
  const credentials = {
    clientId: options.clientId ?? '3MVG9sandbox.switchboard.client',
    clientSecret: options.clientSecret ?? 'sandbox-client-secret',
    username: options.username ?? `integration@${dataset.seller.domain}`,
    password: options.password ?? 'sandbox-password',
  };
  const tokenTtlMs = options.tokenTtlMs ?? 2 * 60 * 60 * 1000;
  let dailyApiLimit = options.dailyApiLimit ?? 15_000;
  let revoked = false;
  const tokens = new Map<string, number>(); // access token -> expiry (ms)
  const refreshTokens = new Set<string>();
  const calls: number[] = []; // timestamps of counted API calls
  const cursors = new Map<string, Cursor>();
  let baseUrl = '';

  const clock = () => now().getTime();
  const usage = () => {
    const since = clock() - DAY_MS;
    while (calls.length > 0 && (calls[0] ?? 0) <= since) calls.shift();
    return calls.length;
  };
  const limitInfo = () => `api-usage=${usage()}/${dailyApiLimit}`;

  function issueToken(): Record<string, string> {
    const token = `${organizationId}!${randomBytes(24).toString('base64url')}`;
    tokens.set(token, clock() + tokenTtlMs);
    return {
      access_token: token,
      signature: randomBytes(32).toString('base64'),
      scope: 'api',
      instance_url: baseUrl,
      id: `${baseUrl}/id/${organizationId}/${integrationUserId}`,
      token_type: 'Bearer',
      issued_at: String(clock()),
    };
  }

  function tokenRoute(app: FastifyInstance) {
    app.post('/services/oauth2/token', async (request, reply) => {
      const form = formOf(request.body);
      const oauthError = (status: number, error: string, description: string) =>
        reply.code(status).send({ error, error_description: description });
      const clientOk = form.client_id === credentials.clientId && !revoked;
      switch (form.grant_type) {
        case 'client_credentials':
          if (!clientOk || form.client_secret !== credentials.clientSecret) {
            return oauthError(400, 'invalid_client', 'invalid client credentials');
          }
          return issueToken();
        case 'password':
          if (!clientOk || form.client_secret !== credentials.clientSecret) {
            return oauthError(400, 'invalid_client', 'invalid client credentials');
          }
          if (form.username !== credentials.username || form.password !== credentials.password) {
            return oauthError(400, 'invalid_grant', 'authentication failure');
          }
          return issueToken();
        case 'refresh_token':
          if (!clientOk) return oauthError(400, 'invalid_client', 'invalid client credentials');
          if (form.refresh_token === undefined || !refreshTokens.has(form.refresh_token)) {
            return oauthError(400, 'invalid_grant', 'expired access/refresh token');
          }
          return issueToken();
        default:
          return oauthError(400, 'unsupported_grant_type', 'grant type not supported');
      }
    });
  }

  /** Auth and allocation, for every REST call: runs after the fault injection of the shared server. */
  async function guard(request: FastifyRequest, reply: FastifyReply) {
    const version = versionOf(request);
    if (version === undefined) return sendErrors(reply, 404, [NOT_FOUND]);
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    const expiry = token === undefined ? undefined : tokens.get(token);
    if (expiry === undefined || expiry <= clock() || revoked) {
      return sendErrors(reply, 401, [
        { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
      ]);
    }
    if (usage() >= dailyApiLimit) {
      return sendErrors(reply, 403, [
        { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
      ]);
    }
    calls.push(clock());
  }

  function apiRoutes(api: FastifyInstance) {
    api.addHook('onSend', async (_request, reply, payload) => {
      reply.header('Sforce-Limit-Info', limitInfo());
      return payload;
    });
    api.get('/services/data', async () =>
      [...Array(MAX_VERSION - MIN_VERSION + 1).keys()].map((index) => {
        const version = `${MIN_VERSION + index}.0`;
        return { label: `v${version}`, url: `/services/data/v${version}`, version };
      }),
    );
    api.register(async (scoped) => {
      scoped.addHook('preHandler', guard);

      scoped.get('/services/data/:version/limits', async () => ({
        DailyApiRequests: { Max: dailyApiLimit, Remaining: Math.max(0, dailyApiLimit - usage()) },
      }));

      scoped.get('/services/data/:version/query', async (request, reply) => {
        const version = versionOf(request) ?? '';
        const q = queryParam(request, 'q');
        if (q === undefined || q.trim() === '') {
          return sendErrors(reply, 400, [
            { errorCode: 'MALFORMED_QUERY', message: 'A query string has to be specified' },
          ]);
        }
        let rows: JsonRecord[];
        try {
          rows = compileQuery(store, q, version).run();
        } catch (error) {
          return soqlFailure(reply, error);
        }
        return page(version, rows, 0, batchSize(request), undefined);
      });

      scoped.get('/services/data/:version/query/:locator', async (request, reply) => {
        const version = versionOf(request) ?? '';
        const locator = paramOf(request, 'locator');
        const match = /^(01g[A-Za-z0-9]+)-(\d+)$/.exec(locator);
        const cursor = match ? cursors.get(match[1] ?? '') : undefined;
        if (match === null || cursor === undefined) {
          return sendErrors(reply, 400, [
            { errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' },
          ]);
        }
        return page(version, cursor.rows, Number(match[2]), batchSize(request), match[1]);
      });

      scoped.get('/services/data/:version/search', async (request, reply) => {
        const version = versionOf(request) ?? '';
        const q = queryParam(request, 'q');
        if (q === undefined) {
          return sendErrors(reply, 400, [
            { errorCode: 'MALFORMED_SEARCH', message: 'No search term found.' },
          ]);
        }
        try {
          return runSearch(store, q, version);
        } catch (error) {
          return soqlFailure(reply, error);
        }
      });

      scoped.get('/services/data/:version/sobjects', async (request) => {
        const version = versionOf(request) ?? '';
        return {
          encoding: 'UTF-8',
          maxBatchSize: 200,
          sobjects: OBJECTS.map((object) => {
            const { fields: _fields, ...summary } = describeObject(object, version);
            return summary;
          }),
        };
      });

      scoped.get('/services/data/:version/sobjects/:type/describe', async (request, reply) => {
        const object = findObject(paramOf(request, 'type'));
        if (object === undefined) return sendErrors(reply, 404, [NOT_FOUND]);
        return describeObject(object, versionOf(request) ?? '');
      });

      scoped.get('/services/data/:version/sobjects/:type/:id', async (request, reply) => {
        const version = versionOf(request) ?? '';
        const object = findObject(paramOf(request, 'type'));
        const id = paramOf(request, 'id');
        const row = object === undefined ? undefined : store.get(id, object.name);
        if (object === undefined || row === undefined) return sendErrors(reply, 404, [NOT_FOUND]);
        const fieldsParam = queryParam(request, 'fields');
        const wanted: FieldDef[] = fieldsParam === undefined ? [...object.fields] : [];
        for (const name of fieldsParam?.split(',') ?? []) {
          const def = findField(object, name.trim());
          if (def === undefined) {
            return sendErrors(reply, 400, [
              {
                errorCode: 'INVALID_FIELD',
                message: `No such column '${name.trim()}' on sobject of type ${object.name}`,
              },
            ]);
          }
          wanted.push(def);
        }
        const out: JsonRecord = { attributes: attributes(object.name, String(row.Id), version) };
        for (const def of wanted) out[def.name] = row[def.name] ?? null;
        return out;
      });

      scoped.post('/services/data/:version/sobjects/:type', async (request, reply) => {
        const object = writableObject(paramOf(request, 'type'));
        if (object === undefined) return sendErrors(reply, 404, [NOT_FOUND]);
        const checked = validateWrite(store, object, request.body, 'create');
        if ('errors' in checked) return sendErrors(reply, 400, checked.errors);
        const row: Row = { ...checked.row };
        row.OwnerId ??= integrationUserId;
        const id = store.insert(object, row);
        return reply.code(201).send({ id, success: true, errors: [] });
      });

      scoped.patch('/services/data/:version/sobjects/:type/:id', async (request, reply) => {
        const object = writableObject(paramOf(request, 'type'));
        const id = paramOf(request, 'id');
        if (object === undefined || store.get(id, object.name) === undefined) {
          return sendErrors(reply, 404, [NOT_FOUND]);
        }
        const checked = validateWrite(store, object, request.body, 'update');
        if ('errors' in checked) return sendErrors(reply, 400, checked.errors);
        store.update(object, id, checked.row);
        return reply.code(204).send();
      });
    });
  }

  function page(
    version: string,
    rows: JsonRecord[],
    offset: number,
    size: number,
    existing: string | undefined,
  ) {
    const end = Math.min(rows.length, offset + size);
    const done = end >= rows.length;
    let queryId = existing;
    if (!done && queryId === undefined) {
      queryId = `01g${randomBytes(9).toString('hex').slice(0, 15)}`;
      cursors.set(queryId, { rows, createdAt: clock() });
    }
    return {
      totalSize: rows.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v${version}/query/${queryId}-${end}` }),
      records: rows.slice(offset, end),
    };
  }

  const server = await startSandboxServer({
    name: 'Salesforce',
    parseForms: true,
    ...(options.random ? { random: options.random } : {}),
    routes(app) {
      tokenRoute(app);
      apiRoutes(app);
    },
    serverError: (reply) =>
      reply
        .code(500)
        .send([
          { errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred. Please try again.' },
        ]),
    rateLimited: (reply) =>
      reply
        .code(403)
        .send([{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }]),
  });
  baseUrl = server.url;

  return {
    url: server.url,
    server,
    organizationId,
    integrationUserId,
    credentials,
    expireTokens() {
      tokens.clear();
    },
    revokeCredentials() {
      revoked = true;
      tokens.clear();
      refreshTokens.clear();
    },
    restoreCredentials() {
      revoked = false;
    },
    issueRefreshToken() {
      const token = `5Aep${randomBytes(32).toString('base64url')}`;
      refreshTokens.add(token);
      return token;
    },
    apiUsage: () => ({ used: usage(), limit: dailyApiLimit }),
    setDailyApiLimit(limit) {
      dailyApiLimit = limit;
    },
    records: (object) => [...store.table(object).values()].map((row) => ({ ...row })),
    close: () => server.close(),
  };
}

// ---------------------------------------------------------------------------------------------

function formOf(body: unknown): Record<string, string | undefined> {
  const form: Record<string, string | undefined> = {};
  if (typeof body === 'object' && body !== null) {
    for (const [key, value] of Object.entries(body)) if (typeof value === 'string') form[key] = value;
  }
  return form;
}

function paramOf(request: FastifyRequest, name: string): string {
  const params = request.params;
  if (typeof params !== 'object' || params === null) return '';
  const value: unknown = Reflect.get(params, name);
  return typeof value === 'string' ? value : '';
}

function queryParam(request: FastifyRequest, name: string): string | undefined {
  const query = request.query;
  if (typeof query !== 'object' || query === null) return undefined;
  const value: unknown = Reflect.get(query, name);
  return typeof value === 'string' ? value : undefined;
}

/** `v62.0` -> `62.0`, or undefined for a version the emulated org does not serve. */
function versionOf(request: FastifyRequest): string | undefined {
  const match = /^v(\d+)\.0$/.exec(paramOf(request, 'version'));
  const major = Number(match?.[1]);
  return match && major >= MIN_VERSION && major <= MAX_VERSION ? `${major}.0` : undefined;
}

/** `Sforce-Query-Options: batchSize=N`. Salesforce itself uses 200..2000; the emulator accepts smaller sizes for tests. */
function batchSize(request: FastifyRequest): number {
  const header = request.headers['sforce-query-options'];
  const match = typeof header === 'string' ? /batchSize\s*=\s*(\d+)/i.exec(header) : null;
  const size = Number(match?.[1] ?? DEFAULT_BATCH);
  return Math.min(MAX_BATCH, Math.max(1, size));
}

function soqlFailure(reply: FastifyReply, error: unknown) {
  if (error instanceof SoqlError)
    return sendErrors(reply, 400, [{ message: error.message, errorCode: error.errorCode }]);
  throw error;
}

function writableObject(type: string): ObjectDef | undefined {
  const object = findObject(type);
  return object === undefined || object.name === 'User' ? undefined : object;
}

/** Checks a create or update body the way Salesforce does, field by field. */
function validateWrite(
  store: RecordStore,
  object: ObjectDef,
  body: unknown,
  mode: 'create' | 'update',
): { row: Row } | { errors: SfError[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      errors: [{ errorCode: 'JSON_PARSER_ERROR', message: 'The request body must be a JSON object.' }],
    };
  }
  const row: Row = {};
  const errors: SfError[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (name === 'attributes') continue;
    const def = findField(object, name);
    if (def === undefined) {
      errors.push({
        errorCode: 'INVALID_FIELD',
        message: `No such column '${name}' on sobject of type ${object.name}`,
      });
      continue;
    }
    if (mode === 'create' ? !def.createable : !def.updateable) {
      errors.push({
        errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        message: `Unable to create/update fields: ${def.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        fields: [def.name],
      });
      continue;
    }
    const checked = checkValue(store, def, value);
    if (typeof checked === 'object' && checked !== null && 'error' in checked) errors.push(checked.error);
    else row[def.name] = checked;
  }
  if (mode === 'create') {
    for (const def of object.fields) {
      if (!def.createable || def.name in row) continue;
      if (def.defaultValue !== undefined) row[def.name] = def.defaultValue;
    }
    const missing = object.fields.filter(
      (def) => def.createable && !def.nillable && def.name !== 'OwnerId' && (row[def.name] ?? null) === null,
    );
    if (missing.length > 0) {
      errors.push({
        errorCode: 'REQUIRED_FIELD_MISSING',
        message: `Required fields are missing: [${missing.map((def) => def.name).join(', ')}]`,
        fields: missing.map((def) => def.name),
      });
    }
  }
  return errors.length > 0 ? { errors } : { row };
}

function checkValue(store: RecordStore, def: FieldDef, value: unknown): FieldValue | { error: SfError } {
  const bad = (message: string, errorCode = 'JSON_PARSER_ERROR') => ({
    error: { errorCode, message, fields: [def.name] },
  });
  if (value === null) {
    return def.nillable ? null : bad(`Required fields are missing: [${def.name}]`, 'REQUIRED_FIELD_MISSING');
  }
  if (isIdType(def.type)) {
    if (typeof value !== 'string' || !isSalesforceId(value)) {
      return bad(`${def.label}: id value of incorrect type: ${String(value)}`, 'MALFORMED_ID');
    }
    const target = objectForId(value);
    const row = store.get(value);
    if (target === undefined || !(def.referenceTo ?? []).includes(target.name) || row === undefined) {
      return bad(`invalid cross reference id`, 'INVALID_CROSS_REFERENCE_KEY');
    }
    return String(row.Id);
  }
  if (def.picklist !== undefined) {
    if (typeof value !== 'string' || !def.picklist.includes(value)) {
      return bad(
        `${def.label}: bad value for restricted picklist field: ${String(value)}`,
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      );
    }
    return value;
  }
  if (isTextType(def.type)) {
    if (typeof value !== 'string')
      return bad(`Cannot deserialize instance of string from ${typeof value} value`);
    if (value.length > (def.type === 'textarea' ? 32_000 : 255)) {
      return bad(
        `${def.label}: data value too large: ${value.slice(0, 20)}... (max length=255)`,
        'STRING_TOO_LONG',
      );
    }
    return value;
  }
  if (isNumberType(def.type)) {
    return typeof value === 'number' && Number.isFinite(value)
      ? value
      : bad(`Cannot deserialize instance of ${def.type}`);
  }
  if (def.type === 'boolean')
    return typeof value === 'boolean' ? value : bad('Cannot deserialize instance of boolean');
  if (def.type === 'date') {
    return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
      ? value
      : bad(`Cannot deserialize value of type date from String "${String(value)}"`);
  }
  if (def.type === 'datetime') {
    return typeof value === 'string' && !Number.isNaN(Date.parse(value))
      ? sfDateTime(new Date(value))
      : bad(`Cannot deserialize value of type datetime from String "${String(value)}"`);
  }
  return bad(`Field ${def.name} cannot be written.`);
}
