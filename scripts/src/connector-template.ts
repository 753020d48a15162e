/**
 * The files of a new connector package, as `pnpm new:connector` writes them: a connector on the kit's
 * upstream seam (failure rules as data, the request helper, the readiness check), one example read
 * tool, an emulator of the vendor on the sandbox server, and tests that prove the request accounting
 * and the failure handling against it.
 *
 * The generated code is formatted as the repository's biome configuration formats it, whatever the
 * connector's name: lines whose length depends on the name are laid out so that they never cross the
 * line width, and the lists biome sorts (named imports and exports) are sorted here the same way.
 */

export type ConnectorCategory = 'crm' | 'erp' | 'support' | 'other';

export interface ConnectorNames {
  /** Package suffix, connector name, default namespace: `pipedrive`, `zoho_crm`. */
  name: string;
  category: ConnectorCategory;
  /** Display name and type prefix: `ZohoCrm`. */
  title: string;
  /** Value prefix: `zohoCrm`. */
  id: string;
  /** Constant prefix: `ZOHO_CRM`. */
  upper: string;
  /** Scope prefix: the category, or the connector's own name for `other`. */
  scope: string;
}

export function namesOf(name: string, category: ConnectorCategory): ConnectorNames {
  const title = name.replace(/(^|_)([a-z0-9])/g, (_match, _sep: string, c: string) => c.toUpperCase());
  return {
    name,
    category,
    title,
    id: title.charAt(0).toLowerCase() + title.slice(1),
    upper: name.toUpperCase(),
    scope: category === 'other' ? name : category,
  };
}

/** The formatter's line width (biome.json). */
const LINE_WIDTH = 110;

/** Order of one character class in biome's sort of import and export names. */
function charClass(c: string): number {
  if (c === '$') return 0;
  if (c === '_') return 1;
  if (c >= '0' && c <= '9') return 2;
  return 3;
}

/**
 * Biome's order of named imports and exports: character by character, `$` and `_` before digits
 * before letters, digit runs by value, letters alphabetically with the capital first; a `type`
 * modifier does not count.
 */
export function compareNames(left: string, right: string): number {
  const a = left.replace(/^type /, '');
  const b = right.replace(/^type /, '');
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.charAt(i);
    const y = b.charAt(j);
    const classes = charClass(x) - charClass(y);
    if (classes !== 0) return classes;
    if (charClass(x) === 2) {
      const runA = /^\d+/.exec(a.slice(i))?.[0] ?? x;
      const runB = /^\d+/.exec(b.slice(j))?.[0] ?? y;
      const byValue = Number(runA) - Number(runB);
      if (byValue !== 0) return byValue;
      if (runA.length !== runB.length) return runA.length - runB.length;
      i += runA.length;
      j += runB.length;
      continue;
    }
    const [lowerX, lowerY] = [x.toLowerCase(), y.toLowerCase()];
    if (lowerX !== lowerY) return lowerX < lowerY ? -1 : 1;
    if (x !== y) return x === x.toUpperCase() ? -1 : 1;
    i += 1;
    j += 1;
  }
  return a.length - i - (b.length - j);
}

/** `import { a, b } from 'x';` (or `export`), sorted, on one line when it fits and one name a line otherwise. */
export function namedList(keyword: 'import' | 'export', names: readonly string[], from: string): string {
  const sorted = [...names].sort(compareNames);
  const line = `${keyword} { ${sorted.join(', ')} } from '${from}';`;
  if (line.length <= LINE_WIDTH) return line;
  return `${keyword} {\n${sorted.map((item) => `  ${item},\n`).join('')}} from '${from}';`;
}

/** A Markdown table with its columns padded to their widest cell, as the formatter writes it. */
export function markdownTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 3, cell.length);
    });
  }
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 3)).join(' | ')} |`;
  const [header = [], ...body] = rows;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
}

/** The files of the package, by path relative to the repository root. */
export function connectorFiles(names: ConnectorNames): Record<string, string> {
  const { name, category, title: Title, id, upper: UPPER, scope } = names;
  const dir = `packages/connectors/${name}`;
  return {
    [`${dir}/package.json`]: `${JSON.stringify(
      {
        name: `@switchboard/connector-${name}`,
        version: '0.1.0',
        private: true,
        description: `${Title} connector.`,
        type: 'module',
        exports: {
          '.': { development: './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
          './testing': {
            development: './src/testing.ts',
            types: './dist/testing.d.ts',
            default: './dist/testing.js',
          },
        },
        files: ['dist'],
        scripts: {
          build: 'tsc -p tsconfig.build.json',
          typecheck: 'tsc -p tsconfig.json',
          test: 'vitest run',
        },
        dependencies: { '@switchboard/kit': 'workspace:*', zod: '^4.6.7' },
        devDependencies: { '@switchboard/sandbox': 'workspace:*' },
      },
      null,
      2,
    )}\n`,

    [`${dir}/tsconfig.json`]: `{
  "extends": "../../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true, "customConditions": ["development"] },
  "include": ["src", "test", "vitest.config.ts"]
}
`,

    [`${dir}/tsconfig.build.json`]: `{
  "extends": "../../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist" },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts"]
}
`,

    [`${dir}/vitest.config.ts`]: `export { default } from '../../../vitest.shared.js';\n`,

    [`${dir}/src/config.ts`]: `import { secret } from '@switchboard/kit';
import { z } from 'zod';

/** Configuration of one ${Title} connector instance. */
export const ${Title}Config = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .describe('Base URL of the ${Title} API, e.g. https://api.example.com/v1.'),
  apiToken: secret('${Title} API token, sent as a Bearer token; from the environment.'),
  timeoutMs: z
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(10_000)
    .describe('Timeout of each HTTP request to ${Title}, in milliseconds (default 10000).'),
  maxRetryWaitMs: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(2000)
    .describe(
      'A 429 whose Retry-After is at most this many milliseconds is retried once after waiting; a longer ' +
        'wait answers rate_limited with retryAfterMs at once. 0 never retries (default 2000).',
    ),
});

/** The configuration as the connector receives it (defaults applied). */
export type ${Title}Config = z.output<typeof ${Title}Config>;
`,

    [`${dir}/src/client.ts`]: `import type { HttpRequest, Upstream, UpstreamProfile, UpstreamRule } from '@switchboard/kit';
import type { z } from 'zod';
import type { ${Title}Config } from './config.js';

/**
 * The ${Title} API over the call's \`Upstream\`: the client is only where the API lives and how to
 * sign requests. Timeouts, Retry-After, quota and the mapping of failures to ToolErrors are the
 * upstream's, driven by the facts declared in \`${UPPER}_FAILURES\`.
 */

export interface ${Title}Client {
  /** The configured baseUrl without a trailing slash. */
  readonly origin: string;
  readonly authorization: string;
}

export function createClient(config: ${Title}Config): ${Title}Client {
  return { origin: config.baseUrl.replace(/\\/+$/, ''), authorization: \`Bearer \${config.apiToken}\` };
}

/**
 * The wait assumed for a 429 that carries no Retry-After. Set it to the window of ${Title}'s
 * documented rate limit.
 */
const RATE_LIMIT_WINDOW_MS = 60_000;

/**
 * What ${Title}'s failures mean, as data. These rules are tried before the kit's defaults (404
 * not_found, 400/422 invalid_input, 409 conflict, 5xx and network failures upstream_unavailable).
 * Add the vendor's own error codes (\`code: '...'\`) as its API description documents them.
 */
const RULES: readonly UpstreamRule[] = [
  {
    status: 429,
    means: 'rate_limited',
    retryAfterMs: RATE_LIMIT_WINDOW_MS,
    message: '${Title} is rate limiting this connector (its API allowance is used up).',
  },
  {
    status: 401,
    means: 'auth',
    message:
      '${Title} refused the credentials of this connector (401). ' +
      'An operator must fix its apiToken; retrying will not help.',
  },
  {
    status: 403,
    means: 'forbidden',
    message:
      'The ${Title} account this connector uses may not do this (403). ' +
      'Ask a ${Title} administrator to grant it access; retrying will not help.',
  },
];

/** What ${Title}'s failures mean, whatever the instance's timeouts. */
export const ${UPPER}_FAILURES: UpstreamProfile = {
  title: '${Title}',
  rules: RULES,
};

/** The upstream profile of one instance: its request timeout and the longest Retry-After waited for. */
export function ${id}Profile(config: ${Title}Config): UpstreamProfile {
  return {
    ...${UPPER}_FAILURES,
    requestTimeoutMs: config.timeoutMs,
    maxRetryWaitMs: config.maxRetryWaitMs,
  };
}

/** What the client sets on every request. */
type Signed = 'url' | 'headers' | 'name';

export type ${Title}Request<S extends z.ZodType> = Omit<HttpRequest<S>, Signed> & {
  /** What the request does, for quota, metrics and spans: \`records.show\`. */
  name: string;
  /** Path under the base URL, e.g. \`/records/42\`. */
  path: string;
};

/** One request to the ${Title} API, signed, through the call's upstream. */
export function ${id}Fetch<S extends z.ZodType>(
  upstream: Upstream,
  client: ${Title}Client,
  request: ${Title}Request<S>,
): Promise<z.output<S>> {
  const { path, ...rest } = request;
  return upstream.fetch({
    ...rest,
    url: \`\${client.origin}\${path}\`,
    headers: { authorization: client.authorization },
  });
}
`,

    [`${dir}/src/connector.ts`]: `import { createUpstream, defineConnector } from '@switchboard/kit';
import { z } from 'zod';
${namedList('import', ['createClient', `${UPPER}_FAILURES`, `type ${Title}Client`, `${id}Fetch`, `${id}Profile`], './client.js')}
import { ${Title}Config } from './config.js';

/** Readiness probes must answer fast even when calls may take longer. */
const CHECK_TIMEOUT_MS = 2000;

export const ${id} = defineConnector<${Title}Client, ${Title}Config>({
  name: '${name}',
  title: '${Title}',
  description: '${Title}: say what agents can read and do with it (the model reads this).',
  category: '${category}',
  // One token per request to ${Title}, shared by every gateway replica.
  quota: {
    limit: 100,
    intervalMs: 10_000,
    source: 'Placeholder: set to the documented ${Title} API limit',
  },
  config: ${Title}Config,
  upstream: ${id}Profile,
  // Nothing to open: fetch keeps its own connection pool. The readiness check proves the credentials.
  async connect(config) {
    return createClient(config);
  },
  async check(client, { signal }) {
    // A probe is not a call: no quota token, and a 429 fails it at once instead of waiting.
    const upstream = createUpstream({
      profile: { ...${UPPER}_FAILURES, requestTimeoutMs: CHECK_TIMEOUT_MS, maxRetryWaitMs: 0 },
      signal,
    });
    // The cheapest authenticated request ${Title} offers (who am I).
    await ${id}Fetch(upstream, client, {
      name: 'me.show',
      path: '/me',
      schema: z.object({ user: z.object({ id: z.string() }) }),
    });
  },
});
`,

    [`${dir}/src/tools.ts`]: `import { SourceRef } from '@switchboard/kit';
import { z } from 'zod';
import { ${id}Fetch } from './client.js';
import { ${id} } from './connector.js';

/** ${Title}'s answer to \`GET /records/{id}\`: the fields the tool reads, checked when it arrives. */
const RecordAnswer = z.object({
  record: z.object({ id: z.string(), name: z.string(), updated_at: z.string() }),
});

export const getRecordTool = ${id}.tool({
  name: 'get_record',
  title: 'Get a ${Title} record',
  description: 'One ${Title} record by id. Replace this example with the tools agents need.',
  input: z.object({
    id: z.string().trim().min(1).max(100).describe('The id of the ${Title} record.'),
  }),
  output: z.object({
    source: SourceRef,
    name: z.string().describe('Its name.'),
    updatedAt: z.string().describe('When it last changed (ISO 8601 date-time).'),
  }),
  scopes: ['${scope}:read'],
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  cache: {
    ttlSeconds: 60,
    scope: 'shared',
    tags: (input) => [\`${name}:record:\${input.id}\`],
  },
  // Room for one request, a Retry-After waited out in place and the retry.
  timeoutMs: 20_000,
  async handler(input, ctx) {
    const { record } = await ${id}Fetch(ctx.upstream, ctx.client, {
      name: 'records.show',
      path: \`/records/\${encodeURIComponent(input.id)}\`,
      schema: RecordAnswer,
      notFound: \`${Title} has no record with id "\${input.id}". Check the id.\`,
    });
    return {
      source: { system: '${name}', instance: ctx.instance.namespace, id: record.id },
      name: record.name,
      updatedAt: record.updated_at,
    };
  },
});
`,

    [`${dir}/src/index.ts`]: `import { ${id} } from './connector.js';
import './tools.js';

/** The ${Title} connector as the gateway mounts it. */
export const ${id}Connector = ${id}.build();

${namedList('export', ['createClient', `${UPPER}_FAILURES`, `type ${Title}Client`, `${id}Fetch`, `${id}Profile`], './client.js')}
export { ${Title}Config } from './config.js';
export { ${id} } from './connector.js';
export { getRecordTool } from './tools.js';
`,

    [`${dir}/src/testing.ts`]: `import type { z } from 'zod';
import type { ${Title}Config } from './config.js';

/** Where an emulator of ${Title} listens and the API token it accepts. */
export interface SandboxAccess {
  readonly url: string;
  readonly apiToken: string;
}

/** The configuration as \`switchboard.yaml\` states it (defaults not applied). */
type ConfigInput = z.input<typeof ${Title}Config>;

/**
 * The connector configuration that points an instance at an emulator of ${Title}, typed by the
 * connector's own schema so that a renamed field fails to compile. The demo world (packages/demo)
 * mounts the connector with it once the emulator lives in packages/sandbox.
 */
export function sandboxConfig(emulator: SandboxAccess): ConfigInput {
  return { baseUrl: emulator.url, apiToken: emulator.apiToken };
}
`,

    [`${dir}/test/emulator.ts`]: `import { type SandboxServer, startSandboxServer } from '@switchboard/sandbox';

/**
 * An emulator of ${Title} for this package's tests, on the shared server of \`@switchboard/sandbox\`
 * (loopback, request log, fault injection, a loud 404 for any route it does not emulate).
 *
 * It must follow ${Title}'s published API description, not this connector's expectations: paths,
 * authentication, status codes, error bodies and rate-limit headers as the vendor documents them.
 * An emulator written from what the connector expects only proves that the code agrees with itself.
 * Replace the example routes and bodies below with the vendor's.
 *
 * It belongs in packages/sandbox, seeded from the shared dataset, once the connector joins the demo
 * world: move it there as \`start${Title}Sandbox\` and export it from \`@switchboard/sandbox\`.
 */

/** A record as ${Title}'s API returns it. */
export interface EmulatedRecord {
  id: string;
  name: string;
  updated_at: string;
}

/** The records the emulator holds. */
export const EMULATED_RECORDS: readonly EmulatedRecord[] = [
  { id: 'rec-1001', name: 'First example record', updated_at: '2025-01-15T09:30:00Z' },
  { id: 'rec-1002', name: 'Second example record', updated_at: '2025-02-03T16:05:00Z' },
];

/** A record that exists but that the token's user may not read: answered 403. */
export const FORBIDDEN_RECORD_ID = 'rec-9000';

export interface EmulatorOptions {
  /** The only token accepted; default \`emulator-${name}-api-token\`. */
  apiToken?: string;
  /** Retry-After (seconds) of the 429s that \`server.inject({ rateLimit: true })\` forces; default 10. */
  faultRetryAfterSeconds?: number;
}

export interface Emulator {
  /** Base URL without a trailing slash (the stand-in for the vendor's API base URL). */
  readonly url: string;
  readonly apiToken: string;
  /** Request log and fault injection. */
  readonly server: SandboxServer;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const apiToken = options.apiToken ?? 'emulator-${name}-api-token';
  const retryAfterSeconds = options.faultRetryAfterSeconds ?? 10;
  const records = new Map(EMULATED_RECORDS.map((record) => [record.id, record]));

  const server = await startSandboxServer({
    name: '${Title}',
    routes(app) {
      app.addHook('preHandler', async (request, reply) => {
        if (request.is404 === true) return;
        if (request.headers.authorization !== \`Bearer \${apiToken}\`) {
          return reply
            .code(401)
            .header('www-authenticate', 'Bearer')
            .send({ error: 'unauthorized', message: 'Invalid or missing API token' });
        }
      });
      app.get('/me', async () => ({ user: { id: 'user-1', name: 'API user' } }));
      app.get<{ Params: { id: string } }>('/records/:id', async (request, reply) => {
        const { id } = request.params;
        if (id === FORBIDDEN_RECORD_ID) {
          return reply
            .code(403)
            .send({ error: 'forbidden', message: 'You do not have permission to view this record' });
        }
        const record = records.get(id);
        if (record === undefined) {
          return reply.code(404).send({ error: 'not_found', message: 'Record not found' });
        }
        return { record };
      });
    },
    serverError: (reply) =>
      reply.code(503).send({ error: 'service_unavailable', message: 'Service temporarily unavailable' }),
    rateLimited: (reply) =>
      reply
        .code(429)
        .header('retry-after', String(retryAfterSeconds))
        .send({ error: 'rate_limited', message: 'Too many requests' }),
  });

  return { url: server.url, apiToken, server, close: () => server.close() };
}
`,

    [`${dir}/test/contract.test.ts`]: `import { readFileSync } from 'node:fs';
import { connectorContract, contractProblems } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import { ${Title}Config, ${id}Connector } from '../src/index.js';

/** The contract agents and operators see: a change to it must be a visible diff. */

describe('tool contract', () => {
  it('matches the snapshot of what agents and operators see: listings, scopes, cache policies, deadlines', () => {
    expect(connectorContract(${id}Connector)).toMatchSnapshot();
  });

  it('keeps the contract rules every connector keeps', () => {
    expect(contractProblems(${id}Connector)).toEqual([]);
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  /** First-column names of the README's tables (tools and configuration fields). */
  const rows = [...readme.matchAll(/^\\| \`([a-zA-Z_]+)\` +\\|/gm)].map((match) => match[1] ?? '');

  it('documents every tool and configuration field, and nothing that does not exist', () => {
    const tools = ${id}Connector.tools.map((tool) => tool.name);
    const fields = Object.keys(${Title}Config.shape);
    expect([...rows].sort()).toEqual([...tools, ...fields].sort());
  });
});
`,

    [`${dir}/test/upstream.test.ts`]: `import type { ToolContext, UpstreamHooks } from '@switchboard/kit';
import { ToolError, upstreamProfileOf } from '@switchboard/kit';
import {
  callTool,
  countingHooks,
  must,
  silentLogger,
  testContext,
  testInstance,
  testUpstream,
  toolError,
} from '@switchboard/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { ${Title}Client } from '../src/index.js';
${namedList('import', ['getRecordTool', `${Title}Config`, id, `${id}Connector`], '../src/index.js')}
import { sandboxConfig } from '../src/testing.js';
import type { Emulator, EmulatorOptions } from './emulator.js';
import { EMULATED_RECORDS, FORBIDDEN_RECORD_ID, startEmulator } from './emulator.js';

/**
 * Every request to ${Title} goes through the call's upstream: one quota token and one recorded
 * request per request the emulator receives, and the failures mean what the profile declares.
 */

type Ctx = ToolContext<${Title}Client, ${Title}Config>;
type Overrides = Partial<z.input<typeof ${Title}Config>>;

const connector = ${id}.spec;
const instance = testInstance('${name}');
const known = must(EMULATED_RECORDS[0], 'an emulated record');
const WRONG_TOKEN = 'wrong-token-123';

interface Harness {
  emulator: Emulator;
  config: ${Title}Config;
  client: ${Title}Client;
  /** A context of this instance whose upstream runs the connector's profile with these hooks. */
  context(hooks?: UpstreamHooks): Ctx;
  close(): Promise<void>;
}

/** A client and config of this connector pointed at the emulator, with config overrides. */
async function connectTo(emulator: Emulator, overrides: Overrides = {}) {
  const config = ${Title}Config.parse({ ...sandboxConfig(emulator), ...overrides });
  const client = await ${id}Connector.connect(config, { logger: silentLogger(), instance });
  return { config, client };
}

async function startHarness(options: EmulatorOptions = {}, overrides: Overrides = {}): Promise<Harness> {
  const emulator = await startEmulator(options);
  const { config, client } = await connectTo(emulator, overrides);
  return {
    emulator,
    config,
    client,
    context: (hooks) => testContext(client, config, { instance, connector, hooks }),
    close: () => emulator.close(),
  };
}

/** A wait that takes no time: records what the upstream asked for and runs \`then\` (e.g. lifts a fault). */
function fakeWait(then: () => void = () => {}) {
  const waits: number[] = [];
  return {
    waits,
    wait: async (ms: number) => {
      waits.push(ms);
      then();
    },
  };
}

describe('requests and failures', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('get_record takes one quota token and records one request per request the emulator receives', async () => {
    const hooks = countingHooks();
    h.emulator.server.clearLog();
    const out = await callTool(getRecordTool, { id: known.id }, h.context(hooks));
    expect(out).toEqual({
      source: { system: '${name}', instance: '${name}', id: known.id },
      name: known.name,
      updatedAt: known.updated_at,
    });
    expect(hooks.acquired).toEqual(['records.show']);
    expect(hooks.requests).toEqual([{ name: 'records.show', outcome: 'ok' }]);
    expect(h.emulator.server.requests.map((request) => \`\${request.method} \${request.path}\`)).toEqual([
      \`GET /records/\${known.id}\`,
    ]);
  });

  it('answers not_found for an unknown id, naming it', async () => {
    const error = await toolError(callTool(getRecordTool, { id: 'no-such-record' }, h.context()));
    expect(error).toMatchObject({ code: 'not_found', retryable: false });
    expect(error.message).toContain('"no-such-record"');
  });

  it('answers forbidden for a record the account may not read', async () => {
    const error = await toolError(callTool(getRecordTool, { id: FORBIDDEN_RECORD_ID }, h.context()));
    expect(error).toMatchObject({ code: 'forbidden', retryable: false });
  });

  it('maps refused credentials to a non-retryable upstream_unavailable naming apiToken, never the token', async () => {
    const { config, client } = await connectTo(h.emulator, { apiToken: WRONG_TOKEN });
    h.emulator.server.clearLog();
    const ctx = testContext(client, config, { instance, connector });
    const error = await toolError(callTool(getRecordTool, { id: known.id }, ctx));
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: false });
    expect(error.message).toContain('apiToken');
    expect(error.message).not.toContain(WRONG_TOKEN);
    expect(h.emulator.server.requests.map((request) => request.status)).toEqual([401]);
  });

  it('maps a server error to a retryable upstream_unavailable without the vendor body', async () => {
    h.emulator.server.inject({ pathPrefix: '/records', errorRate: 1 });
    try {
      const error = await toolError(callTool(getRecordTool, { id: known.id }, h.context()));
      expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
      expect(error.message).toContain('503');
      expect(error.message).not.toContain('temporarily');
    } finally {
      h.emulator.server.clearFaults();
    }
  });

  it('sends nothing when the quota refuses', async () => {
    const hooks = countingHooks();
    hooks.refuse = new ToolError('rate_limited', 'At the request quota.', { retryAfterMs: 500 });
    h.emulator.server.clearLog();
    const error = await toolError(callTool(getRecordTool, { id: known.id }, h.context(hooks)));
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 500 });
    expect(h.emulator.server.requests).toEqual([]);
    expect(hooks.requests).toEqual([]);
  });

  it('passes the readiness check with the right token and fails it with a wrong one', async () => {
    const check = must(${id}Connector.check, 'the readiness check');
    const signal = new AbortController().signal;
    await expect(check(h.client, { signal })).resolves.toBeUndefined();
    const wrong = await connectTo(h.emulator, { apiToken: WRONG_TOKEN });
    await expect(check(wrong.client, { signal })).rejects.toMatchObject({
      code: 'upstream_unavailable',
      retryable: false,
    });
  });
});

describe('rate limits (429 with Retry-After)', () => {
  it('waits out a Retry-After within maxRetryWaitMs once, taking a token for the retry too', async () => {
    const h = await startHarness({ faultRetryAfterSeconds: 1 }, { maxRetryWaitMs: 2000 });
    try {
      h.emulator.server.inject({ pathPrefix: '/records', rateLimit: true });
      const hooks = countingHooks();
      const { waits, wait } = fakeWait(() => h.emulator.server.clearFaults());
      const upstream = testUpstream(upstreamProfileOf(connector, h.config), { hooks, wait });
      const ctx = testContext(h.client, h.config, { instance, upstream });
      const out = await callTool(getRecordTool, { id: known.id }, ctx);
      expect(out.name).toBe(known.name);
      expect(waits).toEqual([1000]);
      expect(hooks.acquired).toHaveLength(2);
      expect(hooks.requests).toEqual([
        { name: 'records.show', outcome: 'rate_limited' },
        { name: 'records.show', outcome: 'ok' },
      ]);
      expect(h.emulator.server.requestsTo('/records').map((request) => request.status)).toEqual([429, 200]);
    } finally {
      await h.close();
    }
  });

  it('answers rate_limited with retryAfterMs at once when Retry-After is longer than maxRetryWaitMs', async () => {
    const h = await startHarness({ faultRetryAfterSeconds: 30 }, { maxRetryWaitMs: 2000 });
    try {
      h.emulator.server.inject({ pathPrefix: '/records', rateLimit: true });
      const hooks = countingHooks();
      const { waits, wait } = fakeWait();
      const upstream = testUpstream(upstreamProfileOf(connector, h.config), { hooks, wait });
      const ctx = testContext(h.client, h.config, { instance, upstream });
      const error = await toolError(callTool(getRecordTool, { id: known.id }, ctx));
      expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 30_000 });
      expect(waits).toEqual([]);
      expect(hooks.acquired).toHaveLength(1);
      expect(h.emulator.server.requestsTo('/records').map((request) => request.status)).toEqual([429]);
    } finally {
      await h.close();
    }
  });
});

describe('timeouts', () => {
  it('maps a hung vendor to timeout at the configured per-request timeout', async () => {
    const h = await startHarness({}, { timeoutMs: 200 });
    try {
      h.emulator.server.inject({ pathPrefix: '/records', hang: true });
      const hooks = countingHooks();
      const started = Date.now();
      const error = await toolError(callTool(getRecordTool, { id: known.id }, h.context(hooks)));
      const elapsed = Date.now() - started;
      expect(error).toMatchObject({ code: 'timeout', retryable: true });
      expect(error.message).toContain('limit 200 ms per request');
      expect(elapsed).toBeGreaterThanOrEqual(180);
      expect(elapsed).toBeLessThan(5000);
      expect(hooks.requests).toEqual([{ name: 'records.show', outcome: 'timeout' }]);
    } finally {
      await h.close();
    }
  });
});
`,

    [`${dir}/README.md`]: `# @switchboard/connector-${name}

The ${Title} connector. Replace this text with what it reads and writes and how it talks to
${Title} (its REST API over Node's global \`fetch\`, with a Bearer API token).

\`\`\`ts
import { ${id}Connector } from '@switchboard/connector-${name}';
\`\`\`

## Tools

Tools are exposed as \`<namespace>__<tool>\` (\`${name}__get_record\` by default). Reads require the
scope \`${scope}:read\`, are annotated \`readOnlyHint\`, \`idempotentHint\` and \`openWorldHint\`, and
are cached (shared between callers).

${markdownTable([
  ['tool', 'input', 'returns', 'cache'],
  [
    '`get_record`',
    '`id`',
    '`source`, `name`, `updatedAt` of the record',
    `60 s, tag \`${name}:record:<id>\``,
  ],
])}

Errors: an unknown id is \`not_found\` and the message names it; a record the API user may not read
is \`forbidden\`.

## Configuration

\`\`\`yaml
connectors:
  - package: ${name}
    namespace: ${name}
    config:
      baseUrl: https://api.example.com/v1
      apiToken: \${${UPPER}_API_TOKEN}
      timeoutMs: 10000
      maxRetryWaitMs: 2000
\`\`\`

${markdownTable([
  ['field', 'default', 'meaning'],
  ['`baseUrl`', 'required', `base URL of the ${Title} API (or of its emulator)`],
  [
    '`apiToken`',
    'required, secret',
    'API token, sent as `Authorization: Bearer`; must come from the environment',
  ],
  ['`timeoutMs`', '10000', 'timeout of each HTTP request (100 to 60000)'],
  [
    '`maxRetryWaitMs`',
    '2000',
    'a 429 whose `Retry-After` is at most this is retried once after waiting; longer waits answer ' +
      '`rate_limited` at once (0 never waits; at most 10000)',
  ],
])}

## Limits

- **Upstream quota.** Each instance declares 100 requests per 10 s as its default quota, one token
  per request. This is a placeholder: set \`quota\` in \`src/connector.ts\` to the limit ${Title}
  documents, and name it in \`source\`. The gateway refuses a call over it with \`rate_limited\`
  before ${Title} is called; operators set an instance's \`quota\` to their plan's limit, or disable
  it with \`quota: false\`.
- **Rate limits.** A 429 whose \`Retry-After\` is at most \`maxRetryWaitMs\` is retried once after
  that wait, within the tool's deadline; a longer wait, or a second 429, answers \`rate_limited\`
  with \`retryAfterMs\` at once. A 429 without \`Retry-After\` counts as 60 s.
- **Timeouts.** Every request has its own timeout (\`timeoutMs\`) combined with the call's deadline;
  either ends it as \`timeout\`. \`get_record\` has a 20 s deadline.
- **Errors.** Refused credentials (401) are \`upstream_unavailable\` that retrying will not fix, and
  the message tells the operator to fix \`apiToken\`; 403 is \`forbidden\`; 5xx and an unreachable
  ${Title} are \`upstream_unavailable\` (retryable). The vendor's body is logged as the cause, never
  returned.
- The readiness check is \`GET /me\` with a 2-second timeout, no quota token and no retry.

## Development

\`\`\`console
cd packages/connectors/${name}
npx tsc -p tsconfig.json && npx vitest run
\`\`\`

The tests drive the connector through \`fetch\` against the emulator in \`test/emulator.ts\` on
loopback: request accounting, not found, refused credentials, forbidden, server errors, the quota,
the readiness check, rate limits with \`Retry-After\` and timeouts.
`,
  };
}
