import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type RefusalReason = 'unauthenticated' | 'forbidden' | 'rate_limited' | 'origin' | 'unavailable';
export type CacheStatus = 'hit' | 'miss' | 'stale' | 'bypass';

export interface AuditStatsSource {
  stats(): { buffered: number; written: number; dropped: number };
}

/**
 * Prometheus metrics of one gateway process (prom-client). Each runtime owns its registry, so tests
 * running several gateways in one process keep their numbers apart.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly toolCalls: Counter<'tool' | 'outcome'>;
  readonly toolDuration: Histogram<'tool'>;
  readonly cacheRequests: Counter<'tool' | 'status'>;
  readonly upstreamCalls: Counter<'instance' | 'outcome'>;
  readonly upstreamDuration: Histogram<'instance'>;
  readonly upstreamRateLimited: Counter<'instance'>;
  readonly quotaTokens: Counter<'instance'>;
  readonly refused: Counter<'reason'>;
  readonly ready: Gauge;

  constructor(options: { audit: () => AuditStatsSource | undefined; ready: () => boolean }) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.toolCalls = new Counter({
      name: 'switchboard_tool_calls_total',
      help: 'Tool calls and resource reads by exposed name and outcome (ok or an error code).',
      labelNames: ['tool', 'outcome'],
      registers,
    });
    this.toolDuration = new Histogram({
      name: 'switchboard_tool_call_duration_seconds',
      help: 'Tool call latency, from input validation to the mapped result.',
      labelNames: ['tool'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.cacheRequests = new Counter({
      name: 'switchboard_cache_requests_total',
      help: 'Cache lookups of read-only tools by status (hit, miss, stale, bypass).',
      labelNames: ['tool', 'status'],
      registers,
    });
    this.upstreamCalls = new Counter({
      name: 'switchboard_upstream_calls_total',
      help: 'Requests sent to the system behind a connector instance (retries included), by outcome.',
      labelNames: ['instance', 'outcome'],
      registers,
    });
    this.upstreamDuration = new Histogram({
      name: 'switchboard_upstream_request_duration_seconds',
      help: 'Latency of one request to the system behind a connector instance.',
      labelNames: ['instance'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.upstreamRateLimited = new Counter({
      name: 'switchboard_upstream_rate_limited_total',
      help: 'Vendor requests refused by a vendor limit or by the instance quota.',
      labelNames: ['instance'],
      registers,
    });
    this.quotaTokens = new Counter({
      name: 'switchboard_upstream_quota_tokens_total',
      help: "Tokens taken from connector instances' upstream quotas: one per vendor request.",
      labelNames: ['instance'],
      registers,
    });
    this.refused = new Counter({
      name: 'switchboard_requests_refused_total',
      help: 'HTTP requests refused before dispatch, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.ready = new Gauge({
      name: 'switchboard_ready',
      help: '1 while the process accepts traffic, 0 once shutdown has begun.',
      registers,
      collect() {
        this.set(options.ready() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'switchboard_audit_queue_depth',
      help: 'Audit rows waiting to be written.',
      registers,
      collect() {
        this.set(options.audit()?.stats().buffered ?? 0);
      },
    });
    // prom-client counters only go up: report the writer's running totals as increments.
    const totals = { written: 0, dropped: 0 };
    new Counter({
      name: 'switchboard_audit_written_total',
      help: 'Audit rows written to the database.',
      registers,
      collect() {
        const written = options.audit()?.stats().written ?? 0;
        if (written > totals.written) this.inc(written - totals.written);
        totals.written = Math.max(totals.written, written);
      },
    });
    new Counter({
      name: 'switchboard_audit_dropped_total',
      help: 'Audit rows dropped because the buffer was full during a database outage.',
      registers,
      collect() {
        const dropped = options.audit()?.stats().dropped ?? 0;
        if (dropped > totals.dropped) this.inc(dropped - totals.dropped);
        totals.dropped = Math.max(totals.dropped, dropped);
      },
    });
  }

  /** Records a finished tool call or resource read: one count and one latency. */
  toolCall(tool: string, outcome: string, durationMs: number): void {
    this.toolCalls.inc({ tool, outcome });
    this.toolDuration.observe({ tool }, durationMs / 1000);
  }

  /** Records one vendor request of an instance (every request, retries included). */
  upstreamRequest(instance: string, outcome: string, durationMs: number): void {
    this.upstreamCalls.inc({ instance, outcome });
    this.upstreamDuration.observe({ instance }, durationMs / 1000);
    if (outcome === 'rate_limited') this.upstreamRateLimited.inc({ instance });
  }
}
