/**
 * The closed set of tool error codes. Handlers throw `ToolError`; the gateway maps each code to an
 * `isError` result in one place. Anything else thrown by a handler is treated as `internal`.
 */
export const TOOL_ERROR_CODES = [
  'invalid_input',
  'not_found',
  'forbidden',
  'conflict',
  'rate_limited',
  'upstream_unavailable',
  'timeout',
  'internal',
] as const;

export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

export interface ToolErrorOptions {
  /** Whether the same call may succeed if repeated unchanged. Defaults per code. */
  retryable?: boolean;
  /** When known, how long the caller should wait before retrying. */
  retryAfterMs?: number;
  /** The underlying error. Logged, never shown to the client. */
  cause?: unknown;
}

const RETRYABLE_BY_DEFAULT: ReadonlySet<ToolErrorCode> = new Set([
  'rate_limited',
  'upstream_unavailable',
  'timeout',
]);

/**
 * An error a tool handler raises on purpose. `message` is shown to the model, so it must say what to
 * do next and must never contain a vendor body, a stack trace or a secret; put those in `cause`.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  readonly code: ToolErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(code: ToolErrorCode, message: string, options: ToolErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isToolError(value: unknown): value is ToolError {
  return value instanceof ToolError;
}
