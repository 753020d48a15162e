import { z } from 'zod';
import type { CrmCapability, ErpCapability, SupportCapability } from './capabilities.js';
import type { ConnectDeps, InstanceInfo, ToolContext } from './context.js';
import type { UpstreamProfile } from './upstream.js';

/** MCP tool annotations. Hints only: clients must not rely on them for security. */
export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/**
 * How the gateway may cache a read-only tool's result. `principal` scope keys the entry by caller,
 * for results that depend on who asks.
 */
export interface CachePolicy<In, Out> {
  ttlSeconds: number;
  scope: 'shared' | 'principal';
  /** Tags that a write tool's `invalidates` can name to drop this entry. */
  tags?(input: In, output: Out): string[];
  /** Cache `not_found` errors this long (seconds); errors are not cached otherwise. */
  negativeTtlSeconds?: number;
}

/** A zod object schema of any shape and strictness. */
export type AnyZodObject = z.ZodObject<z.core.$ZodLooseShape, z.core.$ZodObjectConfig>;

export interface ToolSpec<Client, Config, I extends AnyZodObject, O extends AnyZodObject> {
  /** Unqualified name (`search_accounts`); the registry prefixes the namespace. */
  name: string;
  title: string;
  /** What the tool does, when to use it, and what to use instead; the model reads this. */
  description: string;
  input: I;
  output: O;
  /** Every scope listed is required to see and call the tool. */
  scopes: readonly string[];
  annotations: ToolAnnotations;
  cache?: CachePolicy<z.output<I>, z.output<O>>;
  /** For write tools: the cache tags a successful call invalidates. */
  invalidates?(input: z.output<I>, output: z.output<O>): string[];
  /** Deadline for the whole handler. Defaults to the gateway's `tools.defaultTimeoutMs`. */
  timeoutMs?: number;
  handler(input: z.output<I>, ctx: ToolContext<Client, Config>): Promise<z.input<O>>;
  /** Text rendering of the result for clients that ignore `structuredContent`. Defaults to JSON. */
  render?(output: z.output<O>): string;
}

export interface ResourceContent {
  /** JSON-serializable value; served as `application/json`. */
  json: unknown;
}

export interface ResourceSpec<Client, Config, P extends AnyZodObject> {
  name: string;
  title: string;
  description: string;
  /** RFC 6570 level-1 template of the path after `<namespace>://`, e.g. `customers/{id}`. */
  uriTemplate: string;
  /** Validates the template variables. */
  params: P;
  scopes: readonly string[];
  read(params: z.output<P>, ctx: ToolContext<Client, Config>): Promise<ResourceContent>;
}

export interface PromptMessage {
  role: 'user' | 'assistant';
  text: string;
}

export interface PromptSpec<A extends AnyZodObject> {
  name: string;
  title: string;
  description: string;
  /** String arguments only (MCP prompt arguments are strings). */
  arguments: A;
  scopes: readonly string[];
  render(args: z.output<A>): PromptMessage[];
}

export type ConnectorCategory = 'crm' | 'erp' | 'support' | 'composite' | 'other';

export interface CapabilityFactories<Client> {
  crm?(client: Client, instance: InstanceInfo): CrmCapability;
  erp?(client: Client, instance: InstanceInfo): ErpCapability;
  support?(client: Client, instance: InstanceInfo): SupportCapability;
}

/** A vendor's published request limit, enforced across all replicas before the vendor is called. */
export interface UpstreamQuota {
  /** Requests allowed per interval (the bucket's capacity). */
  limit: number;
  intervalMs: number;
  /** Where the number comes from, for docs and logs (e.g. "HubSpot private apps: 190 per 10 s"). */
  source: string;
}

/**
 * A profile computed from the instance's configuration. Declared through a method so that a connector
 * of a concrete config type stays assignable to `AnyConnector` (method parameters are bivariant).
 */
type ProfileOf<Config> = { profile(config: Config): UpstreamProfile }['profile'];

export interface ConnectorSpec<Client, Config> {
  /** Package name and default namespace; `^[a-z][a-z0-9_]*$`. */
  name: string;
  title: string;
  description: string;
  category: ConnectorCategory;
  /** Schema of the instance configuration; mark credentials with `secret()`. */
  config: z.ZodType<Config>;
  /** Builds the vendor client once per instance. */
  connect(config: Config, deps: ConnectDeps): Promise<Client>;
  /** Readiness probe of the upstream; throws when not ready. */
  check?(client: Client, options: { signal: AbortSignal }): Promise<void>;
  /** Releases the client (pools, sockets) at shutdown. */
  close?(client: Client): Promise<void>;
  capabilities?: CapabilityFactories<Client>;
  /** Default upstream quota of each instance, one token per vendor request; configuration may override or disable it. */
  quota?: UpstreamQuota;
  /**
   * The vendor's failure rules and request defaults for `ctx.upstream` (data; a function of the
   * instance's configuration when timeouts are configurable). Defaults to the connector's title and
   * the standard HTTP rules.
   */
  upstream?: UpstreamProfile | ProfileOf<Config>;
}

export interface Connector<Client, Config> extends ConnectorSpec<Client, Config> {
  tools: readonly ToolSpec<Client, Config, AnyZodObject, AnyZodObject>[];
  resources: readonly ResourceSpec<Client, Config, AnyZodObject>[];
  prompts: readonly PromptSpec<AnyZodObject>[];
}

/**
 * A connector of any client and config type, as the gateway holds it. Handlers are declared as
 * methods, so a concrete connector is assignable here without casts.
 */
export type AnyConnector = Connector<unknown, unknown>;

export interface ConnectorKit<Client, Config> {
  readonly spec: ConnectorSpec<Client, Config>;
  tool<I extends AnyZodObject, O extends AnyZodObject>(
    spec: ToolSpec<Client, Config, I, O>,
  ): ToolSpec<Client, Config, I, O>;
  resource<P extends AnyZodObject>(spec: ResourceSpec<Client, Config, P>): ResourceSpec<Client, Config, P>;
  prompt<A extends AnyZodObject>(spec: PromptSpec<A>): PromptSpec<A>;
  /**
   * The finished connector the gateway mounts, with every tool, resource and prompt declared through
   * this kit, in declaration order. Import the modules that declare them before calling it.
   */
  build(): Connector<Client, Config>;
}

const LOCAL_NAME = /^[a-z][a-z0-9_]*$/;

function assertLocalName(kind: string, name: string): void {
  if (!LOCAL_NAME.test(name)) {
    throw new Error(`${kind} name "${name}" must match ${LOCAL_NAME} (lower case, digits, underscores).`);
  }
}

/**
 * Defines a connector. Tools, resources and prompts are plain data typed against the connector's
 * client and config; the gateway does all registering.
 */
export function defineConnector<Client, Config>(
  spec: ConnectorSpec<Client, Config>,
): ConnectorKit<Client, Config> {
  assertLocalName('Connector', spec.name);
  const tools: ToolSpec<Client, Config, AnyZodObject, AnyZodObject>[] = [];
  const resources: ResourceSpec<Client, Config, AnyZodObject>[] = [];
  const prompts: PromptSpec<AnyZodObject>[] = [];
  const unique = (kind: string, name: string, taken: readonly { name: string }[]) => {
    assertLocalName(kind, name);
    if (taken.some((other) => other.name === name)) {
      throw new Error(`${kind} "${name}" is declared twice in connector "${spec.name}".`);
    }
  };
  let built: Connector<Client, Config> | undefined;
  const open = (kind: string, name: string) => {
    if (built) throw new Error(`${kind} "${name}" is declared after connector "${spec.name}" was built.`);
  };
  return {
    spec,
    tool(tool) {
      open('Tool', tool.name);
      unique('Tool', tool.name, tools);
      if (tool.annotations.readOnlyHint !== true && tool.cache) {
        throw new Error(`Tool "${tool.name}" is not read-only and so cannot declare a cache policy.`);
      }
      tools.push(tool);
      return tool;
    },
    resource(resource) {
      open('Resource', resource.name);
      unique('Resource', resource.name, resources);
      resources.push(resource);
      return resource;
    },
    prompt(prompt) {
      open('Prompt', prompt.name);
      unique('Prompt', prompt.name, prompts);
      prompts.push(prompt);
      return prompt;
    },
    build() {
      built ??= { ...spec, tools: [...tools], resources: [...resources], prompts: [...prompts] };
      return built;
    },
  };
}

/**
 * Marks a configuration field as a secret: it must come from the environment (`${VAR}`), never
 * from a literal in the configuration file, and it is redacted wherever configuration is shown.
 */
export const secretRegistry = z.registry<{ secret: true }>();

export function secret(description = 'A credential, taken from the environment.'): z.ZodString {
  const schema = z.string().min(1).describe(description);
  secretRegistry.add(schema, { secret: true });
  return schema;
}

/** A whole-number setting of an instance (a timeout, a retry count, a pool size): bounded, with its default. */
export function intSetting(min: number, max: number, defaultValue: number) {
  return z.number().int().min(min).max(max).default(defaultValue);
}

export function isSecretSchema(schema: z.ZodType): boolean {
  return secretRegistry.has(schema);
}

/** The upstream profile of an instance: the connector's declared one, or the defaults under its title. */
export function upstreamProfileOf<Client, Config>(
  connector: ConnectorSpec<Client, Config>,
  config: Config,
): UpstreamProfile {
  const declared = connector.upstream;
  if (declared === undefined) return { title: connector.title };
  return typeof declared === 'function' ? declared(config) : declared;
}
