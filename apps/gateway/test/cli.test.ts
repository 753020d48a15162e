import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

function tempFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
  const path = join(dir, 'switchboard.yaml');
  writeFileSync(path, text);
  return path;
}

describe('switchboard CLI', () => {
  it('config check accepts a valid file and reports what it mounts', () => {
    const path = tempFile(
      'connectors:\n  - package: odoo\n    config:\n      databaseUrl: ${ODOO_DATABASE_URL}\n',
    );
    const result = runCli(['config', 'check', path], { ODOO_DATABASE_URL: 'postgres://ro@db.internal/odoo' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/is valid: 1 connector instance\(s\), \d+ tools\./);
    expect(result.code).toBe(0);
  });

  it('config check names each bad field and exits non-zero', () => {
    const path = tempFile(
      'server:\n  port: http\nconnectors:\n  - package: odoo\n    namespace: erp\n    config:\n      databaseUrl: postgres://u:pw@h/db\n',
    );
    const result = runCli(['config', 'check', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path} is not valid:`);
    expect(result.stderr).toContain('server.port: Invalid input: expected number, received string');
    const secrets = runCli([
      'config',
      'check',
      tempFile('connectors:\n  - package: odoo\n    config:\n      databaseUrl: postgres://u:pw@h/db\n'),
    ]);
    expect(secrets.code).toBe(2);
    expect(secrets.stderr).toContain(
      'connectors[0].config.databaseUrl: is a secret and must come from the environment, e.g. databaseUrl: ${ODOO_DATABASE_URL}',
    );
    expect(secrets.stderr).not.toContain('pw@h');
  });

  it('config check reports a registry refusal (bad namespace) with its message', () => {
    const path = tempFile(
      'connectors:\n  - package: odoo\n    namespace: "erp.main"\n    config:\n      databaseUrl: ${U}\n',
    );
    const result = runCli(['config', 'check', path], { U: 'postgres://x@y/z' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Namespace "erp.main" (connector odoo) must match');
  });

  it('config check on a missing file says so', () => {
    const result = runCli(['config', 'check', '/nonexistent/switchboard.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '/nonexistent/switchboard.yaml is not valid:\n  - (root): file not found',
    );
  });

  it('serve without a configuration file explains the options', () => {
    const result = runCli(['serve'], { SWITCHBOARD_CONFIG: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No configuration file');
    expect(result.stderr).toContain('switchboard demo');
  });

  it('serve refuses a non-loopback address while authentication is not configured', () => {
    const path = tempFile('server:\n  host: 0.0.0.0\n');
    const result = runCli(['serve', '--config', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Refusing to listen on 0.0.0.0');
  });

  it('tools prints the namespaced catalogue with scopes and read/write access', () => {
    const result = runCli(['tools', '--demo']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SCOPES\s+ACCESS\s+TITLE$/);
    expect(result.stdout).toMatch(/^odoo__find_customers\s+erp:read\s+read\s+/m);
    expect(result.stdout).toMatch(/^resource\s+odoo:\/\/customers\/\{id\}\s+erp:read$/m);
    const json = runCli(['tools', '--demo', '--json']);
    const rows: unknown = JSON.parse(json.stdout);
    expect(rows).toEqual(
      expect.arrayContaining([
        { name: 'odoo__get_customer', scopes: 'erp:read', access: 'read', title: expect.any(String) },
      ]),
    );
  });

  it('an unknown command prints the usage and exits 2', () => {
    const result = runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "frobnicate"');
    expect(result.stderr).toContain('Usage: switchboard <command>');
  });
});

describe('switchboard keys, migrate and audit (embedded database)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-db-'));
  const env = { SWITCHBOARD_CONFIG: tempFile(`database:\n  dataDir: ${dataDir}\n`) };

  it('migrates, creates a key shown once, lists it without the secret, revokes it and queries the audit trail', () => {
    const migrated = runCli(['migrate'], env);
    expect(migrated.stderr).toBe('');
    expect(migrated.stdout).toContain('Applied: 0001_api_keys, 0002_audit_events');
    expect(runCli(['migrate'], env).stdout).toContain('The database is up to date.');

    const created = runCli(
      ['keys', 'create', '--name', 'sales-agent', '--scopes', 'crm:read,erp:read', '--expires', '30d'],
      env,
    );
    expect(created.code).toBe(0);
    const key = created.stdout.split('\n')[0] ?? '';
    expect(key).toMatch(/^sbk_[A-Za-z0-9]{12}_[A-Za-z0-9]{43}$/);
    expect(created.stdout).toContain('API key "sales-agent" with scopes crm:read,erp:read, expires ');
    expect(created.stdout).toContain('This is the only time the key is shown');

    const duplicate = runCli(['keys', 'create', '--name', 'sales-agent', '--scopes', 'crm:read'], env);
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('A key named "sales-agent" already exists');
    const badScopes = runCli(['keys', 'create', '--name', 'x', '--scopes', 'CRM READ'], env);
    expect(badScopes.code).toBe(2);
    expect(badScopes.stderr).toContain('Not a scope: CRM READ');

    const listed = runCli(['keys', 'list'], env);
    expect(listed.stdout).toMatch(/^NAME\s+KEY\s+SCOPES/);
    expect(listed.stdout).toContain('sales-agent');
    expect(listed.stdout).toContain(`${key.slice(0, 17)}…`);
    expect(listed.stdout).not.toContain(key.slice(18));

    expect(runCli(['keys', 'revoke', 'sales-agent'], env).stdout).toContain('Revoked sales-agent');
    expect(runCli(['keys', 'list'], env).stdout).not.toContain('sales-agent');
    expect(runCli(['keys', 'list', '--all'], env).stdout).toMatch(/sales-agent.*revoked/);
    expect(runCli(['keys', 'revoke', 'nobody'], env).stderr).toContain('No active key named "nobody"');

    expect(runCli(['audit', '--since', '1h'], env).stdout).toContain('No audit events match.');
    expect(runCli(['audit', '--since', 'yesterday'], env).stderr).toContain(
      '--since takes an ISO time or a duration',
    );
  }, 180_000);
});
