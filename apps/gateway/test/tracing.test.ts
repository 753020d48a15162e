import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_CATALOGUE } from './fixture-connector.js';
import { configFor, startGateway } from './harness.js';

describe('OpenTelemetry tracing', () => {
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  afterAll(() => trace.disable());

  it('is off by default: no span is recorded', async () => {
    const gateway = await startGateway(
      configFor({ connectors: [{ package: 'fixture', config: { token: 't' } }] }, FIXTURE_CATALOGUE),
    );
    try {
      const client = await gateway.client();
      await client.callTool({ name: 'fixture__echo', arguments: { text: 'x' } });
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      await gateway.close();
    }
  });

  it('when enabled, records a span per tool call and per upstream call, with the request id and outcome', async () => {
    const gateway = await startGateway(
      configFor(
        { tracing: { enabled: true }, connectors: [{ package: 'fixture', config: { token: 't' } }] },
        FIXTURE_CATALOGUE,
      ),
    );
    try {
      const client = await gateway.client();
      await client.callTool({ name: 'fixture__echo', arguments: { text: 'x' } });
      await client.callTool({ name: 'fixture__fail', arguments: { how: 'not_found' } });
      const spans = exporter
        .getFinishedSpans()
        .map((span) => ({ name: span.name, attributes: span.attributes, status: span.status.code }));
      expect(spans).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'tool fixture__echo',
            attributes: expect.objectContaining({
              'switchboard.outcome': 'ok',
              'switchboard.request_id': expect.any(String),
            }),
          }),
          expect.objectContaining({
            name: 'upstream fixture echo',
            attributes: expect.objectContaining({ 'switchboard.instance': 'fixture' }),
          }),
          expect.objectContaining({
            name: 'tool fixture__fail',
            attributes: expect.objectContaining({ 'switchboard.outcome': 'not_found' }),
            status: 2,
          }),
        ]),
      );
      const echo = spans.find((span) => span.name === 'tool fixture__echo');
      const upstream = spans.find((span) => span.name === 'upstream fixture echo');
      expect(upstream?.attributes['switchboard.request_id']).toBe(echo?.attributes['switchboard.request_id']);
    } finally {
      await gateway.close();
    }
  });
});
