import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { parseRows, query, withConnection } from './db.js';

/** What an audit row records: a tools/call or a resources/read. */
export type AuditKind = 'tool' | 'resource';

/** One tools/call or resources/read, as the gateway reports it. */
export interface AuditEvent {
  /**
   * uuid identifying the event. The AuditWriter sets it before the first attempt so a batch retried
   * after an ambiguous failure (the commit may have happened) is not inserted twice.
   */
  id?: string;
  at: Date;
  requestId: string;
  principal: string;
  /** `tool` (default) or `resource`. */
  kind?: AuditKind;
  /** The tool's exposed name, or the resource template's. */
  tool: string;
  /** Digest of the canonical input, to correlate identical calls without keeping the raw input. */
  inputDigest: string;
  /** Already redacted; stored as jsonb. Not copied: do not mutate it after handing it over. */
  input: unknown;
  /** `ok` or an error code. */
  outcome: string;
  durationMs: number;
  cacheStatus: string | null;
  upstreamCalls: number | null;
}

/** An audit event as stored. `seq` is the order of arrival. */
export interface AuditRecord extends AuditEvent {
  id: string;
  seq: number;
  kind: AuditKind;
}

export interface AuditQuery {
  principal?: string;
  tool?: string;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
  /** Default 100; values above 1000 are capped at 1000. */
  limit?: number;
}

export const AUDIT_QUERY_MAX_LIMIT = 1000;

export interface AuditRepository {
  /**
   * Inserts the events in one statement (idempotent: an event whose id is already stored is skipped),
   * keeping their order in `seq`. With a signal, an abandoned attempt destroys its connection.
   * Returns how many rows were new.
   */
  insertBatch(events: readonly AuditEvent[], options?: { signal?: AbortSignal }): Promise<number>;
  /** Newest first. */
  query(query: AuditQuery): Promise<AuditRecord[]>;
}

/** What `record()` accepts; the writer rejects (and counts) anything else rather than poison a batch. */
export const AuditEventSchema = z.object({
  id: z.uuid().optional(),
  at: z.date().refine((date) => Number.isFinite(date.getTime()), 'a valid date'),
  requestId: z.string(),
  principal: z.string(),
  kind: z.enum(['tool', 'resource']).optional(),
  tool: z.string(),
  inputDigest: z.string(),
  input: z.unknown(),
  outcome: z.string().min(1),
  durationMs: z.number().finite().nonnegative(),
  cacheStatus: z.string().nullable(),
  upstreamCalls: z.number().int().nonnegative().max(2_147_483_647).nullable(),
});

const AuditRow = z
  .object({
    id: z.string(),
    seq: z.union([z.string().regex(/^\d+$/), z.number().int()]).transform(Number),
    at: z.date(),
    request_id: z.string(),
    principal: z.string(),
    kind: z.enum(['tool', 'resource']),
    tool: z.string(),
    input_digest: z.string(),
    input: z.unknown(),
    outcome: z.string(),
    duration_ms: z.number(),
    cache_status: z.string().nullable(),
    upstream_calls: z.number().int().nullable(),
  })
  .transform(
    (row): AuditRecord => ({
      id: row.id,
      seq: row.seq,
      at: row.at,
      requestId: row.request_id,
      principal: row.principal,
      kind: row.kind,
      tool: row.tool,
      inputDigest: row.input_digest,
      input: row.input,
      outcome: row.outcome,
      durationMs: row.duration_ms,
      cacheStatus: row.cache_status,
      upstreamCalls: row.upstream_calls,
    }),
  );

/*
 * One INSERT whatever the batch size: each column travels as one array parameter and unnest() turns
 * them back into rows. Twelve parameters instead of twelve per row keeps far from the protocol's
 * 65,535-parameter limit, and the statement text, hence its plan, is the same for every batch.
 */
const INSERT_BATCH = `
INSERT INTO audit_events
  (id, at, request_id, principal, tool, input_digest, input, outcome, duration_ms, cache_status, upstream_calls,
   kind)
SELECT id, at, request_id, principal, tool, input_digest, input, outcome, duration_ms, cache_status, upstream_calls,
       kind
FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[],
            $8::text[], $9::float8[], $10::text[], $11::int[], $12::text[])
     WITH ORDINALITY AS e(id, at, request_id, principal, tool, input_digest, input, outcome, duration_ms,
                          cache_status, upstream_calls, kind, ord)
ORDER BY ord
ON CONFLICT (id) DO NOTHING`;

export function createAuditRepository(pool: pg.Pool): AuditRepository {
  return {
    async insertBatch(events, options = {}) {
      if (events.length === 0) return 0;
      const columns = toColumns(events);
      const result = await withConnection(pool, options.signal, (client) =>
        client.query(INSERT_BATCH, columns),
      );
      return result.rowCount ?? 0;
    },

    async query(filter) {
      const where: string[] = [];
      const values: unknown[] = [];
      // Only the filters given become SQL, so each shape of query can use its index.
      const add = (condition: (placeholder: string) => string, value: unknown) => {
        values.push(value);
        where.push(condition(`$${values.length}`));
      };
      if (filter.principal !== undefined) add((p) => `principal = ${p}`, filter.principal);
      if (filter.tool !== undefined) add((p) => `tool = ${p}`, filter.tool);
      if (filter.since !== undefined) add((p) => `at >= ${p}`, filter.since);
      if (filter.until !== undefined) add((p) => `at < ${p}`, filter.until);
      const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 100), 1), AUDIT_QUERY_MAX_LIMIT);
      values.push(limit);
      const result = await query(
        pool,
        `SELECT id, seq, at, request_id, principal, tool, input_digest, input, outcome, duration_ms,
                cache_status, upstream_calls, kind
         FROM audit_events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY at DESC, seq DESC LIMIT $${values.length}`,
        values,
      );
      return parseRows(AuditRow, result.rows, 'audit_events');
    },
  };
}

function toColumns(events: readonly AuditEvent[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: 12 }, () => []);
  const [
    ids,
    ats,
    requestIds,
    principals,
    tools,
    digests,
    inputs,
    outcomes,
    durations,
    caches,
    upstreams,
    kinds,
  ] = columns;
  for (const event of events) {
    ids?.push(event.id ?? randomUUID());
    ats?.push(event.at);
    requestIds?.push(clean(event.requestId));
    principals?.push(clean(event.principal));
    tools?.push(clean(event.tool));
    digests?.push(clean(event.inputDigest));
    inputs?.push(inputJson(event.input));
    outcomes?.push(clean(event.outcome));
    durations?.push(event.durationMs);
    caches?.push(event.cacheStatus === null ? null : clean(event.cacheStatus));
    upstreams?.push(event.upstreamCalls);
    kinds?.push(event.kind ?? 'tool');
  }
  return columns;
}

/** The input as JSON text jsonb accepts; what cannot be serialized is replaced by a marker, not lost silently. */
export function inputJson(input: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch (err) {
    return JSON.stringify({ $unserializable: err instanceof Error ? err.message : String(err) });
  }
  // undefined (or a function) serializes to nothing: store JSON null rather than violate NOT NULL.
  if (json === undefined) return 'null';
  // jsonb refuses the escaped NUL, and a surrogate escape: JSON.stringify writes paired surrogates as
  // characters, so an escaped one is a lone surrogate (invalid text). An even run of backslashes
  // before either is escaped text, not an escape.
  return json.includes('\\u') ? json.replace(UNSTORABLE_ESCAPE, '$1\\ufffd') : json;
}

/** A `\u0000` or `\ud800`-`\udfff` escape, not itself escaped by a backslash. */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;

// PostgreSQL text cannot hold NUL or a lone surrogate; either would fail the whole batch on every retry.
function clean(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replaceAll(String.fromCharCode(0), '\uFFFD');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
