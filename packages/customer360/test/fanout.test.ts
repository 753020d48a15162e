import { ToolError } from '@switchboard/kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeadline, runSource } from '../src/index.js';

const never = () => new Promise<never>(() => undefined);

describe('runSource', () => {
  // A clock the test moves: timeouts are asserted exactly, whatever the load on the machine.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers at its timeout even when the source ignores its signal, and aborts it', async () => {
    let seen: AbortSignal | undefined;
    const pending = runSource(
      (signal) => {
        seen = signal;
        return never();
      },
      { timeoutMs: 100, deadline: createDeadline(5000, new AbortController().signal), label: 'Slow (slow)' },
    );
    await vi.advanceTimersByTimeAsync(100);
    const outcome = await pending;
    expect(outcome).toMatchObject({
      status: 'timeout',
      reason: 'Slow (slow) did not answer within 100 ms.',
      durationMs: 100,
    });
    expect(seen?.aborted).toBe(true);
  });

  it('never runs past the deadline, whatever the source timeout', async () => {
    const deadline = createDeadline(80, new AbortController().signal);
    const pending = runSource(never, { timeoutMs: 10_000, deadline, label: 'X (x)' });
    await vi.advanceTimersByTimeAsync(80);
    expect(await pending).toMatchObject({ status: 'timeout', durationMs: 80 });
    const late = await runSource(async () => 1, { timeoutMs: 10_000, deadline, label: 'Y (y)' });
    expect(late).toMatchObject({ status: 'timeout', durationMs: 0 });
  });

  it('passes ToolError messages through and hides anything else', async () => {
    const deadline = createDeadline(1000, new AbortController().signal);
    const tool = await runSource(
      async () => {
        throw new ToolError('rate_limited', 'HubSpot is rate limited; retry in 10 s.');
      },
      { timeoutMs: 500, deadline, label: 'HubSpot (hubspot)' },
    );
    expect(tool).toMatchObject({
      status: 'error',
      reason: 'HubSpot (hubspot): HubSpot is rate limited; retry in 10 s.',
    });
    const raw = await runSource(
      async () => {
        throw new Error('<html>502 Bad Gateway from vendor</html> password=hunter2');
      },
      { timeoutMs: 500, deadline, label: 'Odoo (odoo)' },
    );
    expect(raw.status).toBe('error');
    expect(raw.status !== 'ok' && raw.reason).toBe(
      'Odoo (odoo) failed with an unexpected error (details are in the gateway log).',
    );
    const timeout = await runSource(
      async () => {
        throw new ToolError('timeout', 'Odoo query timed out.');
      },
      { timeoutMs: 500, deadline, label: 'Odoo (odoo)' },
    );
    expect(timeout.status).toBe('timeout');
  });

  it('stops waiting when the caller cancels', async () => {
    const caller = new AbortController();
    const deadline = createDeadline(5000, caller.signal);
    const pending = runSource(never, { timeoutMs: 5000, deadline, label: 'Z (z)' });
    await vi.advanceTimersByTimeAsync(30);
    caller.abort();
    expect(await pending).toMatchObject({
      status: 'timeout',
      reason: 'The call was cancelled while waiting for Z (z).',
      durationMs: 30,
    });
  });
});
