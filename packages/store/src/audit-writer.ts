import { randomUUID } from 'node:crypto';
import type { Logger } from '@switchboard/kit';
import type { AuditEvent, AuditRepository } from './audit.js';
import { AuditEventSchema } from './audit.js';
import { abortable, describeError, sqlState } from './db.js';

export interface AuditWriterOptions {
  /** Most events per INSERT (default 100). A full batch is written at once, not at the next tick. */
  batchSize?: number;
  /** How often a partial batch is written (default 1000). */
  flushIntervalMs?: number;
  /** Events held in memory while the database is unavailable (default 10000); beyond, new ones drop. */
  maxBuffered?: number;
  /** First delay after a failed write, doubled on every further failure (default 500). */
  retryDelayMs?: number;
  /** Cap of the doubling (default 30000). */
  maxRetryDelayMs?: number;
  /** A write still pending after this long is abandoned (its connection destroyed) and retried (default 10000). */
  writeTimeoutMs?: number;
  /** Repeated warnings (drops, continuing failures) are logged at most this often (default 30000). */
  logIntervalMs?: number;
  logger: Logger;
}

export interface AuditWriterStats {
  /** In memory, waiting to be written. */
  buffered: number;
  /** Written by this writer. */
  written: number;
  /** Refused because the buffer was full or the writer closed, or still unwritten when it closed. */
  dropped: number;
  /** Refused because the event was malformed (a gateway bug; logged as an error). */
  rejected: number;
  /** Write attempts that failed (each one is retried). */
  failedFlushes: number;
}

export interface AuditFlushResult {
  /** Events written during this flush. */
  written: number;
  /** Still buffered at the deadline, oldest first. A write in flight at the deadline may yet land. */
  unwritten: AuditEvent[];
}

/** The one thing the writer needs from the repository. */
export type AuditSink = Pick<AuditRepository, 'insertBatch'>;

type Buffered = AuditEvent & { id: string };

/**
 * Writes audit events in batches, off the request path.
 *
 * - `record()` is synchronous: it validates, appends to an in-memory FIFO and returns. It never
 *   throws and never waits on the database.
 * - One write at a time, oldest events first. A failed batch stays at the head of the buffer and is
 *   retried after an exponential backoff with jitter, so order is kept and nothing is skipped.
 * - Exactly once: every event gets its uuid when recorded and the INSERT skips ids already stored,
 *   so retrying a batch whose commit happened but whose reply was lost inserts nothing twice.
 * - Bounded: when `maxBuffered` events wait, new events are dropped (not old ones: the oldest may be
 *   in the write in flight, and keeping them leaves one contiguous gap). Drops are counted and logged
 *   at once the first time, then at most every `logIntervalMs`, and again when writes resume.
 */
export class AuditWriter {
  private readonly sink: AuditSink;
  private readonly logger: Logger;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly writeTimeoutMs: number;
  private readonly logIntervalMs: number;

  private readonly buffer: Buffered[] = [];
  private written = 0;
  private dropped = 0;
  private rejected = 0;
  private failedFlushes = 0;

  private draining: Promise<void> | undefined;
  private kickScheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly interval: NodeJS.Timeout;
  private consecutiveFailures = 0;
  private lastFailureLog = Number.NEGATIVE_INFINITY;
  private droppedUnreported = 0;
  private lastDropLog = Number.NEGATIVE_INFINITY;
  private closing: Promise<AuditFlushResult> | undefined;
  private closed = false;

  constructor(sink: AuditSink, options: AuditWriterOptions) {
    this.sink = sink;
    this.logger = options.logger;
    this.batchSize = positive('batchSize', options.batchSize ?? 100);
    this.maxBuffered = positive('maxBuffered', options.maxBuffered ?? 10_000);
    this.retryDelayMs = positive('retryDelayMs', options.retryDelayMs ?? 500);
    this.maxRetryDelayMs = Math.max(this.retryDelayMs, options.maxRetryDelayMs ?? 30_000);
    this.writeTimeoutMs = positive('writeTimeoutMs', options.writeTimeoutMs ?? 10_000);
    this.logIntervalMs = options.logIntervalMs ?? 30_000;
    const flushIntervalMs = positive('flushIntervalMs', options.flushIntervalMs ?? 1_000);
    this.interval = setInterval(() => {
      this.kick();
      this.reportDrops(false);
    }, flushIntervalMs);
    // Shutdown calls close(); a pending timer alone must not keep the process alive.
    this.interval.unref();
  }

  /** Queues one event. Synchronous, never throws, never waits on the database. */
  record(event: AuditEvent): void {
    try {
      if (this.closed) {
        this.countDrop();
        return;
      }
      // Checked before validating: under overload, dropping should be the cheapest path.
      if (this.buffer.length >= this.maxBuffered) {
        this.countDrop();
        return;
      }
      const parsed = AuditEventSchema.safeParse(event);
      if (!parsed.success) {
        // Buffering it would fail its whole batch on every retry.
        this.rejected += 1;
        this.log('error', { err: parsed.error.message }, 'audit: malformed event refused, not recorded');
        return;
      }
      this.buffer.push({ ...parsed.data, input: event.input, id: parsed.data.id ?? randomUUID() });
      if (this.buffer.length >= this.batchSize) this.scheduleKick();
    } catch (err) {
      // Nothing above throws by design; should something still, the event is counted, not lost silently.
      this.dropped += 1;
      this.log('error', { err: describeError(err) }, 'audit: recording an event failed; it was dropped');
    }
  }

  stats(): AuditWriterStats {
    return {
      buffered: this.buffer.length,
      written: this.written,
      dropped: this.dropped,
      rejected: this.rejected,
      failedFlushes: this.failedFlushes,
    };
  }

  /**
   * Writes everything buffered, retrying failures without the long backoff, until done or until
   * `timeoutMs` has passed. Returns what could not be written.
   */
  async flush(timeoutMs = 5_000): Promise<AuditFlushResult> {
    const deadline = Date.now() + timeoutMs;
    const before = this.written;
    while (this.buffer.length > 0 && Date.now() < deadline) {
      if (this.draining !== undefined) {
        await untilDeadline(this.draining, deadline);
        continue;
      }
      this.clearRetry();
      this.startDrain(deadline);
    }
    // Back to the normal rhythm for whatever is left (unless closing: then the caller has it).
    if (this.buffer.length > 0 && this.closing === undefined && this.draining === undefined) {
      this.scheduleRetry(this.backoff());
    }
    return { written: this.written - before, unwritten: this.buffer.map((event) => ({ ...event })) };
  }

  /**
   * Stops the timers after a last flush. Events recorded during the flush are still taken; after it,
   * record() drops (and counts) them. Returns what could not be written, which is also logged.
   */
  close(timeoutMs = 5_000): Promise<AuditFlushResult> {
    this.closing ??= (async () => {
      clearInterval(this.interval);
      const result = await this.flush(timeoutMs);
      this.closed = true;
      this.clearRetry();
      this.reportDrops(true);
      if (result.unwritten.length > 0) {
        // Handed to the caller and lost with the process otherwise: counted as dropped, like a full
        // buffer, and no longer buffered.
        this.dropped += result.unwritten.length;
        this.buffer.length = 0;
        this.log(
          'error',
          {
            unwritten: result.unwritten.length,
            firstRequestId: result.unwritten[0]?.requestId,
            lastRequestId: result.unwritten.at(-1)?.requestId,
            ...this.stats(),
          },
          'audit: events could not be written before shutdown',
        );
      }
      return result;
    })();
    return this.closing;
  }

  /** A throwing logger must break neither record()'s promise nor the write loop. */
  private log(level: 'info' | 'warn' | 'error', obj: object, msg: string): void {
    try {
      this.logger[level](obj, msg);
    } catch {
      // Nowhere left to report it.
    }
  }

  private scheduleKick(): void {
    if (this.kickScheduled || this.draining !== undefined || this.retryTimer !== undefined) return;
    this.kickScheduled = true;
    // The write starts on the next turn, so the caller of record() never runs driver code.
    setImmediate(() => {
      this.kickScheduled = false;
      this.kick();
    });
  }

  private kick(): void {
    if (this.draining !== undefined || this.retryTimer !== undefined || this.buffer.length === 0) return;
    if (this.closed) return;
    this.startDrain(undefined);
  }

  private startDrain(deadline: number | undefined): void {
    const draining = this.drain(deadline)
      .catch((err: unknown) => {
        // Not expected (failures are handled inside); keep the events and try again later.
        this.scheduleRetry(this.maxRetryDelayMs);
        this.log('error', { err: describeError(err) }, 'audit: writer loop failed; retrying later');
      })
      .finally(() => {
        if (this.draining === draining) this.draining = undefined;
      });
    this.draining = draining;
  }

  /** Writes batches from the head until the buffer is empty, a write fails, or the deadline passes. */
  private async drain(deadline: number | undefined): Promise<void> {
    while (this.buffer.length > 0) {
      const remaining = deadline === undefined ? this.writeTimeoutMs : deadline - Date.now();
      if (remaining <= 0) return;
      const batch = this.buffer.slice(0, this.batchSize);
      try {
        await this.write(batch, Math.min(this.writeTimeoutMs, remaining));
      } catch (err) {
        if (refusedContent(err)) {
          // The database refuses what a row holds, not the write: retrying would block the queue
          // forever. Write the batch row by row and set aside the rows it refuses.
          await this.writeEachSettingAsideRefused(batch, Math.min(this.writeTimeoutMs, remaining));
          continue;
        }
        this.onFailure(err, batch.length);
        if (deadline === undefined) {
          this.scheduleRetry(this.backoff());
          return;
        }
        // Shutting down: retry at the base delay, the doubling would outlast the deadline.
        await sleep(Math.min(this.retryDelayMs, Math.max(0, deadline - Date.now())));
        continue;
      }
      // Only this loop removes from the head and record() only appends, so the head is the batch.
      this.buffer.splice(0, batch.length);
      this.written += batch.length;
      this.onSuccess();
    }
  }

  /**
   * Writes `batch` one row at a time: rows the database refuses for their content are removed and
   * counted as rejected; any other failure stops here and leaves the rest buffered for the retry.
   */
  private async writeEachSettingAsideRefused(batch: readonly Buffered[], timeoutMs: number): Promise<void> {
    for (const event of batch) {
      try {
        await this.write([event], timeoutMs);
        this.written += 1;
      } catch (err) {
        if (!refusedContent(err)) {
          this.onFailure(err, 1);
          return;
        }
        this.rejected += 1;
        this.log(
          'error',
          { err: describeError(err), requestId: event.requestId, tool: event.tool },
          'audit: the database refused this event; it is set aside and counted as rejected',
        );
      }
      // Only the drain loop removes from the head, so the head is this event.
      this.buffer.splice(0, 1);
    }
  }

  private async write(batch: readonly Buffered[], timeoutMs: number): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Error(`audit write still pending after ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      // abortable() also covers a sink that ignores the signal; the idempotent INSERT makes a late landing harmless.
      await abortable(this.sink.insertBatch(batch, { signal: controller.signal }), controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private onFailure(err: unknown, batchSize: number): void {
    this.failedFlushes += 1;
    this.consecutiveFailures += 1;
    const now = Date.now();
    if (this.consecutiveFailures === 1) {
      this.lastFailureLog = now;
      this.log(
        'warn',
        { err: describeError(err), batch: batchSize, buffered: this.buffer.length },
        'audit: write failed; the events stay buffered and will be retried',
      );
    } else if (now - this.lastFailureLog >= this.logIntervalMs) {
      this.lastFailureLog = now;
      this.log(
        'warn',
        { err: describeError(err), failedAttempts: this.consecutiveFailures, ...this.stats() },
        'audit: writes still failing',
      );
    }
  }

  private onSuccess(): void {
    if (this.consecutiveFailures > 0) {
      this.log(
        'info',
        { failedAttempts: this.consecutiveFailures, ...this.stats() },
        'audit: writes resumed; buffered events are being written',
      );
      this.consecutiveFailures = 0;
      this.reportDrops(true);
    }
  }

  private countDrop(): void {
    this.dropped += 1;
    this.droppedUnreported += 1;
    this.reportDrops(false);
  }

  /** First drop: at once. Then a summary at most every logIntervalMs, or now when forced. */
  private reportDrops(force: boolean): void {
    if (this.droppedUnreported === 0) return;
    const now = Date.now();
    if (!force && now - this.lastDropLog < this.logIntervalMs) return;
    this.log(
      'warn',
      {
        droppedSinceLastReport: this.droppedUnreported,
        dropped: this.dropped,
        buffered: this.buffer.length,
        maxBuffered: this.maxBuffered,
        closed: this.closed,
      },
      this.closed
        ? 'audit: events recorded after close were dropped'
        : 'audit: buffer full while the database is unavailable; new events dropped',
    );
    this.droppedUnreported = 0;
    this.lastDropLog = now;
  }

  /** Exponential, capped, with "equal jitter" so replicas do not all retry in the same instant. */
  private backoff(): number {
    const exponent = Math.min(Math.max(this.consecutiveFailures - 1, 0), 30);
    const capped = Math.min(this.maxRetryDelayMs, this.retryDelayMs * 2 ** exponent);
    return capped / 2 + Math.random() * (capped / 2);
  }

  private scheduleRetry(delayMs: number): void {
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, delayMs);
    this.retryTimer.unref();
  }

  private clearRetry(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`AuditWriter: ${name} must be positive.`);
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for `promise` (which never rejects) or the deadline, whichever comes first. */
async function untilDeadline(promise: Promise<void>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether PostgreSQL refused a write for what it holds (SQLSTATE class 22, data exception: invalid
 * JSON text, an untranslatable character, a value out of range), which no retry can fix.
 */
function refusedContent(err: unknown): boolean {
  return sqlState(err)?.startsWith('22') === true;
}
