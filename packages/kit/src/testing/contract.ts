import { z } from 'zod';

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
