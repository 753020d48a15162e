import type { z } from 'zod';
import { bindSource, type CallOptions, type CapabilitySource } from '../capabilities.js';
import {
  type AnyZodObject,
  type Connector,
  type ConnectorSpec,
  type ToolSpec,
  upstreamProfileOf,
} from '../connector.js';
import type { InstanceInfo, Logger, Principal, ToolContext } from '../context.js';
import { ToolError, type ToolErrorCode } from '../errors.js';
import { DEFAULT_IDENTITY, type Identity } from '../identity.js';
import { createUpstream, type Upstream, type UpstreamHooks, type UpstreamProfile } from '../upstream.js';

/** A logger that drops everything; `records` keeps what was logged for assertions. */
export function silentLogger(records: Array<{ level: string; obj: object; msg?: string }> = []): Logger {
  const log =
    (level: string) =>
    (obj: object, msg?: string): void => {
      records.push(msg === undefined ? { level, obj } : { level, obj, msg });
    };
  const logger: Logger = {
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return logger;
}

export function testInstance(namespace: string, connector = namespace): InstanceInfo {
  return { namespace, connector, toolName: (localName) => `${namespace}__${localName}` };
}

export const testPrincipal: Principal = { id: 'test', kind: 'local', scopes: new Set(['*']) };

/** One vendor request as the upstream hooks saw it. */
export interface UpstreamRecord {
  name: string;
  outcome: 'ok' | ToolErrorCode;
}

/**
 * Upstream hooks that count: `acquired` quota tokens and the `requests` recorded, for tests that
 * check a tool's vendor-request accounting. `refuse` makes the next acquisitions throw (a quota).
 */
export function countingHooks(): UpstreamHooks & {
  acquired: string[];
  requests: UpstreamRecord[];
  refuse: Error | undefined;
} {
  const hooks = {
    acquired: [] as string[],
    requests: [] as UpstreamRecord[],
    refuse: undefined as Error | undefined,
    async acquire(name: string) {
      if (hooks.refuse) throw hooks.refuse;
      hooks.acquired.push(name);
    },
    record(name: string, outcome: 'ok' | ToolErrorCode) {
      hooks.requests.push({ name, outcome });
    },
  };
  return hooks;
}

export interface TestUpstreamOptions {
  signal?: AbortSignal;
  hooks?: UpstreamHooks;
  deadlineAt?: number;
  now?: () => number;
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The same upstream engine the gateway runs, for a connector's profile, with test hooks. */
export function testUpstream(profile: UpstreamProfile, options: TestUpstreamOptions = {}): Upstream {
  return createUpstream({
    profile,
    signal: options.signal ?? new AbortController().signal,
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.deadlineAt === undefined ? {} : { deadlineAt: options.deadlineAt }),
    ...(options.now ? { now: options.now } : {}),
    ...(options.wait ? { wait: options.wait } : {}),
  });
}

export type TestContextOverrides<Client, Config> = Partial<
  Omit<ToolContext<Client, Config>, 'client' | 'config'>
> & {
  instance?: InstanceInfo;
  /** The connector whose upstream profile `ctx.upstream` uses (default: a profile titled "Test"). */
  connector?: ConnectorSpec<Client, Config>;
  /** Hooks of the default `ctx.upstream` (e.g. `countingHooks()`). */
  hooks?: UpstreamHooks;
};

/** A handler context for calling a tool's handler directly in a connector's own tests. */
export function testContext<Client, Config>(
  client: Client,
  config: Config,
  overrides: TestContextOverrides<Client, Config> = {},
): ToolContext<Client, Config> {
  const signal = overrides.signal ?? new AbortController().signal;
  const profile = overrides.connector ? upstreamProfileOf(overrides.connector, config) : { title: 'Test' };
  return {
    client,
    config,
    instance: overrides.instance ?? testInstance('test'),
    logger: overrides.logger ?? silentLogger(),
    signal,
    principal: overrides.principal ?? testPrincipal,
    requestId: overrides.requestId ?? 'test-request',
    upstream:
      overrides.upstream ??
      testUpstream(profile, { signal, ...(overrides.hooks ? { hooks: overrides.hooks } : {}) }),
    identity: overrides.identity ?? DEFAULT_IDENTITY,
    progress: overrides.progress ?? (async () => {}),
    sources: overrides.sources ?? (() => []),
  };
}

/**
 * A connector instance as a composite tool sees it, in a connector's or composite's own tests: its
 * adapters bound to the connector's upstream profile (with `hooks`, if given) and identity rules.
 */
export function testSource<Client, Config>(
  connector: Connector<Client, Config>,
  client: Client,
  config: Config,
  instance: InstanceInfo,
  options: { hooks?: UpstreamHooks; identity?: Identity } = {},
): CapabilitySource {
  const factories = connector.capabilities ?? {};
  const profile = upstreamProfileOf(connector, config);
  return bindSource(
    {
      instance,
      title: connector.title,
      crm: factories.crm?.(client, instance),
      erp: factories.erp?.(client, instance),
      support: factories.support?.(client, instance),
    },
    (signal) => ({
      upstream: testUpstream(profile, { signal, ...(options.hooks ? { hooks: options.hooks } : {}) }),
      identity: options.identity ?? DEFAULT_IDENTITY,
    }),
  );
}

/** Options for calling a capability adapter directly in a connector's own tests. */
export function testCallOptions<Client, Config>(
  connector: ConnectorSpec<Client, Config>,
  config: Config,
  options: { signal?: AbortSignal; hooks?: UpstreamHooks; identity?: Identity } = {},
): CallOptions {
  const signal = options.signal ?? new AbortController().signal;
  return {
    signal,
    upstream: testUpstream(upstreamProfileOf(connector, config), {
      signal,
      ...(options.hooks ? { hooks: options.hooks } : {}),
    }),
    identity: options.identity ?? DEFAULT_IDENTITY,
  };
}

export {
  connectorContract,
  contractProblems,
  type JsonNode,
  jsonSchema,
  pageLimitProblems,
  type ReadWriteConventions,
  readWriteProblems,
  undescribed,
} from './contract.js';
export { type Closable, closeAfterEach, sharedFixture, type TestHook } from './fixtures.js';
export {
  type ReadmePolicyOptions,
  readmePolicyProblems,
  readmeProblems,
  readmeRows,
} from './readme.js';
export { type ConnectorRulesOptions, connectorRulesSuite, type TestRunner } from './suite.js';

/**
 * A connector's client and parsed configuration for a raw configuration, connected as the gateway
 * connects an instance (with a silent logger), for a connector's own tests.
 */
export async function testConnect<Client, Config>(
  connector: ConnectorSpec<Client, Config>,
  raw: unknown,
  instance: InstanceInfo,
): Promise<{ client: Client; config: Config }> {
  const config = connector.config.parse(raw);
  const client = await connector.connect(config, { logger: silentLogger(), instance });
  return { client, config };
}

/** Calls a tool as the gateway does: input parsed by its schema, output validated by its schema. */
export async function callTool<Client, Config, I extends AnyZodObject, O extends AnyZodObject>(
  tool: ToolSpec<Client, Config, I, O>,
  raw: z.input<I>,
  ctx: ToolContext<Client, Config>,
): Promise<z.output<O>> {
  const input = tool.input.parse(raw);
  return tool.output.parse(await tool.handler(input, ctx));
}

/**
 * Every page of a paged call in order, following `nextCursor` from the first page until a page has
 * none. Fails past `maxPages` instead of paging for ever when a cursor never ends.
 */
export async function allPages<Page extends { nextCursor?: string | undefined }>(
  fetchPage: (cursor: string | undefined) => Promise<Page>,
  maxPages = 100,
): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | undefined;
  do {
    if (pages.length === maxPages) throw new Error(`paging did not end within ${maxPages} pages`);
    const page = await fetchPage(cursor);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return pages;
}

/** The ToolError a promise rejects with (fails the test when it resolves or throws anything else). */
export async function toolError(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ToolError) return error;
    throw new Error(`expected a ToolError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a ToolError, but the call succeeded');
}

/** The value, or a failed test setup naming what is missing. */
export function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`test setup: missing ${what}`);
  return value;
}
