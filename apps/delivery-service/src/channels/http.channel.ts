import { DeliveryJob, TriggerSnapshot, WEBHOOK_HEADERS, writeTraceHeaders } from '@postback/contracts';
import { Context, endSpan, Span, SpanKind, spanTraceHeaders, startSpan } from '@postback/observability';
import { signatureHeader, SsrfGuard } from '@postback/security';
import { ChannelResult, classifyError, DeliveryChannel, elapsed, parseRetryAfter, Prepared, RequestSummary, SendRequest, Verdict } from './channel';
import { HttpClient, HttpRequestError, httpTarget, HttpTarget } from './http-client';

/** A trigger URL, parsed once: its host (the lanes' key) and where to send, or why it is refused. */
type Destination = { host: string; target: HttpTarget } | { host: string; refusal: string };

export interface HttpChannelOptions {
  ssrf: SsrfGuard;
  userAgent: string;
  responseExcerptBytes: number;
  /** Quick in-process retries for connection failures before the attempt counts as failed. */
  networkRetries: number;
  connectionsPerOrigin?: number;
}

/**
 * POSTs (or PUTs/PATCHes) the rendered payload, signed per Standard Webhooks, through the SSRF-
 * checked HTTP client. Its verdicts: 2xx delivered; 410 gone; 408, 429 and 5xx retryable (with
 * Retry-After); redirects (not followed) and other 4xx permanent. The request carries the W3C
 * `traceparent`: with tracing on, that of its HTTP client span (standard attributes, the URL without
 * its query or credentials); off, the job's own.
 */
export class HttpChannel implements DeliveryChannel {
  readonly name = 'http' as const;
  private readonly client: HttpClient;
  /** URL → its host, where to send, and the static SSRF verdict (scheme, credentials, literal addresses): parsed once per URL. */
  private readonly destinations = new Map<string, Destination>();

  constructor(private readonly options: HttpChannelOptions) {
    this.client = new HttpClient({
      ssrf: options.ssrf,
      responseExcerptBytes: options.responseExcerptBytes,
      connectionRetries: options.networkRetries,
      connectionsPerOrigin: options.connectionsPerOrigin ?? 256,
    });
  }

  hostOf(trigger: TriggerSnapshot): string {
    return this.destination(trigger.http?.url ?? '').host;
  }

  prepare(_job: DeliveryJob, _trigger: TriggerSnapshot): Promise<{ ok: true; prepared: Prepared }> {
    return Promise.resolve({ ok: true, prepared: {} });
  }

  async send(req: SendRequest): Promise<ChannelResult> {
    const httpConfig = req.trigger.http;
    const started = performance.now();
    const request: RequestSummary = { url: httpConfig?.url ?? '', method: httpConfig?.method ?? 'POST', bytes: Buffer.byteLength(req.body) };
    if (!httpConfig) return { kind: 'error', code: 'NO_URL', message: 'the trigger has no URL', durationMs: 0, request };
    const destination = this.destination(httpConfig.url);
    if ('refusal' in destination) return { kind: 'error', code: 'DESTINATION_REFUSED', message: destination.refusal, durationMs: 0, request };
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      ...httpConfig.headers,
      'content-type': req.contentType,
      'user-agent': this.options.userAgent,
      [WEBHOOK_HEADERS.id]: req.deliveryId,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: signatureHeader(req.secrets, req.deliveryId, timestamp, req.body),
      [WEBHOOK_HEADERS.eventType]: req.event.type,
      [WEBHOOK_HEADERS.attempt]: String(req.attempt),
    };
    if (req.test) headers[WEBHOOK_HEADERS.test] = 'true';
    const span = req.traceContext ? clientSpan(req.traceContext, req, httpConfig.url, httpConfig.method) : undefined;
    writeTraceHeaders(headers, span ? spanTraceHeaders(span) : req.trace);
    request.headers = headers;
    try {
      const answer = await this.client.send(destination.target, httpConfig.method, headers, req.body, httpConfig.timeoutMs);
      if (span) {
        span.setAttribute('http.response.status_code', answer.status);
        endSpan(span, answer.status >= 400 ? { code: String(answer.status) } : undefined);
      }
      return { kind: 'response', ...answer, durationMs: elapsed(started), request };
    } catch (e) {
      const failure = e instanceof HttpRequestError ? e : new HttpRequestError('NETWORK_ERROR', (e as Error).message);
      if (span) endSpan(span, { code: failure.code, message: failure.message });
      return { kind: 'error', code: failure.code, message: failure.message, durationMs: elapsed(started), request };
    }
  }

  classify(result: ChannelResult, now: number): Verdict {
    if (result.kind === 'error') return classifyError(result);
    const s = result.status;
    if (s >= 200 && s < 300) return { kind: 'delivered' };
    if (s === 410) return { kind: 'gone', reason: 'HTTP 410 Gone: the receiver retired this endpoint' };
    if (s === 408 || s === 429 || s >= 500) {
      const retryAfterMs = parseRetryAfter(result.headers['retry-after'], now);
      return { kind: 'retryable', reason: `HTTP ${s}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    if (s >= 300 && s < 400)
      return { kind: 'permanent', reason: `HTTP ${s}: redirects are not followed${result.headers.location ? ` (to ${result.headers.location})` : ''}` };
    return { kind: 'permanent', reason: `HTTP ${s}` };
  }

  errorCode(result: ChannelResult, verdict: Verdict): string {
    if (verdict.kind === 'gone') return 'GONE';
    return result.kind === 'error' ? result.code : `HTTP_${result.status}`;
  }

  close(): void {
    void this.client.close();
  }

  private destination(url: string): Destination {
    let d = this.destinations.get(url);
    if (d) return d;
    try {
      const parsed = this.options.ssrf.assertUrl(url);
      d = { host: parsed.host, target: httpTarget(parsed) };
    } catch (e) {
      let host = 'invalid';
      try {
        host = new URL(url).host;
      } catch {
        // not a URL at all
      }
      d = { host, refusal: (e as Error).message };
    }
    if (this.destinations.size >= 10_000) this.destinations.clear();
    this.destinations.set(url, d);
    return d;
  }
}

/** The HTTP client span of a send (semantic conventions for HTTP clients). */
function clientSpan(context: Context, req: SendRequest, url: string, method: string): Span {
  const u = new URL(url);
  return startSpan(method, SpanKind.CLIENT, context, {
    'http.request.method': method,
    'url.full': `${u.protocol}//${u.host}${u.pathname}`,
    'server.address': u.hostname,
    'server.port': Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
    'http.request.body.size': Buffer.byteLength(req.body),
    'postback.delivery_id': req.deliveryId,
    'postback.attempt': req.attempt,
  });
}
