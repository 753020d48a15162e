import { readFile } from 'node:fs/promises';
import { AuthPolicyConfig, JwtAlgorithm } from '@switchboard/auth';
import { type AnyConnector, isSecretSchema, secret, type UpstreamQuota } from '@switchboard/kit';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { formatPath, type PathIssue, pathIssues } from './zod-issues.js';

/** One problem in a configuration, with the path of the field at fault. */
export type ConfigIssue = PathIssue;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `${source} is not valid:\n${issues.map((issue) => `  - ${issue.path || '(root)'}: ${issue.message}`).join('\n')}`,
    );
  }
}

const SEPARATORS = ['__', '_', '-'] as const;

const ServerConfig = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Interface to bind. HOST overrides it.'),
    port: z.number().int().min(0).max(65535).default(8080).describe('TCP port. PORT overrides it.'),
    allowedHosts: z
      .array(z.string().min(1))
      .default([])
      .describe('Host header values accepted besides the loopback names, e.g. "mcp.example.com".'),
    allowedOrigins: z
      .array(z.url())
      .default([])
      .describe('Browser origins allowed to call /mcp, e.g. "https://agents.example.com".'),
    bodyLimitBytes: z.number().int().min(1024).default(1_048_576).describe('Largest accepted request body.'),
    readinessTimeoutMs: z
      .number()
      .int()
      .min(100)
      .default(2_000)
      .describe('Deadline of each connector readiness check in /readyz.'),
    shutdownGraceMs: z
      .number()
      .int()
      .min(0)
      .default(10_000)
      .describe('How long in-flight requests may take to finish on shutdown.'),
    readinessRequiresConnectors: z
      .boolean()
      .default(true)
      .describe(
        'Whether /readyz answers 503 when a connector instance is not ready. Set false on multi-replica ' +
          "deployments so one vendor's outage does not take every replica out of the load balancer.",
      ),
    drainDelayMs: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        'After SIGTERM, keep serving (new calls get 503, /readyz 503) this long before closing the listener. ' +
          'Leave 0 on Kubernetes, where a preStop delay does this.',
      ),
  })
  .strict();

const ToolsConfig = z
  .object({
    separator: z.enum(SEPARATORS).default('__').describe('Between namespace and tool name.'),
    defaultTimeoutMs: z
      .number()
      .int()
      .min(100)
      .max(300_000)
      .default(15_000)
      .describe('Deadline of a tool call when the tool sets none.'),
  })
  .strict();

const RedisConfig = z
  .object({
    url: z.string().min(1).describe('redis:// URL. REDIS_URL overrides it.'),
    keyPrefix: z.string().default('switchboard:').describe('Prefix of every key this gateway writes.'),
    commandTimeoutMs: z.number().int().min(10).max(10_000).default(250).describe('Deadline of one command.'),
    connectTimeoutMs: z.number().int().min(100).max(30_000).default(2_000),
  })
  .strict();

const RateLimitClass = z
  .object({
    name: z.string().min(1).describe('Label for logs and metrics.'),
    scope: z.string().min(1).optional().describe('Applies to principals holding this scope.'),
    principal: z.string().min(1).optional().describe('Applies to this principal id, e.g. "key:ci-bot".'),
    max: z.number().int().min(1).describe('Requests per window.'),
  })
  .strict()
  .refine(
    (c) => (c.scope === undefined) !== (c.principal === undefined),
    'set exactly one of scope or principal',
  );

const RateLimitConfig = z
  .object({
    enabled: z.boolean().default(true),
    windowMs: z.number().int().min(1_000).default(60_000).describe('Length of the counting window.'),
    max: z.number().int().min(1).default(600).describe('Requests per window per principal by default.'),
    classes: z.array(RateLimitClass).default([]).describe('First match wins: per principal or per scope.'),
    onStoreError: z
      .enum(['open', 'closed'])
      .default('open')
      .describe(
        'When Redis cannot be reached: let requests through (open) or refuse them with 503 (closed).',
      ),
  })
  .strict();

const OidcConfig = z
  .object({
    issuer: z.url().describe('The authorization server that issues access tokens (iss).'),
    audience: z.string().min(1).optional().describe('Expected aud; defaults to auth.resource.'),
    jwksUri: z.url().optional().describe("The issuer's JWKS; discovered from its metadata when absent."),
    algorithms: z.array(JwtAlgorithm).min(1).optional().describe('Accepted signature algorithms.'),
    clockToleranceSec: z
      .number()
      .int()
      .min(0)
      .max(300)
      .default(30)
      .describe('Allowed clock skew for exp/nbf.'),
    scopeClaims: z.array(z.string().min(1)).default(['scope', 'scp']).describe('Claims holding scopes.'),
    policy: AuthPolicyConfig.default([]),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(30_000)
      .default(5_000)
      .describe('Deadline of JWKS and metadata fetches.'),
  })
  .strict();

const AuthConfig = z
  .object({
    resource: z
      .url()
      .describe(
        "This server's resource URL as clients reach it, e.g. https://mcp.example.com/mcp (RFC 8707).",
      ),
    apiKeys: z
      .object({
        enabled: z.boolean().default(true),
        pepper: secret(
          'Server-side secret mixed into key hashes (HMAC); changing it invalidates every key.',
        ).optional(),
      })
      .strict()
      .default({ enabled: true }),
    oidc: OidcConfig.optional(),
    scopesSupported: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Scopes advertised in the protected resource metadata; defaults to every scope of the catalogue.',
      ),
  })
  .strict();

const DatabaseConfig = z
  .object({
    url: secret(
      'postgres:// URL of the gateway database (keys, audit). DATABASE_URL overrides it.',
    ).optional(),
    dataDir: z
      .string()
      .min(1)
      .default('.switchboard/db')
      .describe(
        'Without url: directory of the embedded PGlite database (one process at a time), or "memory".',
      ),
    migrateOnStart: z.boolean().default(true).describe('Apply pending migrations at start-up.'),
    poolMax: z.number().int().min(1).max(100).default(10),
  })
  .strict();

const AuditConfig = z
  .object({
    enabled: z.boolean().default(true),
    batchSize: z.number().int().min(1).max(1_000).default(100),
    flushIntervalMs: z.number().int().min(10).default(1_000),
    maxBuffered: z.number().int().min(100).default(10_000).describe('Rows kept while the database is down.'),
  })
  .strict();

const InstanceConfig = z
  .object({
    package: z.string().min(1).describe('Connector package name, e.g. "odoo".'),
    namespace: z.string().min(1).optional().describe('Prefix of its tools; defaults to the package name.'),
    enabled: z.boolean().default(true),
    quota: z
      .union([
        z.literal(false),
        z
          .object({
            limit: z.number().int().min(1).describe('Requests per interval.'),
            intervalMs: z.number().int().min(100).describe('Interval length.'),
          })
          .strict(),
      ])
      .optional()
      .describe("Upstream request quota of this instance; false disables the connector's default."),
    config: z.record(z.string(), z.unknown()).default({}).describe("The connector's own settings."),
  })
  .strict();

export const FileConfig = z
  .object({
    server: ServerConfig.default(ServerConfig.parse({})),
    tools: ToolsConfig.default(ToolsConfig.parse({})),
    redis: RedisConfig.optional(),
    auth: AuthConfig.optional(),
    database: DatabaseConfig.default(DatabaseConfig.parse({})),
    audit: AuditConfig.default(AuditConfig.parse({})),
    cache: z
      .object({
        enabled: z.boolean().default(true),
        staleSeconds: z
          .number()
          .int()
          .min(0)
          .default(30)
          .describe('Serve an expired entry this long while one caller refreshes it.'),
        maxEntries: z.number().int().min(10).default(10_000).describe('In-memory backend only.'),
        maxEntryBytes: z
          .number()
          .int()
          .min(1_024)
          .default(1_048_576)
          .describe('Larger results are not cached.'),
        capabilityTtlSeconds: z
          .number()
          .int()
          .min(0)
          .default(60)
          .describe('TTL of capability results used by composite tools (customer 360).'),
      })
      .strict()
      .default({
        enabled: true,
        staleSeconds: 30,
        maxEntries: 10_000,
        maxEntryBytes: 1_048_576,
        capabilityTtlSeconds: 60,
      }),
    identity: z
      .object({
        freeMailDomains: z
          .array(z.string().min(3).max(253))
          .max(1_000)
          .default([])
          .describe(
            'Email domains shared by unrelated people (on top of the built-in free-mail list): no connector ' +
              'matches a company by them.',
          ),
      })
      .strict()
      .default({ freeMailDomains: [] }),
    tracing: z
      .object({
        enabled: z.boolean().default(false).describe('Emit OpenTelemetry spans (needs an SDK registered).'),
      })
      .strict()
      .default({ enabled: false }),
    rateLimit: RateLimitConfig.default(RateLimitConfig.parse({})),
    connectors: z.array(InstanceConfig).default([]),
  })
  .strict();

export type ServerSettings = z.output<typeof ServerConfig>;
export type ToolSettings = z.output<typeof ToolsConfig>;
export type RedisSettings = z.output<typeof RedisConfig>;
export type RateLimitSettings = z.output<typeof RateLimitConfig>;
export type AuthSettings = z.output<typeof AuthConfig>;
export type DatabaseSettings = z.output<typeof DatabaseConfig>;
export type AuditSettings = z.output<typeof AuditConfig>;
export type CacheSettings = z.output<typeof FileConfig>['cache'];

export interface ConnectorInstance {
  connector: AnyConnector;
  namespace: string;
  /** Validated by the connector's own schema. */
  config: unknown;
  /** Enforced before the vendor is called; from configuration, else the connector's default. */
  quota?: UpstreamQuota;
}

export interface GatewayConfig {
  server: ServerSettings;
  tools: ToolSettings;
  /** Absent: nothing is shared between replicas (in-process rate limits). */
  redis: RedisSettings | undefined;
  rateLimit: RateLimitSettings;
  /** Absent: no authentication, so the gateway binds loopback only. */
  auth: AuthSettings | undefined;
  database: DatabaseSettings;
  audit: AuditSettings;
  tracing: { enabled: boolean };
  cache: CacheSettings;
  identity: { freeMailDomains: string[] };
  connectors: ConnectorInstance[];
}

export type Environment = Readonly<Record<string, string | undefined>>;

export interface ResolveOptions {
  /** Where the configuration came from, for messages. */
  source: string;
  env: Environment;
  /** The connector packages this gateway can mount, by package name. */
  catalogue: ReadonlyMap<string, AnyConnector>;
  /** Paths whose value came from `${VAR}` interpolation; secrets must be among them. */
  interpolated?: ReadonlySet<string>;
  /** Whether to enforce that secrets come from the environment (true for files). */
  requireSecretsFromEnv?: boolean;
}

/** Applies HOST and PORT from the environment over the file's values. */
function applyEnvironment(server: ServerSettings, env: Environment, issues: ConfigIssue[]): ServerSettings {
  const result = { ...server };
  if (env.HOST !== undefined && env.HOST !== '') result.host = env.HOST;
  if (env.PORT !== undefined && env.PORT !== '') {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      issues.push({ path: 'PORT', message: `must be a port number (0-65535), got "${env.PORT}"` });
    } else {
      result.port = port;
    }
  }
  return result;
}

/** Paths (relative to the connector config) of fields marked with `secret()`. */
function secretPaths(schema: z.ZodType, prefix: string[] = []): string[][] {
  let inner: z.ZodType = schema;
  // Unwrap optional/default/nullable wrappers to reach the marked schema.
  for (;;) {
    if (isSecretSchema(inner)) return [prefix];
    if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable || inner instanceof z.ZodDefault) {
      const next = inner.unwrap();
      if (!(next instanceof z.ZodType)) break;
      inner = next;
      continue;
    }
    break;
  }
  if (inner instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = inner.shape;
    return Object.entries(shape).flatMap(([key, child]) => secretPaths(child, [...prefix, key]));
  }
  return [];
}

function hasPath(value: unknown, path: readonly string[]): boolean {
  let current: unknown = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !(key in current)) return false;
    current = Reflect.get(current, key);
  }
  return current !== undefined;
}

/**
 * Validates a configuration object (already interpolated) and resolves its connector instances
 * against the catalogue. Throws `ConfigError` naming every bad field.
 */
export function resolveConfig(raw: unknown, options: ResolveOptions): GatewayConfig {
  const issues: ConfigIssue[] = [];
  const parsed = FileConfig.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(options.source, pathIssues(parsed.error));
  const file = parsed.data;

  const server = applyEnvironment(file.server, options.env, issues);
  if (options.requireSecretsFromEnv) {
    for (const path of secretPaths(FileConfig)) {
      const full = formatPath(path);
      if (hasPath(raw, path) && !options.interpolated?.has(full)) {
        const envName = path
          .join('_')
          .replace(/[A-Z]/g, (c) => `_${c}`)
          .toUpperCase();
        issues.push({
          path: full,
          message: `is a secret and must come from the environment, e.g. ${path.at(-1)}: \${${envName}}`,
        });
      }
    }
  }
  const connectors: ConnectorInstance[] = [];
  file.connectors.forEach((instance, index) => {
    if (!instance.enabled) return;
    const base = ['connectors', index];
    const connector = options.catalogue.get(instance.package);
    if (!connector) {
      const known = [...options.catalogue.keys()].sort().join(', ');
      issues.push({
        path: formatPath([...base, 'package']),
        message: `unknown connector package "${instance.package}"; known packages: ${known}`,
      });
      return;
    }
    const result = connector.config.safeParse(instance.config);
    if (!result.success) {
      issues.push(...pathIssues(result.error, [...base, 'config']));
      return;
    }
    if (options.requireSecretsFromEnv) {
      for (const path of secretPaths(connector.config)) {
        const full = formatPath([...base, 'config', ...path]);
        if (hasPath(instance.config, path) && !options.interpolated?.has(full)) {
          const envName = `${instance.package}_${path.join('_')}`
            .replace(/[A-Z]/g, (c) => `_${c}`)
            .toUpperCase();
          issues.push({
            path: full,
            message: `is a secret and must come from the environment, e.g. ${path.at(-1)}: \${${envName}}`,
          });
        }
      }
    }
    const quota =
      instance.quota === false
        ? undefined
        : instance.quota !== undefined
          ? { ...instance.quota, source: 'configured' }
          : connector.quota;
    connectors.push({
      connector,
      namespace: instance.namespace ?? connector.name,
      config: result.data,
      ...(quota ? { quota } : {}),
    });
  });

  if (issues.length > 0) throw new ConfigError(options.source, issues);
  const redisUrl = options.env.REDIS_URL;
  const redis =
    redisUrl !== undefined && redisUrl !== ''
      ? RedisConfig.parse({ ...file.redis, url: redisUrl })
      : file.redis;
  const databaseUrl = options.env.DATABASE_URL;
  const database =
    databaseUrl !== undefined && databaseUrl !== '' ? { ...file.database, url: databaseUrl } : file.database;
  return {
    server,
    tools: file.tools,
    redis,
    rateLimit: file.rateLimit,
    auth: file.auth,
    database,
    audit: file.audit,
    tracing: file.tracing,
    cache: file.cache,
    identity: file.identity,
    connectors,
  };
}

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;
const SCALAR = /^(?:-?\d+(?:\.\d+)?|true|false)$/;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed YAML tree; `$${` is a literal
 * `${`. A value that is one whole reference to a number or boolean becomes that number or boolean.
 */
export function interpolate(
  value: unknown,
  env: Environment,
): { value: unknown; interpolated: Set<string>; issues: ConfigIssue[] } {
  const interpolated = new Set<string>();
  const issues: ConfigIssue[] = [];

  const walk = (node: unknown, path: PropertyKey[]): unknown => {
    if (typeof node === 'string') {
      let used = false;
      const replaced = node.replace(
        REFERENCE,
        (match, name: string | undefined, fallback: string | undefined) => {
          if (match === '$${') return '${';
          used = true;
          const found = name === undefined ? undefined : env[name];
          if (found !== undefined && found !== '') return found;
          if (fallback !== undefined) return fallback;
          issues.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
          return '';
        },
      );
      if (!used) return replaced;
      interpolated.add(formatPath(path));
      if (WHOLE_REFERENCE.test(node) && SCALAR.test(replaced)) {
        return replaced === 'true' ? true : replaced === 'false' ? false : Number(replaced);
      }
      return replaced;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(
        Object.entries(node).map(([key, child]) => [key, walk(child, [...path, key])]),
      );
    }
    return node;
  };

  return { value: walk(value, []), interpolated, issues };
}

/** Parses YAML text, interpolates the environment and resolves the configuration. */
export function parseConfigText(text: string, options: Omit<ResolveOptions, 'interpolated'>): GatewayConfig {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      options.source,
      document.errors.map((error) => ({
        path: error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}` : '',
        message: error.message.split('\n')[0] ?? error.message,
      })),
    );
  }
  const { value, interpolated, issues } = interpolate(document.toJS(), options.env);
  if (issues.length > 0) throw new ConfigError(options.source, issues);
  return resolveConfig(value, { requireSecretsFromEnv: true, ...options, interpolated });
}

export async function loadConfigFile(
  path: string,
  options: Omit<ResolveOptions, 'interpolated' | 'source'>,
): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      error instanceof Error && 'code' in error && error.code === 'ENOENT' ? 'file not found' : 'unreadable';
    throw new ConfigError(path, [{ path: '', message: reason }]);
  }
  return parseConfigText(text, { ...options, source: path });
}
