import { type Attributes, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';

/**
 * OpenTelemetry spans behind configuration (off by default). The gateway only uses the API: the
 * operator registers an SDK and exporter (e.g. `node --import @opentelemetry/auto-instrumentations-node/register`),
 * and without one every span is a no-op.
 */
export class Tracing {
  private readonly tracer: Tracer | undefined;

  constructor(enabled: boolean) {
    this.tracer = enabled ? trace.getTracer('switchboard') : undefined;
  }

  /** Runs `work` in a span named `name`; its outcome (ok or an error code) becomes an attribute. */
  async span<T>(
    name: string,
    attributes: Attributes,
    work: (span: Span | undefined) => Promise<T>,
    outcomeOf: (value: T) => string = () => 'ok',
  ): Promise<T> {
    const tracer = this.tracer;
    if (!tracer) return work(undefined);
    return tracer.startActiveSpan(name, { attributes }, async (span) => {
      try {
        const value = await work(span);
        const outcome = outcomeOf(value);
        span.setAttribute('switchboard.outcome', outcome);
        if (outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        return value;
      } catch (error) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.name : 'error',
        });
        throw error;
      } finally {
        span.end();
      }
    });
  }
}
