import { pino } from 'pino';

export type GatewayLogger = pino.Logger;

/**
 * Paths that may hold credentials anywhere in a log object. Redaction happens at the logger so that
 * no code path can forget it.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'authorization',
  'password',
  'token',
  'accessToken',
  'apiKey',
  'secret',
  'clientSecret',
  'databaseUrl',
  'connectionString',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.apiKey',
  '*.secret',
  '*.clientSecret',
  '*.databaseUrl',
  '*.connectionString',
];

export interface LoggerOptions {
  level?: string;
  /** Where log lines go. In stdio mode this must be stderr: stdout carries the protocol. */
  destination: 'stdout' | 'stderr' | NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): GatewayLogger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  return pino(
    {
      name: 'switchboard',
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err },
    },
    typeof options.destination === 'string'
      ? pino.destination({ fd: options.destination === 'stderr' ? 2 : 1, sync: false })
      : options.destination,
  );
}
