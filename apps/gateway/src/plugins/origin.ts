import { isIPv4 } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

const LOOPBACK_NAMES = new Set(['localhost', '[::1]', '::1']);

/** `localhost`, `::1` or an IPv4 address in 127.0.0.0/8; not a DNS name that merely starts with `127.`. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || (isIPv4(host) && host.startsWith('127.'));
}

export interface OriginPolicy {
  /** Whether the gateway is bound to a loopback interface (then loopback names are always allowed). */
  loopback: boolean;
  /** Host header values accepted besides loopback names (hostname, or hostname:port). */
  allowedHosts: readonly string[];
  /** Exact browser origins accepted besides those of an allowed host. */
  allowedOrigins: readonly string[];
}

function hostnameOf(hostWithPort: string): string {
  if (hostWithPort.startsWith('[')) return hostWithPort.slice(0, hostWithPort.indexOf(']') + 1);
  return hostWithPort.split(':')[0] ?? hostWithPort;
}

/**
 * DNS-rebinding protection for /mcp (MCP transport security): a browser page on a foreign origin
 * must not reach a gateway bound to localhost, so a foreign `Origin` or `Host` is refused with 403.
 * Requests without an `Origin` (non-browser clients) pass the origin check.
 */
export class OriginGuard {
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;

  constructor(private readonly policy: OriginPolicy) {
    this.hosts = new Set(policy.allowedHosts.map((h) => h.toLowerCase()));
    this.origins = new Set(policy.allowedOrigins.map((o) => new URL(o).origin));
  }

  hostAllowed(host: string | undefined): boolean {
    if (host === undefined || host === '') return false;
    const lower = host.toLowerCase();
    const name = hostnameOf(lower);
    if (this.policy.loopback && isLoopbackHost(name)) return true;
    if (this.hosts.has(lower) || this.hosts.has(name)) return true;
    // Bound to a non-loopback interface with no host list: the operator has not restricted hosts.
    return !this.policy.loopback && this.hosts.size === 0;
  }

  originAllowed(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
    if (this.origins.has(parsed.origin)) return true;
    const name = parsed.hostname.startsWith('[') ? parsed.hostname : parsed.hostname.toLowerCase();
    if (this.policy.loopback && isLoopbackHost(name)) return true;
    return this.hosts.has(parsed.host.toLowerCase()) || this.hosts.has(name);
  }

  /** Fastify onRequest hook. */
  readonly hook = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { origin, host } = request.headers;
    const refusal = !this.originAllowed(origin)
      ? {
          log: { origin },
          what: 'origin',
          message: `Forbidden: origin ${origin} is not allowed. Add it to server.allowedOrigins if it is yours.`,
        }
      : !this.hostAllowed(host)
        ? {
            log: { host },
            what: 'host',
            message: `Forbidden: host ${host ?? '(none)'} is not allowed. Add it to server.allowedHosts.`,
          }
        : undefined;
    if (refusal === undefined) return;
    request.log.warn(refusal.log, `refused foreign ${refusal.what}`);
    return reply.code(403).send(jsonRpcError(-32000, refusal.message));
  };
}

export function jsonRpcError(code: number, message: string) {
  return { jsonrpc: '2.0' as const, error: { code, message }, id: null };
}
