import { describe, expect, it } from 'vitest';
import type { AuditEvent, AuditSink } from '../src/index.js';
import { AuditWriter } from '../src/index.js';
import { messages, recordingLogger } from './support.js';

/** The writer's own rules, against an in-memory sink: fast and deterministic. */

function event(index: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    at: new Date(Date.UTC(2026, 0, 1) + index),
    requestId: `req-${index}`,
    principal: 'key:test',
    tool: 'crm__search_accounts',
    inputDigest: 'digest',
    input: { index },
    outcome: 'ok',
    durationMs: 3,
    cacheStatus: null,
    upstreamCalls: 0,
    ...overrides,
  };
}

interface FakeSink extends AuditSink {
  stored: AuditEvent[];
  calls: number[];
}

/** Stores in memory; `behaviour(call)` may throw or hang for a given attempt number. */
function fakeSink(behaviour: (call: number) => 'ok' | 'fail' | 'hang' = () => 'ok', delayMs = 0): FakeSink {
  const sink: FakeSink = {
    stored: [],
    calls: [],
    async insertBatch(events) {
      sink.calls.push(Date.now());
      const mode = behaviour(sink.calls.length);
      if (mode === 'hang') return new Promise<number>(() => {});
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (mode === 'fail') throw new Error('connection refused');
      sink.stored.push(...events);
      return events.length;
    },
  };
  return sink;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('AuditWriter', () => {
  it('writes a partial batch on the flush interval without being asked', async () => {
    const sink = fakeSink();
    const writer = new AuditWriter(sink, { flushIntervalMs: 20, logger: recordingLogger().logger });
    writer.record(event(1));
    writer.record(event(2));
    await sleep(80);
    expect(sink.stored.map((stored) => stored.requestId)).toEqual(['req-1', 'req-2']);
    expect(writer.stats()).toMatchObject({ buffered: 0, written: 2 });
    await writer.close();
  });

  it('retries a failed batch after a doubling, jittered delay and keeps the order', async () => {
    const sink = fakeSink((call) => (call <= 3 ? 'fail' : 'ok'));
    const { logger, records } = recordingLogger();
    const writer = new AuditWriter(sink, {
      flushIntervalMs: 5,
      retryDelayMs: 40,
      logIntervalMs: 60_000,
      logger,
    });
    for (let i = 0; i < 5; i += 1) writer.record(event(i));
    await sleep(450);
    expect(sink.stored.map((stored) => stored.requestId)).toEqual([
      'req-0',
      'req-1',
      'req-2',
      'req-3',
      'req-4',
    ]);
    const [first = 0, ...rest] = sink.calls;
    const gaps = rest.map((at, i) => at - (sink.calls[i] ?? first));
    // Equal jitter: the n-th delay lies in [d/2, d] with d = 40 * 2^(n-1); timers may fire a ms early.
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
    expect(writer.stats()).toMatchObject({ written: 5, failedFlushes: 3 });
    // One warning for the outage, not one per attempt, then one line when it ends.
    expect(messages(records, 'warn')).toEqual([
      'audit: write failed; the events stay buffered and will be retried',
    ]);
    expect(messages(records, 'info')).toEqual(['audit: writes resumed; buffered events are being written']);
    await writer.close();
  });

  it('never has two writes in flight, so batches land in order', async () => {
    let inFlight = 0;
    let most = 0;
    const stored: string[] = [];
    const sink: AuditSink = {
      async insertBatch(events) {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await sleep(5);
        stored.push(...events.map((stored) => stored.requestId));
        inFlight -= 1;
        return events.length;
      },
    };
    const writer = new AuditWriter(sink, {
      batchSize: 10,
      flushIntervalMs: 1,
      logger: recordingLogger().logger,
    });
    for (let i = 0; i < 200; i += 1) {
      writer.record(event(i));
      if (i % 7 === 0) await sleep(1);
    }
    await writer.close();
    expect(most).toBe(1);
    expect(stored).toEqual(Array.from({ length: 200 }, (_, i) => `req-${i}`));
  });

  it('abandons a write that hangs after writeTimeoutMs and retries it', async () => {
    const sink = fakeSink((call) => (call === 1 ? 'hang' : 'ok'));
    const writer = new AuditWriter(sink, {
      flushIntervalMs: 5,
      retryDelayMs: 10,
      writeTimeoutMs: 50,
      logger: recordingLogger().logger,
    });
    writer.record(event(1));
    await sleep(200);
    expect(sink.calls).toHaveLength(2);
    expect(writer.stats()).toMatchObject({ written: 1, failedFlushes: 1, buffered: 0 });
    await writer.close();
  });

  it('refuses malformed events without throwing, so they cannot poison a batch', async () => {
    const sink = fakeSink();
    const { logger, records } = recordingLogger();
    const writer = new AuditWriter(sink, { logger });
    writer.record(event(1, { at: new Date(Number.NaN) }));
    writer.record(event(2, { upstreamCalls: 1.5 }));
    // A caller outside TypeScript could hand over anything.
    const notAnEvent: unknown = { requestId: 'x' };
    writer.record(notAnEvent as AuditEvent);
    writer.record(event(3));
    expect(writer.stats()).toMatchObject({ rejected: 3, buffered: 1 });
    expect(messages(records, 'error')).toHaveLength(3);
    await writer.close();
    expect(sink.stored.map((stored) => stored.requestId)).toEqual(['req-3']);
  });

  it('never throws from record(), even when the logger does', () => {
    const throwing = recordingLogger().logger;
    throwing.error = () => {
      throw new Error('logger down');
    };
    throwing.warn = throwing.error;
    const writer = new AuditWriter(fakeSink(), { maxBuffered: 1, logger: throwing });
    expect(() => {
      writer.record(event(1, { at: new Date(Number.NaN) }));
      writer.record(event(2));
      writer.record(event(3));
    }).not.toThrow();
    expect(writer.stats()).toMatchObject({ buffered: 1, dropped: 1, rejected: 1 });
    return writer.close();
  });

  it('logs the first drop at once, then one summary per interval, not one line per drop', async () => {
    const sink = fakeSink(() => 'fail');
    const { logger, records } = recordingLogger();
    const writer = new AuditWriter(sink, {
      maxBuffered: 2,
      flushIntervalMs: 10,
      retryDelayMs: 1_000,
      logIntervalMs: 60,
      logger,
    });
    for (let i = 0; i < 6; i += 1) writer.record(event(i));
    const drops = () =>
      records.filter((record) => 'droppedSinceLastReport' in record.obj).map((record) => record.obj);
    expect(drops()).toEqual([expect.objectContaining({ droppedSinceLastReport: 1, dropped: 1 })]);
    await sleep(120);
    expect(drops()).toEqual([
      expect.objectContaining({ droppedSinceLastReport: 1, dropped: 1 }),
      expect.objectContaining({ droppedSinceLastReport: 3, dropped: 4 }),
    ]);
    const result = await writer.close(30);
    expect(result.unwritten.map((unwritten) => unwritten.requestId)).toEqual(['req-0', 'req-1']);
  });

  it('flush() retries within its deadline and returns what it could not write, oldest first', async () => {
    const sink = fakeSink(() => 'fail');
    const writer = new AuditWriter(sink, { retryDelayMs: 10, logger: recordingLogger().logger });
    for (let i = 0; i < 3; i += 1) writer.record(event(i));
    const started = Date.now();
    const result = await writer.flush(100);
    expect(Date.now() - started).toBeLessThan(300);
    expect(result.written).toBe(0);
    expect(result.unwritten.map((unwritten) => unwritten.requestId)).toEqual(['req-0', 'req-1', 'req-2']);
    expect(sink.calls.length).toBeGreaterThan(2);
    // Still buffered: flush() is not close(), the writer keeps retrying.
    expect(writer.stats().buffered).toBe(3);
    await writer.close(10);
  });
});
