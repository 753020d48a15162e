import { z } from 'zod';
import type { Connector } from '../connector.js';

/** A table row whose first cell is one backticked name: `| \`name\` | ...`. */
const NAMED_ROW = /^\| `([a-zA-Z_]+)` +\|(.*)$/gm;

/**
 * The rows of a connector README's tables whose first cell is a backticked name (its tools and its
 * configuration fields), keyed by that name, each with the rest of its row.
 */
export function readmeRows(readme: string): Map<string, string> {
  return new Map([...readme.matchAll(NAMED_ROW)].map((match) => [match[1] ?? '', match[2] ?? '']));
}

/**
 * What a connector's README gets wrong about what the connector has, as a list (empty when it is
 * right): a tool or configuration field without a row of its own, a row naming neither (a renamed or
 * removed one), a resource whose `<namespace>://` URI template it never shows.
 */
export function readmeProblems<Client, Config>(
  connector: Connector<Client, Config>,
  readme: string,
): string[] {
  const rows = readmeRows(readme);
  const config = connector.config;
  // Only an object schema has fields to document; anything else cannot be checked, so it is reported.
  if (!(config instanceof z.ZodObject)) return ['the configuration schema is not an object'];
  const tools = connector.tools.map((tool) => tool.name);
  const fields = Object.keys(config.shape);
  const problems = [...tools, ...fields]
    .filter((name) => !rows.has(name))
    .map((name) => `${name} has no row in the README`);
  for (const name of rows.keys()) {
    if (!tools.includes(name) && !fields.includes(name)) {
      problems.push(`the README has a row for ${name}, which is neither a tool nor a configuration field`);
    }
  }
  for (const resource of connector.resources) {
    const uri = `<namespace>://${resource.uriTemplate}`;
    if (!readme.includes(uri)) problems.push(`the README does not show the resource ${uri}`);
  }
  return problems;
}

export interface ReadmePolicyOptions {
  /** What the row of a tool without a cache says in place of a TTL (default `not cached`). */
  uncached?: string;
  /** The README names each tool's scopes in the tool's own row, not only somewhere in the text. */
  scopesInRows?: boolean;
}

/**
 * What a connector's README misstates about the policies in its code, as a list (empty when it is
 * right): every scope a tool or resource requires is named (in backticks), in each tool's own row
 * with `scopesInRows`, and each tool's row gives its cache TTL (`120 s`) or says it is not cached.
 */
export function readmePolicyProblems<Client, Config>(
  connector: Connector<Client, Config>,
  readme: string,
  options: ReadmePolicyOptions = {},
): string[] {
  const rows = readmeRows(readme);
  const problems: string[] = [];
  const scopes = new Set([...connector.tools, ...connector.resources].flatMap((declared) => declared.scopes));
  for (const scope of scopes) {
    if (!readme.includes(`\`${scope}\``)) problems.push(`the README does not name the scope ${scope}`);
  }
  for (const tool of connector.tools) {
    const row = rows.get(tool.name) ?? '';
    const cache = tool.cache ? `${tool.cache.ttlSeconds} s` : (options.uncached ?? 'not cached');
    if (!row.includes(cache)) problems.push(`the row of ${tool.name} does not say "${cache}"`);
    if (options.scopesInRows !== true) continue;
    for (const scope of tool.scopes) {
      if (!row.includes(`\`${scope}\``)) problems.push(`the row of ${tool.name} does not name ${scope}`);
    }
  }
  return problems;
}
