import {
  Attributes,
  Context,
  createTraceState,
  diag,
  DiagLogLevel,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  Tracer,
  TracerProvider,
} from '@opentelemetry/api';
import { formatTraceparent, parseTraceparent, TraceHeaders } from '@postback/contracts';
import type { Logger } from 'pino';

/**
 * Tracing with OpenTelemetry, configured here and only here. The rest of the code uses
 * `@opentelemetry/api` through the helpers below, and asks `tracingOn()` before doing any tracing
 * work: with tracing off (the default) no span is created, nothing of the SDK is loaded, and the
 * hot paths only pass the W3C `traceparent` header on.
 *
 * On when `OTEL_TRACES_EXPORTER` names `otlp` (or `console`), or when it is unset and an OTLP
 * endpoint is (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); off with
 * `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`. The SDK itself reads the other standard
 * variables: `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_SAMPLER` and
 * `OTEL_TRACES_SAMPLER_ARG` (default: parent-based, always on), `OTEL_EXPORTER_OTLP_*` (endpoint,
 * headers, timeout; OTLP over HTTP with JSON bodies), `OTEL_BSP_*` (the batch span processor).
 */

const INSTRUMENTATION = '@postback/platform';

let tracer: Tracer | undefined;
let shutdownProvider: (() => Promise<void>) | undefined;

/** Whether spans are made. Cheap: the hot paths ask it per record. */
export function tracingOn(): boolean {
  return tracer !== undefined;
}

/** The tracer, once tracing is on. */
export function activeTracer(): Tracer {
  if (!tracer) throw new Error('tracing is off');
  return tracer;
}

/**
 * Uses this provider for the platform's spans (and registers it as the global one). `startTracing`
 * calls it; tests call it with an SDK provider and an in-memory exporter.
 */
export function registerTracerProvider(provider: TracerProvider, shutdown?: () => Promise<void>): void {
  trace.setGlobalTracerProvider(provider);
  tracer = provider.getTracer(INSTRUMENTATION);
  shutdownProvider = shutdown;
}

/** Tracing off again (tests). */
export function unregisterTracerProvider(): void {
  tracer = undefined;
  shutdownProvider = undefined;
  trace.disable();
}

export interface TracingSettings {
  enabled: boolean;
  exporter?: 'otlp' | 'console';
}

/** What the environment asks for; throws on an exporter this build does not have. */
export function tracingSettings(env: Record<string, string | undefined> = process.env): TracingSettings {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return { enabled: false };
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  if (exporters.length === 0) {
    const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
    return endpoint ? { enabled: true, exporter: 'otlp' } : { enabled: false };
  }
  if (exporters.includes('none')) return { enabled: false };
  const unknown = exporters.filter((e) => e !== 'otlp' && e !== 'console');
  if (unknown.length > 0) throw new Error(`OTEL_TRACES_EXPORTER: ${unknown.join(', ')} is not supported (otlp, console or none)`);
  return { enabled: true, exporter: exporters.includes('otlp') ? 'otlp' : 'console' };
}

/**
 * Starts the SDK when the environment asks for it (see above), for `service` unless
 * OTEL_SERVICE_NAME names it otherwise. Returns whether tracing is on. The SDK is loaded only then.
 * `env` decides whether; the SDK reads its own settings from process.env. Its complaints (an
 * export that failed, a collector that does not answer) are logged as warnings; they never fail
 * the service.
 */
export async function startTracing(service: string, logger: Logger, env: Record<string, string | undefined> = process.env): Promise<boolean> {
  const settings = tracingSettings(env);
  if (!settings.enabled) return false;
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (protocol && protocol !== 'http/json' && protocol !== 'http/protobuf')
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL: ${protocol} is not supported (OTLP over HTTP)`);
  const [sdk, resources] = await Promise.all([import('@opentelemetry/sdk-trace-base'), import('@opentelemetry/resources')]);
  const exporter =
    settings.exporter === 'otlp' ? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter() : new sdk.ConsoleSpanExporter();
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': service }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  diag.setLogger(
    {
      error: (message, ...args) => logger.warn({ args }, `tracing: ${message}`),
      warn: (message, ...args) => logger.warn({ args }, `tracing: ${message}`),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    DiagLogLevel.WARN,
  );
  const provider = new sdk.BasicTracerProvider({ resource, spanProcessors: [new sdk.BatchSpanProcessor(exporter)] });
  registerTracerProvider(provider, () => provider.shutdown().catch((e: unknown) => logger.warn({ err: e }, 'tracing: the last spans could not be exported')));
  logger.info({ exporter: settings.exporter, endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT }, 'tracing on');
  return true;
}

/**
 * Exports what is left and stops the SDK (at shutdown); never throws, and gives up after `maxMs`
 * (a collector that does not answer must not eat the shutdown's time).
 */
export async function stopTracing(maxMs = 2000): Promise<void> {
  const shutdown = shutdownProvider;
  shutdownProvider = undefined;
  if (!shutdown) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([shutdown().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)))]);
  clearTimeout(timer);
}

/**
 * The context a span continues: the remote span of a `traceparent` (with its `tracestate`), or the
 * root context, which starts a new trace.
 */
export function remoteContext(headers: TraceHeaders | undefined): Context {
  const parent = parseTraceparent(headers?.traceparent);
  if (!parent) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: parent.traceId,
    spanId: parent.spanId,
    traceFlags: parent.flags & TraceFlags.SAMPLED,
    isRemote: true,
    ...(headers?.tracestate ? { traceState: createTraceState(headers.tracestate) } : {}),
  });
}

/** The context whose current span is `span`: what its children start in. */
export function spanContextOf(span: Span): Context {
  return trace.setSpan(ROOT_CONTEXT, span);
}

/** A span, child of the context's span (a new trace for the root context). */
export function startSpan(name: string, kind: SpanKind, parent: Context, attributes?: Attributes): Span {
  return activeTracer().startSpan(name, { kind, attributes }, parent);
}

/** The headers that make a span the parent of what is sent on. */
export function spanTraceHeaders(span: Span): TraceHeaders {
  const c = span.spanContext();
  const traceparent = formatTraceparent(c.traceId, c.spanId, c.traceFlags);
  const tracestate = c.traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** Ends a span, as failed when there is an error. */
export function endSpan(span: Span, error?: { code: string; message?: string }): void {
  if (error) {
    span.setAttribute('error.type', error.code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message ? `${error.code}: ${error.message}`.slice(0, 500) : error.code });
  }
  span.end();
}

export { SpanKind, trace };
export type { Context, Span };
