import { ToolError, untilAborted } from '@switchboard/kit';
import type { GatewayLogger } from './logger.js';
import type { MountedInstance } from './registry.js';
import { type Adapters, buildAdapters } from './sources.js';

export interface InstanceCheck {
  status: 'ok' | 'error';
  latencyMs: number;
  reason?: string;
}

export function errorReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Least time between two connection attempts of one instance, so an outage is not hammered. */
export const RECONNECT_INTERVAL_MS = 1_000;

interface Connection {
  client?: unknown;
  adapters?: Adapters;
  /** The attempt under way, shared by every caller (single flight). */
  connecting?: Promise<unknown>;
  lastError?: string;
  lastAttempt: number;
}

/**
 * One connected client per connector instance, shared by every request. A connector that cannot
 * connect at start-up does not stop the gateway: its instance is reported by /readyz, its tools answer
 * `upstream_unavailable`, and the connection is retried on demand (at most once a second).
 */
export class Connections {
  private readonly states = new Map<MountedInstance, Connection>();
  private closed = false;

  constructor(private readonly logger: GatewayLogger) {}

  connect(instance: MountedInstance): Promise<unknown> {
    const state = this.states.get(instance) ?? { lastAttempt: 0 };
    this.states.set(instance, state);
    if (state.connecting) return state.connecting;
    const { namespace, connector } = instance.info;
    state.lastAttempt = Date.now();
    state.connecting = instance.connector
      .connect(instance.config, {
        logger: this.logger.child({ connector, namespace }),
        instance: instance.info,
      })
      .then(
        async (client) => {
          if (this.closed) {
            await instance.connector.close?.(client);
            throw new Error('the gateway is shutting down');
          }
          state.client = client;
          state.adapters = buildAdapters(instance, client, instance.info);
          state.lastError = undefined;
          this.logger.info({ namespace }, 'connector connected');
          return client;
        },
        (error: unknown) => {
          state.lastError = errorReason(error);
          this.logger.warn({ namespace, err: error }, 'connector not connected; retrying on demand');
          throw error;
        },
      )
      .finally(() => {
        state.connecting = undefined;
      });
    return state.connecting;
  }

  /**
   * The instance's client, connecting first when an earlier attempt failed (at most one attempt a
   * second). Throws `upstream_unavailable` while the upstream cannot be reached.
   */
  async clientFor(instance: MountedInstance): Promise<unknown> {
    const state = this.states.get(instance);
    if (state?.client !== undefined) return state.client;
    if (state && state.connecting === undefined && Date.now() - state.lastAttempt < RECONNECT_INTERVAL_MS) {
      throw unavailable(instance);
    }
    try {
      return await this.connect(instance);
    } catch {
      throw unavailable(instance);
    }
  }

  /** The instance's capability adapters, connecting it first if needed. */
  async adaptersFor(instance: MountedInstance): Promise<Adapters> {
    await this.clientFor(instance);
    return this.states.get(instance)?.adapters ?? {};
  }

  /** Runs every instance's readiness check in parallel, each under the deadline. */
  async check(
    instances: readonly MountedInstance[],
    timeoutMs: number,
  ): Promise<Record<string, InstanceCheck>> {
    const results = await Promise.all(
      instances.map(async (instance): Promise<[string, InstanceCheck]> => {
        const started = performance.now();
        const check = instance.connector.check;
        const signal = AbortSignal.timeout(timeoutMs);
        const latencyMs = () => Math.round(performance.now() - started);
        try {
          const client = await untilAborted(
            this.clientFor(instance).catch(() => {
              const reason = this.states.get(instance)?.lastError;
              throw new Error(`not connected${reason ? `: ${reason}` : ''}`);
            }),
            signal,
          ).catch((error: unknown) => {
            throw signal.aborted ? new Error(`no connection within ${timeoutMs} ms`) : error;
          });
          if (!check) return [instance.info.namespace, { status: 'ok', latencyMs: 0 }];
          await untilAborted(check(client, { signal }), signal).catch((error: unknown) => {
            throw signal.aborted ? new Error(`no answer within ${timeoutMs} ms`) : error;
          });
          return [instance.info.namespace, { status: 'ok', latencyMs: latencyMs() }];
        } catch (error) {
          return [
            instance.info.namespace,
            { status: 'error', latencyMs: latencyMs(), reason: errorReason(error) },
          ];
        }
      }),
    );
    return Object.fromEntries(results);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [instance, state] of this.states) {
      await state.connecting?.catch(() => undefined);
      if (state.client === undefined) continue;
      try {
        await instance.connector.close?.(state.client);
      } catch (error) {
        this.logger.warn({ err: error, namespace: instance.info.namespace }, 'connector close failed');
      }
    }
    this.states.clear();
  }
}

function unavailable(instance: MountedInstance): ToolError {
  return new ToolError(
    'upstream_unavailable',
    `${instance.connector.title} (${instance.info.namespace}) cannot be reached right now.`,
    { retryAfterMs: RECONNECT_INTERVAL_MS },
  );
}
