import { createHash } from 'node:crypto';

/**
 * The schema's history, oldest first. Append only: an applied migration is checksummed, and
 * editing it later makes `migrate()` refuse to run (write a new migration instead). Each one runs in
 * its own transaction, so it must not use statements that refuse transactions (CREATE INDEX
 * CONCURRENTLY, VACUUM).
 */
export interface Migration {
  /** `NNNN_snake_case`; the order of application is the order of this list. */
  readonly id: string;
  readonly sql: string;
}

const apiKeys: Migration = {
  id: '0001_api_keys',
  sql: `
CREATE TABLE api_keys (
  id           uuid PRIMARY KEY,
  name         text NOT NULL CHECK (name <> ''),
  prefix       text NOT NULL CHECK (prefix <> ''),
  hash         text NOT NULL CHECK (hash ~ '^[0-9a-f]+$'),
  scopes       text[] NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz
);
-- Authentication looks keys up by their public prefix, revoked or not, so it is unique for ever.
CREATE UNIQUE INDEX api_keys_prefix_key ON api_keys (prefix);
-- A name may be reused once the key holding it is revoked.
CREATE UNIQUE INDEX api_keys_active_name_key ON api_keys (name) WHERE revoked_at IS NULL;
`,
};

const auditEvents: Migration = {
  id: '0002_audit_events',
  sql: `
CREATE TABLE audit_events (
  -- Chosen by the writer before the first attempt, so a retried batch cannot insert a row twice.
  id             uuid PRIMARY KEY,
  -- Write order: ties on "at" are broken by it, and it shows the order of arrival.
  seq            bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  at             timestamptz NOT NULL,
  request_id     text NOT NULL,
  principal      text NOT NULL,
  tool           text NOT NULL,
  input_digest   text NOT NULL,
  input          jsonb NOT NULL,
  outcome        text NOT NULL,
  duration_ms    double precision NOT NULL,
  cache_status   text,
  upstream_calls integer
);
CREATE INDEX audit_events_at_idx ON audit_events (at DESC, seq DESC);
CREATE INDEX audit_events_principal_at_idx ON audit_events (principal, at DESC, seq DESC);
CREATE INDEX audit_events_tool_at_idx ON audit_events (tool, at DESC, seq DESC);
`,
};

const auditKind: Migration = {
  id: '0003_audit_kind',
  sql: `
-- Resource reads are audited like tool calls; "tool" then holds the resource template's exposed name.
ALTER TABLE audit_events ADD COLUMN kind text NOT NULL DEFAULT 'tool' CHECK (kind IN ('tool', 'resource'));
`,
};

export const migrations: readonly Migration[] = [apiKeys, auditEvents, auditKind];

/** SHA-256 of the SQL with line endings normalized, so a checkout with CRLF does not look edited. */
export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql.replace(/\r\n/g, '\n').trim()).digest('hex');
}
