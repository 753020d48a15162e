import { z } from 'zod';
import type { AnyZodObject, PromptSpec, ResourceSpec, ToolAnnotations, ToolSpec } from './connector.js';

/**
 * What agents see of a connector's tools, resources and prompts: the MCP listings, computed once by
 * the gateway's registry and by the contract snapshots of every connector, from the same code.
 */

export type JsonSchemaObject = Record<string, unknown> & { type: 'object' };

export interface ToolListing {
  name: string;
  title: string;
  description: string;
  inputSchema: JsonSchemaObject;
  outputSchema: JsonSchemaObject;
  annotations: ToolAnnotations & { title: string };
}

export interface ResourceTemplateListing {
  uriTemplate: string;
  name: string;
  title: string;
  description: string;
  mimeType: string;
}

export interface PromptListing {
  name: string;
  title: string;
  description: string;
  arguments: Array<{ name: string; description?: string; required: boolean }>;
}

/** How names are exposed: `qualify('get_customer')` is `odoo__get_customer`. */
export interface ListingScope {
  namespace: string;
  qualify(local: string): string;
  /** Local names of the connector's tools, for `{tool:x}` references. */
  knownTools: ReadonlySet<string>;
  /** Collects dangling references; the registry refuses to start on any. */
  problems: string[];
}

const TOOL_REFERENCE = /\{tool:([a-z][a-z0-9_]*)\}/g;

/**
 * Descriptions name sibling tools as `{tool:get_customer}`; the listing writes the exposed name
 * (`odoo__get_customer`) so the model sees names it can call, whatever the namespace.
 */
export function expandReferences(text: string, scope: ListingScope, owner: string): string {
  return text.replace(TOOL_REFERENCE, (_match, local: string) => {
    if (!scope.knownTools.has(local))
      scope.problems.push(`${owner} refers to {tool:${local}}, which its connector does not define.`);
    return scope.qualify(local);
  });
}

/** Applies `expand` to every `description` in a JSON Schema. */
function expandSchemaDescriptions(node: unknown, expand: (text: string) => string): unknown {
  if (Array.isArray(node)) return node.map((item) => expandSchemaDescriptions(item, expand));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === 'description' && typeof value === 'string'
        ? expand(value)
        : expandSchemaDescriptions(value, expand),
    ]),
  );
}

function objectSchema(node: unknown): JsonSchemaObject {
  if (typeof node !== 'object' || node === null || Array.isArray(node))
    throw new Error('not a JSON Schema object');
  return { ...Object.fromEntries(Object.entries(node)), type: 'object' };
}

/** The JSON Schema (draft 2020-12) of a tool's input or output, descriptions expanded. */
export function listedSchema(
  schema: AnyZodObject,
  io: 'input' | 'output',
  expand: (text: string) => string,
): JsonSchemaObject {
  const json = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' });
  return objectSchema(expandSchemaDescriptions({ ...json, type: 'object' }, expand));
}

export function toolListing(
  spec: ToolSpec<unknown, unknown, AnyZodObject, AnyZodObject>,
  scope: ListingScope,
): ToolListing {
  const name = scope.qualify(spec.name);
  const expand = (text: string) => expandReferences(text, scope, `Tool ${name}`);
  return {
    name,
    title: spec.title,
    description: expand(spec.description),
    inputSchema: listedSchema(spec.input, 'input', expand),
    outputSchema: listedSchema(spec.output, 'output', expand),
    annotations: { title: spec.title, ...spec.annotations },
  };
}

export function resourceTemplateListing(
  spec: ResourceSpec<unknown, unknown, AnyZodObject>,
  scope: ListingScope,
): ResourceTemplateListing {
  const name = scope.qualify(spec.name);
  return {
    uriTemplate: `${scope.namespace.toLowerCase()}://${spec.uriTemplate}`,
    name,
    title: spec.title,
    description: expandReferences(spec.description, scope, `Resource ${name}`),
    mimeType: 'application/json',
  };
}

export function promptListing(spec: PromptSpec<AnyZodObject>, scope: ListingScope): PromptListing {
  const name = scope.qualify(spec.name);
  const shape: Record<string, z.ZodType> = spec.arguments.shape;
  return {
    name,
    title: spec.title,
    description: expandReferences(spec.description, scope, `Prompt ${name}`),
    arguments: Object.entries(shape).map(([argName, schema]) => {
      const description = schema.description;
      return {
        name: argName,
        ...(description === undefined ? {} : { description }),
        required: !schema.safeParse(undefined).success,
      };
    }),
  };
}
