import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditedFixture, type RunningGateway, sample, scrape, startGateway } from './harness.js';

describe('/metrics', () => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway(auditedFixture({ limit: 3, intervalMs: 60_000 }));
  });
  afterAll(async () => gateway.close());

  it('exposes every family in Prometheus text format, with values that move after calls', async () => {
    const response = await fetch(`${gateway.origin}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const before = await response.text();
    for (const family of [
      'switchboard_tool_calls_total',
      'switchboard_tool_call_duration_seconds',
      'switchboard_cache_requests_total',
      'switchboard_upstream_calls_total',
      'switchboard_upstream_rate_limited_total',
      'switchboard_upstream_quota_tokens_total',
      'switchboard_upstream_request_duration_seconds',
      'switchboard_requests_refused_total',
      'switchboard_audit_queue_depth',
      'switchboard_audit_written_total',
      'switchboard_audit_dropped_total',
      'switchboard_ready',
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(before, family).toContain(`# TYPE ${family} `);
    }
    expect(sample(before, 'switchboard_ready')).toBe(1);

    const client = await gateway.client();
    await client.callTool({ name: 'fixture__echo', arguments: { text: 'a' } });
    await client.callTool({ name: 'fixture__echo', arguments: { text: 'b' } });
    await client.callTool({ name: 'fixture__echo', arguments: { text: '' } }); // invalid input: no upstream
    await client.callTool({ name: 'fixture__fail', arguments: { how: 'tool_error' } }); // vendor rate limit
    await client.callTool({ name: 'fixture__echo', arguments: { text: 'c' } }); // over the quota of 3
    await fetch(gateway.url, { method: 'POST', headers: { origin: 'https://evil.example' }, body: '{}' });
    await gateway.runtime.audit?.flush(5_000);

    const after = await scrape(gateway);
    const echo = { tool: 'fixture__echo' };
    expect(sample(after, 'switchboard_tool_calls_total', { ...echo, outcome: 'ok' })).toBe(2);
    expect(sample(after, 'switchboard_tool_calls_total', { ...echo, outcome: 'invalid_input' })).toBe(1);
    expect(sample(after, 'switchboard_tool_calls_total', { ...echo, outcome: 'rate_limited' })).toBe(1);
    expect(sample(after, 'switchboard_tool_call_duration_seconds_count', echo)).toBe(4);
    expect(sample(after, 'switchboard_upstream_calls_total', { instance: 'fixture', outcome: 'ok' })).toBe(2);
    expect(
      sample(after, 'switchboard_upstream_calls_total', { instance: 'fixture', outcome: 'rate_limited' }),
    ).toBe(1);
    // One refusal by the vendor (the tool's ToolError) and one by the quota.
    expect(sample(after, 'switchboard_upstream_rate_limited_total', { instance: 'fixture' })).toBe(2);
    expect(sample(after, 'switchboard_requests_refused_total', { reason: 'origin' })).toBe(1);
    expect(sample(after, 'switchboard_audit_written_total')).toBe(5);
    expect(sample(after, 'switchboard_audit_queue_depth')).toBe(0);
    expect(sample(after, 'switchboard_audit_dropped_total')).toBe(0);
  });

  it('reports not ready once shutdown begins', async () => {
    gateway.lifecycle.shuttingDown = true;
    try {
      expect(sample(await scrape(gateway), 'switchboard_ready')).toBe(0);
    } finally {
      gateway.lifecycle.shuttingDown = false;
    }
  });
});
