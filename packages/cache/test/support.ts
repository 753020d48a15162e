import { randomBytes } from 'node:crypto';
import { cacheKey } from '../src/index.js';

export interface Item {
  n: number;
  who?: string;
  pad?: string;
  found?: boolean;
}

/** The cached-value parser a tool's output schema would provide. */
export function parseItem(cached: unknown): Item {
  if (typeof cached !== 'object' || cached === null || !('n' in cached) || typeof cached.n !== 'number') {
    throw new Error('not an Item');
  }
  const item: Item = { n: cached.n };
  if ('who' in cached && typeof cached.who === 'string') item.who = cached.who;
  if ('pad' in cached && typeof cached.pad === 'string') item.pad = cached.pad;
  if ('found' in cached && typeof cached.found === 'boolean') item.found = cached.found;
  return item;
}

/** A key space of its own (a random schema version), so tests never see each other's entries. */
export function keySpace(): (input?: unknown, principal?: string) => string {
  const version = randomBytes(6).toString('hex');
  return (input = { q: 'acme' }, principal) =>
    cacheKey({
      namespace: 'test',
      tool: 'search',
      input,
      version,
      ...(principal === undefined ? {} : { principal }),
    });
}

export function freshKey(): string {
  return keySpace()();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A loader that counts its calls and returns `{ n: calls }` after `delayMs`. */
export function countingLoader(delayMs = 0, extra: Partial<Item> = {}) {
  let calls = 0;
  const load = async (): Promise<Item> => {
    calls += 1;
    const n = calls;
    if (delayMs > 0) await sleep(delayMs);
    return { ...extra, n };
  };
  return {
    load,
    get calls() {
      return calls;
    },
  };
}

/** Runs `work` and says how long it took, in milliseconds of the monotonic clock. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}
