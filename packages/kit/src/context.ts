import type { CapabilitySource } from './capabilities.js';
import type { Identity } from './identity.js';
import type { Upstream } from './upstream.js';

/**
 * The subset of a pino logger that connectors may use. The gateway passes a pino child logger bound
 * to the request id, tool and connector instance; secrets are redacted by the gateway's logger.
 */
export interface Logger {
  trace(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export type PrincipalKind = 'local' | 'api_key' | 'jwt';

/** Who is calling. The gateway builds it from the authenticated credential. */
export interface Principal {
  /** Stable identifier, e.g. `key:sk_live_ab12` or `jwt:https://issuer|subject`. */
  readonly id: string;
  readonly kind: PrincipalKind;
  /** Granted scopes. `*` grants every scope (local and demo use only). */
  readonly scopes: ReadonlySet<string>;
}

export function hasScopes(principal: Principal, required: readonly string[]): boolean {
  if (principal.scopes.has('*')) return true;
  return required.every((scope) => principal.scopes.has(scope));
}

export interface Progress {
  progress: number;
  total?: number;
  message?: string;
}

/** Identifies one mounted connector instance (package + namespace + config). */
export interface InstanceInfo {
  readonly namespace: string;
  readonly connector: string;
  /** The exposed name of a tool of this instance, for messages: `toolName('find_customers')`. */
  toolName(localName: string): string;
}

/**
 * What a handler receives beside its validated input. `signal` aborts at the tool's deadline or when
 * the client goes away: pass it to every upstream call.
 */
export interface ToolContext<Client, Config> {
  readonly client: Client;
  readonly config: Config;
  readonly instance: InstanceInfo;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly principal: Principal;
  readonly requestId: string;
  /** Every request to the connector's system goes through here (quota, deadline, metrics, errors). */
  readonly upstream: Upstream;
  /** Email and domain rules (free mail) in force. */
  readonly identity: Identity;
  /** Reports progress when the client asked for it; a no-op otherwise. */
  progress(update: Progress): Promise<void>;
  /**
   * Every other mounted connector instance that implements a capability (crm, erp, support), for
   * composite tools. Empty for ordinary connectors' needs.
   */
  sources(): readonly CapabilitySource[];
}

/** What `connect` receives beside the connector's validated configuration. */
export interface ConnectDeps {
  readonly logger: Logger;
  readonly instance: InstanceInfo;
}
