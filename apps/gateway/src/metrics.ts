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
/** Latency buckets, in seconds, of the tool-call and upstream-request histograms. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

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
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Histogram<L>({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers });
    /** A gauge or counter whose value is read from the process when scraped. */
    const sampled = (kind: 'gauge' | 'total', name: string, help: string, read: () => number) => {
      if (kind === 'gauge') {
        new Gauge({
          name,
          help,
          registers,
          collect() {
            this.set(read());
          },
        });
        return;
      }
      // prom-client counters only go up: report a running total as increments.
      let seen = 0;
      new Counter({
        name,
        help,
        registers,
        collect() {
          const total = read();
          if (total > seen) this.inc(total - seen);
          seen = Math.max(seen, total);
        },
      });
    };

    this.toolCalls = counter(
      'switchboard_tool_calls_total',
      'Tool calls and resource reads by exposed name and outcome (ok or an error code).',
      ['tool', 'outcome'],
    );
    this.toolDuration = histogram(
      'switchboard_tool_call_duration_seconds',
      'Tool call latency, from input validation to the mapped result.',
      ['tool'],
    );
    this.cacheRequests = counter(
      'switchboard_cache_requests_total',
      'Cache lookups of read-only tools by status (hit, miss, stale, bypass).',
      ['tool', 'status'],
    );
    this.upstreamCalls = counter(
      'switchboard_upstream_calls_total',
      'Requests sent to the system behind a connector instance (retries included), by outcome.',
      ['instance', 'outcome'],
    );
    this.upstreamDuration = histogram(
      'switchboard_upstream_request_duration_seconds',
      'Latency of one request to the system behind a connector instance.',
      ['instance'],
    );
    this.upstreamRateLimited = counter(
      'switchboard_upstream_rate_limited_total',
      'Vendor requests refused by a vendor limit or by the instance quota.',
      ['instance'],
    );
    this.quotaTokens = counter(
      'switchboard_upstream_quota_tokens_total',
      "Tokens taken from connector instances' upstream quotas: one per vendor request.",
      ['instance'],
    );
    this.refused = counter(
      'switchboard_requests_refused_total',
      'HTTP requests refused before dispatch, by reason.',
      ['reason'],
    );
    this.ready = new Gauge({
      name: 'switchboard_ready',
      help: '1 while the process accepts traffic, 0 once shutdown has begun.',
      registers,
      collect() {
        this.set(options.ready() ? 1 : 0);
      },
    });
    const audit = () => options.audit()?.stats();
    sampled(
      'gauge',
      'switchboard_audit_queue_depth',
      'Audit rows waiting to be written.',
      () => audit()?.buffered ?? 0,
    );
    sampled(
      'total',
      'switchboard_audit_written_total',
      'Audit rows written to the database.',
      () => audit()?.written ?? 0,
    );
    sampled(
      'total',
      'switchboard_audit_dropped_total',
      'Audit rows dropped because the buffer was full during a database outage.',
      () => audit()?.dropped ?? 0,
    );
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
