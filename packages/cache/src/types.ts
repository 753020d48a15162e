/** How a `wrap` call was answered. */
export type CacheStatus = 'hit' | 'miss' | 'stale' | 'bypass';

export interface WrapResult<T> {
  value: T;
  status: CacheStatus;
  /** Milliseconds since the value was stored; 0 for a value loaded by this call. */
  ageMs: number;
}

export interface WrapOptions<T> {
  /**
   * Turns a value read back from the cache into a `T`, throwing when it is not one (a tool's output
   * schema `parse`). Cached values are external data: a value that fails here is treated as a miss.
   */
  parse: (cached: unknown) => T;
  /** Fresh lifetime, fixed or per value (a shorter TTL for a negative result). 0 or less: not stored. */
  ttlMs: number | ((value: T) => number);
  /** Serve the value this long after expiry while one caller refreshes it in the background. */
  staleMs?: number;
  /** Tags that `invalidateTags` can name to drop this entry. */
  tags?: (value: T) => string[];
  /** Larger entries (serialized envelope, bytes) are returned but not stored. */
  maxEntryBytes?: number;
  /** Return false to return a value without storing it. */
  cacheable?: (value: T) => boolean;
}

/**
 * Loads the value on a miss. One load serves every concurrent caller of a key, so `signal` is the
 * cache's own (aborted on `close()`), not any one caller's: put the tool's deadline inside the load.
 */
export type Loader<T> = (signal: AbortSignal) => Promise<T>;

export interface CacheStats {
  hits: number;
  misses: number;
  stale: number;
  bypasses: number;
  /** Upstream loads started (foreground, bypass and background refresh). */
  loads: number;
  skippedTooLarge: number;
  /** Backend failures, corrupt entries and failed background refreshes. */
  errors: number;
}

export interface Cache {
  wrap<T>(key: string, options: WrapOptions<T>, load: Loader<T>): Promise<WrapResult<T>>;
  /** Deletes every entry stored under any of the tags. Never throws: a failure is counted and logged. */
  invalidateTags(tags: readonly string[]): Promise<void>;
  stats(): CacheStats;
  /** Aborts background refreshes, waits for them, and releases the backend's connection. */
  close(): Promise<void>;
}

/** The part of a pino logger the cache uses. */
export interface CacheLogger {
  warn(details: object, message?: string): void;
}
