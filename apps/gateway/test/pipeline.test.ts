import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureClient } from './fixture-connector.js';
import { auditRows, delta, type RunningGateway, scrape, startAuditedFixture } from './harness.js';
import { postRpc, toolCall } from './rpc.js';

describe('one pipeline for tools and resource reads', () => {
  let gateway: RunningGateway;
  let client: FixtureClient;

  beforeAll(async () => {
    ({ gateway, client } = await startAuditedFixture({ limit: 10, intervalMs: 3_600_000 }));
  });
  afterAll(async () => gateway.close());

  /** Oldest first. */
  const rows = async (tool: string) => (await auditRows(gateway, tool)).reverse();

  it('charges one quota token per vendor request and audits the same count', async () => {
    const before = await scrape(gateway);
    const sent = client.calls.length;
    const mcp = await gateway.client();
    const result = await mcp.callTool({ name: 'fixture__fan', arguments: { requests: 4 } });
    expect(result.structuredContent).toEqual({ made: 4 });
    const after = await scrape(gateway);

    const requests = client.calls.length - sent;
    const tokens = delta(before, after, 'switchboard_upstream_quota_tokens_total', { instance: 'fixture' });
    const metered = delta(before, after, 'switchboard_upstream_calls_total', {
      instance: 'fixture',
      outcome: 'ok',
    });
    const [row] = await rows('fixture__fan');
    expect(requests).toBe(4);
    expect(tokens).toBe(requests);
    expect(metered).toBe(requests);
    expect(row).toMatchObject({ kind: 'tool', outcome: 'ok', upstreamCalls: requests });
  });

  it('audits a resource read, moves the call metrics, and refuses it by quota without calling the vendor', async () => {
    const mcp = await gateway.client();
    const before = await scrape(gateway);

    const read = await mcp.readResource({ uri: 'fixture://things/7' });
    expect(read.contents[0]).toMatchObject({ uri: 'fixture://things/7', mimeType: 'application/json' });
    // Resource not found is -32602 with data.uri (MCP 2026-07-28; the SDK sends it in every era).
    await expect(mcp.readResource({ uri: 'fixture://things/404' })).rejects.toMatchObject({
      code: -32602,
      data: { uri: 'fixture://things/404' },
    });

    // Use up what is left of the quota (10 per hour, 4 taken by the test above, 2 by these reads).
    await mcp.callTool({ name: 'fixture__fan', arguments: { requests: 4 } });
    const sent = client.calls.length;
    const refused = await mcp.readResource({ uri: 'fixture://things/8' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(McpError);
    expect(refused).toMatchObject({
      code: ErrorCode.InternalError,
      data: { code: 'rate_limited', retryable: true },
    });
    expect(String(refused)).toContain('Fixture (fixture) is at its request quota');
    expect(client.calls.length).toBe(sent);

    const after = await scrape(gateway);
    const thing = { tool: 'fixture__thing' };
    for (const outcome of ['ok', 'not_found', 'rate_limited']) {
      expect(delta(before, after, 'switchboard_tool_calls_total', { ...thing, outcome }), outcome).toBe(1);
    }
    expect(delta(before, after, 'switchboard_tool_call_duration_seconds_count', thing)).toBe(3);

    const audited = await rows('fixture__thing');
    expect(audited.map((row) => [row.kind, row.outcome, row.upstreamCalls, row.input])).toEqual([
      ['resource', 'ok', 1, { uri: 'fixture://things/7' }],
      ['resource', 'not_found', 1, { uri: 'fixture://things/404' }],
      ['resource', 'rate_limited', 0, { uri: 'fixture://things/8' }],
    ]);
  });
});

describe('cancellation', () => {
  let gateway: RunningGateway;
  let client: FixtureClient;

  beforeAll(async () => {
    ({ gateway, client } = await startAuditedFixture({ limit: 100, intervalMs: 3_600_000 }));
  });
  afterAll(async () => gateway.close());

  const lastRow = async (tool: string) => (await auditRows(gateway, tool, 1))[0];

  it('stops the vendor request when the client cancels the call, and audits it as cancelled', async () => {
    const mcp = await gateway.client();
    const controller = new AbortController();
    const pending = mcp.callTool({ name: 'fixture__wait', arguments: {} }, undefined, {
      signal: controller.signal,
    });
    await expect.poll(() => client.calls.filter((call) => call === 'wait:started').length).toBe(1);
    controller.abort('the user pressed stop');
    await expect(pending).rejects.toThrow();
    await expect.poll(() => client.calls.filter((call) => call === 'wait:aborted').length).toBe(1);
    await expect.poll(async () => (await lastRow('fixture__wait'))?.outcome).toBe('cancelled');
    expect(gateway.runtime.inFlight.size).toBe(0);
  });

  it('stops the vendor request when the client goes away mid-call', async () => {
    const before = client.calls.filter((call) => call === 'wait:aborted').length;
    const controller = new AbortController();
    // The answer is a stream whose headers come at once; the body never comes, and the client leaves.
    const response = await postRpc(gateway.url, toolCall(5, 'fixture__wait', {}), {}, controller.signal);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    await expect.poll(() => client.calls.filter((call) => call === 'wait:started').length).toBe(before + 1);
    controller.abort();
    await expect.poll(() => client.calls.filter((call) => call === 'wait:aborted').length).toBe(before + 1);
    await expect.poll(async () => (await lastRow('fixture__wait'))?.outcome).toBe('cancelled');
  });

  it("does not cancel another principal's call with the same id", () => {
    const mine = gateway.runtime.inFlight.begin('key:a', 7);
    expect(gateway.runtime.inFlight.cancel('key:b', 7, undefined)).toBe(false);
    expect(mine.signal.aborted).toBe(false);
    expect(gateway.runtime.inFlight.cancel('key:a', '7', undefined)).toBe(false);
    expect(gateway.runtime.inFlight.cancel('key:a', 7, 'stop')).toBe(true);
    expect(mine.signal.aborted).toBe(true);
    mine.end();
    expect(gateway.runtime.inFlight.size).toBe(0);
  });
});
