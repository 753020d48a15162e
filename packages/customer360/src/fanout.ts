import { isToolError } from '@switchboard/kit';

/**
 * Running sources under one deadline. Every source runs under min(its timeout, what is left of the
 * deadline) with its own AbortSignal (also aborted with the caller's), and is raced against a timer:
 * a source that ignores its signal still cannot hold the call past the deadline.
 */

/** The shared deadline of one call. */
export interface Deadline {
  /** Epoch milliseconds by which the call must answer. */
  readonly at: number;
  /** The caller's signal (client gone, gateway deadline). */
  readonly signal: AbortSignal;
  remaining(): number;
}

export function createDeadline(ms: number, signal: AbortSignal, now: () => number = Date.now): Deadline {
  const at = now() + ms;
  return { at, signal, remaining: () => Math.max(0, at - now()) };
}

export type Outcome<T> =
  | { status: 'ok'; value: T; durationMs: number }
  | { status: 'timeout' | 'error'; reason: string; durationMs: number; cause?: unknown };

export interface RunOptions {
  /** The source's own timeout; capped by what is left of the deadline. */
  timeoutMs: number;
  deadline: Deadline;
  /** Display name for messages, e.g. "Salesforce (sf_emea)". */
  label: string;
}

type Settled<T> =
  | { kind: 'value'; value: T }
  | { kind: 'error'; error: unknown }
  | { kind: 'timeout' }
  | { kind: 'cancelled' };

/** Runs one source's work; never rejects. */
export async function runSource<T>(
  work: (signal: AbortSignal) => Promise<T>,
  options: RunOptions,
): Promise<Outcome<T>> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const { deadline, label } = options;
  const budget = Math.min(options.timeoutMs, deadline.remaining());
  if (deadline.signal.aborted) {
    return { status: 'timeout', reason: `The call was cancelled before ${label} was asked.`, durationMs: 0 };
  }
  if (budget <= 0) {
    return { status: 'timeout', reason: `No time was left of the deadline to ask ${label}.`, durationMs: 0 };
  }

  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, deadline.signal]);
  let timer: NodeJS.Timeout | undefined;
  let onCancel: (() => void) | undefined;
  const timedOut = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), budget);
  });
  const cancelled = new Promise<Settled<T>>((resolve) => {
    onCancel = () => resolve({ kind: 'cancelled' });
    deadline.signal.addEventListener('abort', onCancel, { once: true });
  });
  // Settles either way, so a late rejection after the race is decided is never unhandled.
  const running = Promise.resolve()
    .then(() => work(signal))
    .then(
      (value): Settled<T> => ({ kind: 'value', value }),
      (error: unknown): Settled<T> => ({ kind: 'error', error }),
    );
  try {
    const settled = await Promise.race([running, timedOut, cancelled]);
    if (settled.kind === 'value') return { status: 'ok', value: settled.value, durationMs: elapsed() };
    if (settled.kind === 'timeout') {
      return {
        status: 'timeout',
        reason: `${label} did not answer within ${budget} ms.`,
        durationMs: elapsed(),
      };
    }
    if (settled.kind === 'cancelled') {
      return {
        status: 'timeout',
        reason: `The call was cancelled while waiting for ${label}.`,
        durationMs: elapsed(),
      };
    }
    return { ...describeFailure(settled.error, label), durationMs: elapsed(), cause: settled.error };
  } finally {
    clearTimeout(timer);
    if (onCancel !== undefined) deadline.signal.removeEventListener('abort', onCancel);
    // Frees whatever the source still holds (sockets, pooled connections).
    controller.abort();
  }
}

/**
 * A short, safe reason. ToolError messages are written for the model and carry no vendor body; any
 * other error is reduced to a generic line (its details go to the log).
 */
function describeFailure(error: unknown, label: string): { status: 'timeout' | 'error'; reason: string } {
  if (isToolError(error)) {
    const status = error.code === 'timeout' ? 'timeout' : 'error';
    return { status, reason: `${label}: ${error.message}` };
  }
  return {
    status: 'error',
    reason: `${label} failed with an unexpected error (details are in the gateway log).`,
  };
}

/** A promise with its resolver, for gates that other sources wait on. */
export interface Gate {
  readonly promise: Promise<void>;
  open(): void;
}

export function createGate(): Gate {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open: () => open() };
}

/** Resolves when every gate has opened, or after `ms`, whichever comes first. */
export async function waitForGates(gates: readonly Gate[], ms: number): Promise<void> {
  if (gates.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([Promise.all(gates.map((gate) => gate.promise)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
