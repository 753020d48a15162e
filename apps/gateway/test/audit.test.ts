import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED, redactInput } from '../src/audit.js';
import type { FixtureClient } from './fixture-connector.js';
import { auditRows, type RunningGateway, startAuditedFixture } from './harness.js';
import { postRpc, toolCall } from './rpc.js';

/** `levels` arrays nested in one another, built without recursion. */
function nested(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i += 1) value = [value];
  return value;
}

describe('what an audit row keeps of an input', () => {
  it('replaces secrets, and text jsonb refuses (lone surrogates, NUL) by U+FFFD', () => {
    expect(redactInput({ apiKey: 'k', text: 'a\ud800b\u0000c', ok: '😀', 'bad\udc00key': 1 })).toEqual({
      apiKey: REDACTED,
      text: 'a\ufffdb\ufffdc',
      ok: '😀',
      'bad\ufffdkey': 1,
    });
  });

  it('cuts nesting at the depth limit instead of exhausting the stack', () => {
    const kept = redactInput({ deep: nested(100_000) }, { maxDepth: 4, maxBytes: 16_384 });
    expect(kept).toEqual({ deep: [[['[truncated: nested deeper than 4 levels]']]] });
  });

  it('replaces an input over the byte limit by a marker with its size', () => {
    expect(redactInput({ text: 'x'.repeat(100) }, { maxDepth: 32, maxBytes: 50 })).toEqual({
      '[truncated]': 'input of 111 bytes, over the audit limit of 50',
    });
  });
});

describe('the audit trail under hostile input', () => {
  let gateway: RunningGateway;
  let client: FixtureClient;

  beforeAll(async () => {
    ({ gateway, client } = await startAuditedFixture({ limit: 100, intervalMs: 3_600_000 }));
  });
  afterAll(async () => gateway.close());

  const rowsOf = (tool: string) => auditRows(gateway, tool, 10);

  it('records a call whose input holds a lone surrogate, and keeps recording the calls after it', async () => {
    const poisoned = await postRpc(
      gateway.url,
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"fixture__echo","arguments":{"text":"a\\ud800"}}}',
    );
    expect(poisoned.status).toBe(200);
    const after = await postRpc(gateway.url, toolCall(2, 'fixture__echo', { text: 'later' }));
    expect(after.status).toBe(200);
    const rows = await rowsOf('fixture__echo');
    expect(rows.map((row) => row.input)).toEqual(
      expect.arrayContaining([{ text: 'a\ufffd' }, { text: 'later' }]),
    );
    expect(gateway.runtime.audit?.stats()).toMatchObject({ buffered: 0, dropped: 0 });
  });

  it('refuses a write with thousands of nesting levels before it has any effect, and audits a deep but allowed one', async () => {
    const before = client.calls.length;
    const deep = `${'['.repeat(5_000)}1${']'.repeat(5_000)}`;
    const refused = await postRpc(
      gateway.url,
      `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"fixture__write_thing","arguments":{"value":"x","extra":${deep}}}}`,
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error: { code: -32600, message: expect.stringContaining('nests deeper than 64 levels') },
    });
    expect(client.calls.length).toBe(before);

    const allowed = `${'['.repeat(50)}1${']'.repeat(50)}`;
    const done = await postRpc(
      gateway.url,
      `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"fixture__write_thing","arguments":{"value":"x","extra":${allowed}}}}`,
    );
    expect(done.status).toBe(200);
    expect(await done.text()).not.toContain('"isError":true');
    expect(client.calls.length).toBe(before + 1);
    const [row] = await rowsOf('fixture__write_thing');
    expect(row).toMatchObject({ outcome: 'ok' });
    expect(JSON.stringify(row?.input)).toContain('[truncated: nested deeper than 32 levels]');
  });
});
