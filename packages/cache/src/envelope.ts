/** What the cache stores per key, as JSON. Times are epoch milliseconds of the writer's clock. */
export interface Envelope {
  v: unknown;
  storedAt: number;
  freshUntil: number;
  staleUntil: number;
}

/**
 * Parses a stored envelope; anything else (a foreign value, a truncated write, an older layout) is
 * null and the caller treats it as a miss. Hand-written because zod is not a dependency of this
 * package; it checks the same things a `z.object` would.
 */
export function parseEnvelope(raw: string): Envelope | null {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !('v' in data)) return null;
  const storedAt = finite(Reflect.get(data, 'storedAt'));
  const freshUntil = finite(Reflect.get(data, 'freshUntil'));
  const staleUntil = finite(Reflect.get(data, 'staleUntil'));
  if (storedAt === null || freshUntil === null || staleUntil === null) return null;
  if (freshUntil < storedAt || staleUntil < freshUntil) return null;
  return { v: data.v, storedAt, freshUntil, staleUntil };
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
