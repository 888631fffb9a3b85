import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanKind, trace } from '@opentelemetry/api';
import pino from 'pino';
import {
  endSpan,
  registerTracerProvider,
  remoteContext,
  spanContextOf,
  spanTraceHeaders,
  startSpan,
  startTracing,
  stopTracing,
  tracingOn,
  tracingSettings,
  unregisterTracerProvider,
} from './tracing';

const PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('tracing settings from the OTEL_* variables', () => {
  it('is off by default, and with OTEL_SDK_DISABLED or the exporter none', () => {
    expect(tracingSettings({})).toEqual({ enabled: false });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_SDK_DISABLED: 'true' })).toEqual({ enabled: false });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_TRACES_EXPORTER: 'none' })).toEqual({ enabled: false });
  });

  it('is on with the otlp or console exporter, or with only an endpoint', () => {
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'otlp' })).toEqual({ enabled: true, exporter: 'otlp' });
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: 'console' })).toEqual({ enabled: true, exporter: 'console' });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' })).toEqual({ enabled: true, exporter: 'otlp' });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/v1/traces' })).toEqual({ enabled: true, exporter: 'otlp' });
  });

  it('refuses an exporter it does not have', () => {
    expect(() => tracingSettings({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/zipkin is not supported/);
  });

  it('starts nothing when off', async () => {
    expect(await startTracing('router-service', pino({ level: 'silent' }), {})).toBe(false);
    expect(tracingOn()).toBe(false);
  });

  it('starts the SDK when asked, and stops it', async () => {
    try {
      expect(
        await startTracing('router-service', pino({ level: 'silent' }), { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }),
      ).toBe(true);
      expect(tracingOn()).toBe(true);
      await stopTracing();
    } finally {
      unregisterTracerProvider();
    }
    expect(tracingOn()).toBe(false);
  });

  it('stops within its bound and never throws, whatever the exporter does', async () => {
    for (const shutdown of [() => new Promise<void>(() => undefined), () => Promise.reject(new Error('collector down'))]) {
      registerTracerProvider(new BasicTracerProvider(), shutdown);
      const started = Date.now();
      await expect(stopTracing(100)).resolves.toBeUndefined();
      expect(Date.now() - started).toBeLessThan(1000);
      unregisterTracerProvider();
    }
  });
});

describe('spans and trace headers', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => registerTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })));
  afterAll(() => unregisterTracerProvider());
  beforeEach(() => exporter.reset());

  it('continues the trace of a traceparent, keeps its tracestate, and hands on its own span id', () => {
    const span = startSpan('postback.route', SpanKind.CONSUMER, remoteContext({ traceparent: PARENT, tracestate: 'vendor=abc' }));
    const headers = spanTraceHeaders(span);
    endSpan(span);
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(finished?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(headers).toEqual({ traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${finished?.spanContext().spanId}-01`, tracestate: 'vendor=abc' });
  });

  it('starts a new trace without a (valid) traceparent', () => {
    for (const headers of [undefined, {}, { traceparent: 'nonsense' }]) {
      const span = startSpan('postback.route', SpanKind.CONSUMER, remoteContext(headers));
      expect(trace.getSpanContext(remoteContext(headers))).toBeUndefined();
      endSpan(span);
    }
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(3);
    expect(spans.every((s) => s.parentSpanContext === undefined)).toBe(true);
  });

  it('makes children in a span context, and marks failures', () => {
    const parent = startSpan('postback.deliver', SpanKind.CONSUMER, remoteContext({ traceparent: PARENT }));
    const child = startSpan('POST', SpanKind.CLIENT, spanContextOf(parent));
    endSpan(child, { code: '503' });
    endSpan(parent);
    const [c, p] = exporter.getFinishedSpans();
    expect(c?.parentSpanContext?.spanId).toBe(p?.spanContext().spanId);
    expect(c?.status.code).toBe(2);
    expect(c?.attributes['error.type']).toBe('503');
    expect(p?.status.code).toBe(0);
  });
});
