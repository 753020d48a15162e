import { schemaVersion } from '@switchboard/cache';
import {
  type AnyConnector,
  type AnyZodObject,
  type InstanceInfo,
  type ListingScope,
  type PromptListing,
  type PromptSpec,
  promptListing,
  type ResourceSpec,
  type ResourceTemplateListing,
  resourceTemplateListing,
  type ToolListing,
  type ToolSpec,
  toolListing,
  type UpstreamProfile,
  type UpstreamQuota,
  upstreamProfileOf,
} from '@switchboard/kit';
import type { ConnectorInstance, ToolSettings } from './config.js';
import type { GatewayLogger } from './logger.js';

/** What MCP clients accept as a tool name (MCP 2025-11-25). */
export const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
/** Namespaces double as URI schemes of resources, so they start with a letter. */
export const NAMESPACE_PATTERN = /^[a-zA-Z][a-zA-Z0-9_-]{0,31}$/;
/** Clients prefix tool names with their own server names; longer names risk truncation there. */
export const RECOMMENDED_NAME_LENGTH = 45;

export interface MountedInstance {
  readonly info: InstanceInfo;
  readonly connector: AnyConnector;
  readonly config: unknown;
  readonly quota: UpstreamQuota | undefined;
  /** The vendor's failure rules and request defaults, for every `Upstream` of this instance. */
  readonly upstream: UpstreamProfile;
}

export interface ToolEntry {
  readonly name: string;
  readonly instance: MountedInstance;
  readonly spec: ToolSpec<unknown, unknown, AnyZodObject, AnyZodObject>;
  readonly scopes: readonly string[];
  readonly timeoutMs: number;
  readonly readOnly: boolean;
  /** Changes whenever the tool's schemas change, so cached results of an older contract are not served. */
  readonly cacheVersion: string;
  /** The `tools/list` entry, computed once. */
  readonly listing: ToolListing;
}

export interface ResourceTemplateEntry {
  readonly name: string;
  readonly uriTemplate: string;
  readonly instance: MountedInstance;
  readonly spec: ResourceSpec<unknown, unknown, AnyZodObject>;
  readonly scopes: readonly string[];
  readonly listing: ResourceTemplateListing;
  /** Template variables of a matching URI, or undefined. */
  match(uri: string): Record<string, string> | undefined;
}

export interface PromptEntry {
  readonly name: string;
  readonly instance: MountedInstance;
  readonly spec: PromptSpec<AnyZodObject>;
  readonly scopes: readonly string[];
  readonly listing: PromptListing;
}

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(readonly problems: readonly string[]) {
    super(`The tool catalogue cannot be built:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const TEMPLATE_VARIABLE = /\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g;

/** Compiles a level-1 URI template (`odoo://customers/{id}`) into a matcher. */
function compileTemplate(template: string): (uri: string) => Record<string, string> | undefined {
  const names: string[] = [];
  let pattern = '';
  let last = 0;
  for (const match of template.matchAll(TEMPLATE_VARIABLE)) {
    pattern += escapeRegExp(template.slice(last, match.index));
    pattern += '([^/?#]+)';
    names.push(match[1] ?? '');
    last = match.index + match[0].length;
  }
  pattern += escapeRegExp(template.slice(last));
  const regex = new RegExp(`^${pattern}$`);
  return (uri) => {
    const found = regex.exec(uri);
    if (!found) return undefined;
    const params: Record<string, string> = {};
    names.forEach((name, index) => {
      params[name] = decodeURIComponent(found[index + 1] ?? '');
    });
    return params;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The namespaced catalogue: connector instances -> tools `<namespace><sep><tool>`, resource templates
 * under `<namespace>://`, prompts `<namespace><sep><prompt>`. Built once at start-up with every JSON
 * Schema computed; refuses to build on any bad or colliding name, naming each offender.
 */
export class Registry {
  readonly instances: readonly MountedInstance[];
  readonly tools: ReadonlyMap<string, ToolEntry>;
  readonly resourceTemplates: readonly ResourceTemplateEntry[];
  readonly prompts: ReadonlyMap<string, PromptEntry>;
  readonly warnings: readonly string[];

  constructor(instances: readonly ConnectorInstance[], settings: ToolSettings) {
    const problems: string[] = [];
    const warnings: string[] = [];
    const mounted: MountedInstance[] = [];
    const tools = new Map<string, ToolEntry>();
    const templates: ResourceTemplateEntry[] = [];
    const prompts = new Map<string, PromptEntry>();
    const namespaces = new Map<string, string>();
    const qualify = (namespace: string, local: string) => `${namespace}${settings.separator}${local}`;

    for (const instance of instances) {
      const { namespace, connector } = instance;
      if (!NAMESPACE_PATTERN.test(namespace)) {
        problems.push(
          `Namespace "${namespace}" (connector ${connector.name}) must match ${NAMESPACE_PATTERN}: a letter, then letters, digits, "_" or "-", 32 characters at most.`,
        );
        continue;
      }
      const previous = namespaces.get(namespace.toLowerCase());
      if (previous !== undefined) {
        problems.push(
          `Namespace "${namespace}" is used twice (connectors ${previous} and ${connector.name}); give one of them another namespace.`,
        );
        continue;
      }
      namespaces.set(namespace.toLowerCase(), connector.name);

      const info: InstanceInfo = {
        namespace,
        connector: connector.name,
        toolName: (local) => qualify(namespace, local),
      };
      const mount: MountedInstance = {
        info,
        connector,
        config: instance.config,
        quota: instance.quota,
        upstream: upstreamProfileOf(connector, instance.config),
      };
      mounted.push(mount);

      const claim = (
        kind: string,
        name: string,
        owner: string,
        taken: ReadonlyMap<string, unknown>,
      ): boolean => {
        if (!NAME_PATTERN.test(name)) {
          problems.push(
            `${kind} name "${name}" (${owner}) must match ${NAME_PATTERN}${name.length > 64 ? ` but is ${name.length} characters long` : ''}; use a shorter namespace or separator.`,
          );
          return false;
        }
        if (taken.has(name)) {
          problems.push(
            `${kind} name "${name}" is defined twice (${owner}); rename one of them or mount it under another namespace.`,
          );
          return false;
        }
        if (name.length > RECOMMENDED_NAME_LENGTH) {
          warnings.push(
            `${kind} name "${name}" is ${name.length} characters long; some clients truncate names longer than ${RECOMMENDED_NAME_LENGTH}.`,
          );
        }
        return true;
      };

      const scope: ListingScope = {
        namespace,
        qualify: info.toolName,
        knownTools: new Set(connector.tools.map((tool) => tool.name)),
        problems,
      };

      for (const spec of connector.tools) {
        const name = qualify(namespace, spec.name);
        if (!claim('Tool', name, `connector ${connector.name}, tool ${spec.name}`, tools)) continue;
        const listing = toolListing(spec, scope);
        tools.set(name, {
          name,
          instance: mount,
          spec,
          scopes: spec.scopes,
          timeoutMs: spec.timeoutMs ?? settings.defaultTimeoutMs,
          readOnly: spec.annotations.readOnlyHint === true,
          cacheVersion: schemaVersion(listing.inputSchema, listing.outputSchema),
          listing,
        });
      }

      const templateNames = new Map<string, unknown>(templates.map((t) => [t.name, t]));
      for (const spec of connector.resources) {
        const name = qualify(namespace, spec.name);
        if (!claim('Resource', name, `connector ${connector.name}, resource ${spec.name}`, templateNames))
          continue;
        templateNames.set(name, spec);
        const listing = resourceTemplateListing(spec, scope);
        templates.push({
          name,
          uriTemplate: listing.uriTemplate,
          instance: mount,
          spec,
          scopes: spec.scopes,
          listing,
          match: compileTemplate(listing.uriTemplate),
        });
      }

      for (const spec of connector.prompts) {
        const name = qualify(namespace, spec.name);
        if (!claim('Prompt', name, `connector ${connector.name}, prompt ${spec.name}`, prompts)) continue;
        prompts.set(name, {
          name,
          instance: mount,
          spec,
          scopes: spec.scopes,
          listing: promptListing(spec, scope),
        });
      }
    }

    if (problems.length > 0) throw new RegistryError(problems);
    this.instances = mounted;
    this.tools = tools;
    this.resourceTemplates = templates;
    this.prompts = prompts;
    this.warnings = warnings;
  }

  findResource(uri: string): { entry: ResourceTemplateEntry; params: Record<string, string> } | undefined {
    for (const entry of this.resourceTemplates) {
      const params = entry.match(uri);
      if (params) return { entry, params };
    }
    return undefined;
  }

  logWarnings(logger: GatewayLogger): void {
    for (const warning of this.warnings) logger.warn({ warning }, 'catalogue warning');
  }
}
