import type { FastifyReply, FastifyRequest } from 'fastify';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || host.startsWith('127.');
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
    const origin = request.headers.origin;
    if (!this.originAllowed(origin)) {
      request.log.warn({ origin }, 'refused foreign origin');
      return reply
        .code(403)
        .send(
          jsonRpcError(
            -32000,
            `Forbidden: origin ${origin} is not allowed. Add it to server.allowedOrigins if it is yours.`,
          ),
        );
    }
    const host = request.headers.host;
    if (!this.hostAllowed(host)) {
      request.log.warn({ host }, 'refused foreign host');
      return reply
        .code(403)
        .send(
          jsonRpcError(
            -32000,
            `Forbidden: host ${host ?? '(none)'} is not allowed. Add it to server.allowedHosts.`,
          ),
        );
    }
  };
}

export function jsonRpcError(code: number, message: string) {
  return { jsonrpc: '2.0' as const, error: { code, message }, id: null };
}
