import { defineConnector, secret, type ToolContext, ToolError } from '@switchboard/kit';
import { z } from 'zod';

/**
 * A small connector for testing the gateway's own machinery (registry, pipeline, transport) without
 * a vendor. Its client records calls so tests can assert that no handler ran; every "vendor request"
 * goes through `ctx.upstream.run`, as a real connector's would.
 */
export interface FixtureClient {
  calls: string[];
  ready: boolean;
}

/** Whether a connected client is the fixture's (the runtime hands clients out untyped). */
export function isFixtureClient(value: unknown): value is FixtureClient {
  return typeof value === 'object' && value !== null && 'calls' in value && Array.isArray(value.calls);
}

const connectAttempts = new WeakMap<object, number>();

const fixture = defineConnector<FixtureClient, { token: string; ready: boolean; failConnects: number }>({
  name: 'fixture',
  title: 'Fixture',
  description: 'Test connector.',
  category: 'other',
  config: z.object({
    token: secret(),
    ready: z.boolean().default(true),
    failConnects: z.number().int().min(0).default(0).describe('Fail this many connection attempts first.'),
  }),
  connect: async (config) => {
    const attempt = (connectAttempts.get(config) ?? 0) + 1;
    connectAttempts.set(config, attempt);
    if (attempt <= config.failConnects) throw new Error(`connection refused by fixture (attempt ${attempt})`);
    return { calls: [], ready: config.ready };
  },
  check: async (client) => {
    if (!client.ready) throw new Error('fixture upstream unreachable');
  },
});

export const echo = fixture.tool({
  name: 'echo',
  title: 'Echo',
  description: 'Returns its input, upper-cased.',
  input: z.object({
    text: z.string().min(1).max(100).describe('Text to echo.'),
    times: z.number().int().min(1).max(5).default(1).describe('How many times.'),
  }),
  output: z.object({ echoed: z.string().describe('The text, upper-cased and repeated.') }),
  scopes: ['fixture:read'],
  annotations: { readOnlyHint: true, openWorldHint: false },
  async handler(input, ctx) {
    await ctx.upstream.run('echo', async () => {
      ctx.client.calls.push('echo');
    });
    return { echoed: input.text.toUpperCase().repeat(input.times) };
  },
});

const failures = fixture.tool({
  name: 'fail',
  title: 'Fail',
  description: 'Fails in the way asked.',
  input: z.object({
    how: z.enum(['tool_error', 'crash', 'hang', 'bad_output', 'not_found']).describe('Failure.'),
  }),
  output: z.object({ never: z.string().describe('Never returned.') }),
  scopes: ['fixture:read'],
  annotations: { readOnlyHint: true },
  timeoutMs: 300,
  async handler(input, ctx) {
    return ctx.upstream.run('fail', () => failAs(input.how, ctx));
  },
});

/** One "vendor request" failing the way asked. */
async function failAs(
  how: 'tool_error' | 'crash' | 'hang' | 'bad_output' | 'not_found',
  ctx: ToolContext<FixtureClient, { token: string }>,
): Promise<{ never: string }> {
  ctx.client.calls.push(`fail:${how}`);
  switch (how) {
    case 'tool_error':
      throw new ToolError('rate_limited', 'Fixture is rate limited.', { retryAfterMs: 2000 });
    case 'not_found':
      throw new ToolError('not_found', `No thing 42. Use ${ctx.instance.toolName('echo')} instead.`);
    case 'crash':
      throw new Error(`upstream said: password=${ctx.config.token}`);
    case 'hang':
      // Ignores the signal on purpose: the wrapper must still stop at the deadline.
      return new Promise<never>(() => {});
    case 'bad_output':
      return { never: 42 } as unknown as { never: string };
  }
}

const fan = fixture.tool({
  name: 'fan',
  title: 'Fan out',
  description: 'Makes the given number of vendor requests, as a tool that reads several records does.',
  input: z.object({ requests: z.number().int().min(0).max(20).describe('Vendor requests to make.') }),
  output: z.object({ made: z.number().int().describe('Requests made.') }),
  scopes: ['fixture:read'],
  annotations: { readOnlyHint: true },
  async handler(input, ctx) {
    for (let i = 0; i < input.requests; i++) {
      await ctx.upstream.run(`fan ${i}`, async () => ctx.client.calls.push(`fan:${i}`));
    }
    return { made: input.requests };
  },
});

const steps = fixture.tool({
  name: 'steps',
  title: 'Steps',
  description: 'Reports progress for each step.',
  input: z.object({ count: z.number().int().min(1).max(5).describe('How many steps.') }),
  output: z.object({ done: z.number().int().describe('Steps done.') }),
  scopes: ['fixture:read'],
  annotations: { readOnlyHint: true },
  async handler(input, ctx) {
    for (let step = 1; step <= input.count; step++) {
      await ctx.progress({ progress: step, total: input.count, message: `step ${step}` });
    }
    return { done: input.count };
  },
});

const wait = fixture.tool({
  name: 'wait',
  title: 'Wait',
  description: 'One vendor request that answers only when it is aborted (a slow vendor, cancelled).',
  input: z.object({}),
  output: z.object({ never: z.string().describe('Never returned.') }),
  scopes: ['fixture:read'],
  annotations: { readOnlyHint: true },
  timeoutMs: 20_000,
  async handler(_input, ctx) {
    return ctx.upstream.run('wait', (signal) => {
      ctx.client.calls.push('wait:started');
      return new Promise<never>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          ctx.client.calls.push('wait:aborted');
          reject(signal.reason);
        });
      });
    });
  },
});

const mine = fixture.tool({
  name: 'mine',
  title: 'Mine',
  description: 'Who asked, cached per principal.',
  input: z.object({ topic: z.string().describe('Anything.') }),
  output: z.object({
    principal: z.string().describe('The caller.'),
    topic: z.string().describe('The topic.'),
  }),
  scopes: ['fixture:read'],
  annotations: { readOnlyHint: true },
  cache: { ttlSeconds: 60, scope: 'principal' },
  async handler(input, ctx) {
    await ctx.upstream.run('mine', async () => ctx.client.calls.push(`mine:${ctx.principal.id}`));
    return { principal: ctx.principal.id, topic: input.topic };
  },
});

const write = fixture.tool({
  name: 'write_thing',
  title: 'Write a thing',
  description: 'A write tool with its own scope.',
  input: z.object({ value: z.string().describe('Value.') }),
  output: z.object({ ok: z.boolean().describe('Done.') }),
  scopes: ['fixture:write'],
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  async handler(_input, ctx) {
    await ctx.upstream.run('write', async () => ctx.client.calls.push('write_thing'), { retry: false });
    return { ok: true };
  },
});

const thing = fixture.resource({
  name: 'thing',
  title: 'Thing',
  description: 'A thing by id.',
  uriTemplate: 'things/{id}',
  params: z.object({ id: z.coerce.number().int().positive().describe('Thing id.') }),
  scopes: ['fixture:read'],
  async read(params, ctx) {
    return ctx.upstream.run('thing', async () => {
      ctx.client.calls.push(`thing:${params.id}`);
      if (params.id === 404) throw new ToolError('not_found', 'No thing 404.');
      return { json: { id: params.id, name: `thing ${params.id}` } };
    });
  },
});

const brief = fixture.prompt({
  name: 'brief',
  title: 'Brief',
  description: 'A prompt.',
  arguments: z.object({ subject: z.string().describe('What to brief on.') }),
  scopes: ['fixture:read'],
  render: (args) => [{ role: 'user', text: `Brief me on ${args.subject}.` }],
});

void [failures, fan, steps, wait, mine, write, thing, brief];

export const fixtureConnector = fixture.build();

export const FIXTURE_CATALOGUE = new Map([[fixtureConnector.name, fixtureConnector]]);

/** The exposed names of the fixture's read tools (scope fixture:read), sorted; the one write is `fixture__write_thing`. */
export const FIXTURE_READ_TOOLS = fixtureConnector.tools
  .filter((tool) => tool.scopes.includes('fixture:read'))
  .map((tool) => `fixture__${tool.name}`)
  .sort();
