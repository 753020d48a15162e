import type { GatewayConfig } from './config.js';
import type { GatewayLogger } from './logger.js';
import { type MountedInstance, Registry } from './registry.js';

export interface InstanceCheck {
  status: 'ok' | 'error';
  latencyMs: number;
  reason?: string;
}

function errorReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * The registry plus one connected client per connector instance. Built once per process; every
 * request (and every per-request MCP server object) shares it.
 */
export class Runtime {
  private readonly clients = new Map<MountedInstance, unknown>();
  private closed = false;

  private constructor(
    readonly config: GatewayConfig,
    readonly registry: Registry,
    readonly logger: GatewayLogger,
  ) {}

  static async start(config: GatewayConfig, logger: GatewayLogger): Promise<Runtime> {
    const registry = new Registry(config.connectors, config.tools);
    registry.logWarnings(logger);
    const runtime = new Runtime(config, registry, logger);
    try {
      for (const instance of registry.instances) {
        const client = await instance.connector.connect(instance.config, {
          logger: logger.child({ connector: instance.info.connector, namespace: instance.info.namespace }),
          instance: instance.info,
        });
        runtime.clients.set(instance, client);
      }
    } catch (error) {
      await runtime.close();
      throw error;
    }
    logger.info(
      {
        connectors: registry.instances.map((i) => i.info.namespace),
        tools: registry.tools.size,
        resourceTemplates: registry.resourceTemplates.length,
        prompts: registry.prompts.size,
      },
      'catalogue ready',
    );
    return runtime;
  }

  client(instance: MountedInstance): unknown {
    if (!this.clients.has(instance))
      throw new Error(`Connector instance ${instance.info.namespace} is not connected.`);
    return this.clients.get(instance);
  }

  /** Runs every instance's readiness check in parallel, each under the deadline. */
  async check(timeoutMs: number): Promise<Record<string, InstanceCheck>> {
    const results = await Promise.all(
      this.registry.instances.map(async (instance): Promise<[string, InstanceCheck]> => {
        const started = performance.now();
        const check = instance.connector.check;
        if (!check) return [instance.info.namespace, { status: 'ok', latencyMs: 0 }];
        const signal = AbortSignal.timeout(timeoutMs);
        try {
          await Promise.race([
            check(this.client(instance), { signal }),
            new Promise<never>((_, reject) => {
              signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), {
                once: true,
              });
            }),
          ]);
          return [
            instance.info.namespace,
            { status: 'ok', latencyMs: Math.round(performance.now() - started) },
          ];
        } catch (error) {
          return [
            instance.info.namespace,
            {
              status: 'error',
              latencyMs: Math.round(performance.now() - started),
              reason: errorReason(error),
            },
          ];
        }
      }),
    );
    return Object.fromEntries(results);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [instance, client] of this.clients) {
      try {
        await instance.connector.close?.(client);
      } catch (error) {
        this.logger.warn({ err: error, namespace: instance.info.namespace }, 'connector close failed');
      }
    }
    this.clients.clear();
  }
}
