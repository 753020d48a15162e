import { z } from 'zod';
import type { Connector } from '../connector.js';
import { type ListingScope, promptListing, resourceTemplateListing, toolListing } from '../listing.js';

/** The part of a JSON Schema the contract checks look at. */
export interface JsonNode {
  description?: string;
  properties?: Record<string, JsonNode>;
  items?: JsonNode;
  anyOf?: JsonNode[];
  additionalProperties?: JsonNode | boolean;
}

const JsonNodeSchema: z.ZodType<JsonNode> = z.lazy(() =>
  z.looseObject({
    description: z.string().optional(),
    properties: z.record(z.string(), JsonNodeSchema).optional(),
    items: JsonNodeSchema.optional(),
    anyOf: z.array(JsonNodeSchema).optional(),
    additionalProperties: z.union([JsonNodeSchema, z.boolean()]).optional(),
  }),
);

/** The JSON Schema agents see for a zod schema, as the gateway derives it (draft 2020-12). */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonNode {
  return JsonNodeSchema.parse(
    z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }),
  );
}

/** Paths of object properties without a description, however deep. */
export function undescribed(node: JsonNode, path: string): string[] {
  const missing: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (child.description === undefined) missing.push(`${path}.${key}`);
    missing.push(...undescribed(child, `${path}.${key}`));
  }
  if (node.items !== undefined) missing.push(...undescribed(node.items, `${path}[]`));
  for (const option of node.anyOf ?? []) missing.push(...undescribed(option, path));
  return missing;
}

/**
 * What agents and operators see of a connector mounted under `namespace`: the `tools/list`,
 * `resources/templates/list` and `prompts/list` entries exactly as the gateway's registry builds
 * them (references expanded), plus the policies agents do not see but operators rely on (scopes,
 * cache, invalidation, deadline). Snapshot it: a change to the contract is then a visible diff.
 */
export function connectorContract<Client, Config>(
  connector: Connector<Client, Config>,
  namespace = connector.name,
) {
  const scope: ListingScope = {
    namespace,
    qualify: (local) => `${namespace}__${local}`,
    knownTools: new Set(connector.tools.map((tool) => tool.name)),
    problems: [],
  };
  const tools = connector.tools.map((tool) => ({
    ...toolListing(tool, scope),
    scopes: tool.scopes,
    cache: tool.cache && {
      ttlSeconds: tool.cache.ttlSeconds,
      scope: tool.cache.scope,
      ...(tool.cache.negativeTtlSeconds === undefined
        ? {}
        : { negativeTtlSeconds: tool.cache.negativeTtlSeconds }),
    },
    invalidates: tool.invalidates !== undefined,
    timeoutMs: tool.timeoutMs,
  }));
  const resources = connector.resources.map((resource) => ({
    ...resourceTemplateListing(resource, scope),
    scopes: resource.scopes,
  }));
  const prompts = connector.prompts.map((prompt) => ({
    ...promptListing(prompt, scope),
    scopes: prompt.scopes,
  }));
  if (scope.problems.length > 0) throw new Error(scope.problems.join('\n'));
  return { tools, resources, prompts };
}

/**
 * The contract rules every connector keeps, as a list of violations (empty when all hold): every
 * input field and every top-level output field is described, every config field is described,
 * exposed names stay within 45 characters, reads are read-only and writes say whether they are
 * destructive and idempotent, a cached tool is read-only, and a write tool declares what it invalidates
 * when its system has cached reads.
 */
export function contractProblems<Client, Config>(connector: Connector<Client, Config>): string[] {
  const problems: string[] = [];
  const hasCachedReads = connector.tools.some((tool) => tool.cache !== undefined);
  for (const tool of connector.tools) {
    const name = `${connector.name}__${tool.name}`;
    problems.push(
      ...undescribed(jsonSchema(tool.input, 'input'), `${tool.name} input`).map(
        (p) => `${p} has no description`,
      ),
    );
    const output = jsonSchema(tool.output, 'output');
    for (const [key, node] of Object.entries(output.properties ?? {})) {
      if (node.description === undefined) problems.push(`${tool.name} output.${key} has no description`);
    }
    if (name.length > 45) problems.push(`${name} is longer than 45 characters`);
    if (tool.annotations.readOnlyHint !== true) {
      if (tool.annotations.destructiveHint === undefined)
        problems.push(`${tool.name} is a write without destructiveHint`);
      if (tool.annotations.idempotentHint === undefined)
        problems.push(`${tool.name} is a write without idempotentHint`);
      if (hasCachedReads && tool.invalidates === undefined) {
        problems.push(`${tool.name} writes to a system with cached reads but declares no invalidates`);
      }
    }
  }
  const config = connector.config;
  if (config instanceof z.ZodType) {
    problems.push(
      ...undescribed(jsonSchema(config, 'input'), 'config').map((p) => `${p} has no description`),
    );
  }
  return problems;
}

/**
 * Tools whose `limit` input does not stop at the connector's page cap, as a list of violations (empty
 * when all hold): a tool with a `limit` must accept `maxPage` and refuse one more.
 */
export function pageLimitProblems<Client, Config>(
  connector: Connector<Client, Config>,
  maxPage: number,
): string[] {
  const problems: string[] = [];
  for (const tool of connector.tools) {
    const limit = tool.input.shape.limit;
    if (limit === undefined) continue;
    if (!limit.safeParse(maxPage).success) problems.push(`${tool.name} refuses limit ${maxPage}`);
    if (limit.safeParse(maxPage + 1).success) problems.push(`${tool.name} accepts limit ${maxPage + 1}`);
  }
  return problems;
}

/** How the connector's tools divide into reads and writes, and the scopes of each kind. */
export interface ReadWriteConventions {
  /** Names of the write tools; every other tool is a read. */
  writes: readonly string[];
  /** Scopes of every read tool and every resource. */
  readScopes: readonly string[];
  /** Scopes of every write tool. */
  writeScopes: readonly string[];
  /** Tools whose scopes are not their kind's (e.g. a raw query tool behind a scope of its own). */
  scopesOf?: Readonly<Record<string, readonly string[]>>;
}

/** The annotations of every read: read-only, idempotent, and in a system outside the gateway. */
const READ_ANNOTATIONS = { readOnlyHint: true, idempotentHint: true, openWorldHint: true };

/** A record's defined entries in key order, so that two records compare whatever their key order. */
const entries = (record: object) =>
  JSON.stringify(
    Object.entries(record)
      .filter(([, value]) => value !== undefined)
      .sort(([left], [right]) => left.localeCompare(right)),
  );

/**
 * The conventions of reads and writes, as a list of violations (empty when all hold): a read is
 * annotated exactly read-only, idempotent and open-world, is cached in the shared scope and
 * invalidates nothing; a write is not read-only, is never cached and declares what it invalidates;
 * each tool, and each resource, requires the scopes of its kind.
 */
export function readWriteProblems<Client, Config>(
  connector: Connector<Client, Config>,
  conventions: ReadWriteConventions,
): string[] {
  const problems: string[] = [];
  const list = (scopes: readonly string[]) => `[${scopes.join(', ')}]`;
  for (const tool of connector.tools) {
    const write = conventions.writes.includes(tool.name);
    const scopes =
      conventions.scopesOf?.[tool.name] ?? (write ? conventions.writeScopes : conventions.readScopes);
    if (list(tool.scopes) !== list(scopes)) {
      problems.push(`${tool.name} requires ${list(tool.scopes)}, not ${list(scopes)}`);
    }
    if (write) {
      if (tool.annotations.readOnlyHint !== false) problems.push(`${tool.name} is a write not marked so`);
      if (tool.cache !== undefined) problems.push(`${tool.name} is a write with a cache`);
      if (tool.invalidates === undefined) problems.push(`${tool.name} is a write that invalidates nothing`);
    } else {
      if (entries(tool.annotations) !== entries(READ_ANNOTATIONS)) {
        problems.push(`${tool.name} is a read annotated ${JSON.stringify(tool.annotations)}`);
      }
      if (tool.cache?.scope !== 'shared') problems.push(`${tool.name} is a read without a shared cache`);
      if (tool.invalidates !== undefined) problems.push(`${tool.name} is a read that invalidates`);
    }
  }
  for (const resource of connector.resources) {
    if (list(resource.scopes) !== list(conventions.readScopes)) {
      problems.push(
        `resource ${resource.name} requires ${list(resource.scopes)}, not ${list(conventions.readScopes)}`,
      );
    }
  }
  return problems;
}
