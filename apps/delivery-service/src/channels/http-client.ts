import { SsrfGuard } from '@postback/security';
import { Agent, Dispatcher } from 'undici';

export interface HttpClientOptions {
  ssrf: SsrfGuard;
  /** How much of a response body is kept (for the delivery log). */
  responseExcerptBytes: number;
  /** Quick in-process retries for failures to connect (the receiver surely saw nothing). */
  connectionRetries: number;
  /** Connections kept per destination (origin). */
  connectionsPerOrigin: number;
}

/** Where a request goes: the URL's origin and its path with the query (what undici's dispatcher takes). */
export interface HttpTarget {
  origin: string;
  path: string;
}

export function httpTarget(url: URL): HttpTarget {
  return { origin: url.origin, path: `${url.pathname}${url.search}` };
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  bodyExcerpt: string;
}

/** A request that got no answer: a stable code (TIMEOUT, ECONNREFUSED, DESTINATION_REFUSED, …) and the reason. */
export class HttpRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpRequestError';
  }
}

/** How much of a response body is read to keep the connection reusable; beyond it, the socket is dropped. */
const DRAIN_LIMIT = 64 * 1024;
const HEADERS_KEPT = 20;
const RETRIED_CONNECT_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN']);
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * The delivery service's HTTP client: undici's pooled dispatcher, kept to what a postback needs.
 * The SSRF guard is the connection's DNS lookup (the address connected to is the one checked),
 * redirects are never followed (undici's default), every request has the trigger's timeout, and a
 * response is read up to a cap. Why undici and not axios: measured in docs/performance.md (axios
 * costs 5× the CPU per request; axios over an undici adapter still 2.4×).
 */
export class HttpClient {
  private readonly dispatcher: Agent;

  constructor(private readonly options: HttpClientOptions) {
    this.dispatcher = new Agent({
      connections: options.connectionsPerOrigin,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connect: { lookup: options.ssrf.lookup },
    });
  }

  async send(target: HttpTarget, method: Dispatcher.HttpMethod, headers: Record<string, string>, body: string, timeoutMs: number): Promise<HttpAnswer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(target, method, headers, body, timeoutMs);
      } catch (e) {
        const failure = describe(e, timeoutMs);
        if (attempt >= this.options.connectionRetries || !RETRIED_CONNECT_ERRORS.has(failure.code)) throw failure;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  /**
   * One request through the dispatcher, with a handler of our own rather than `request()`: no
   * response stream and no async iterator per answer (measured in `npm run bench:http`: 23 µs of CPU
   * per request against 42). The body is kept up to the excerpt's size and drained up to
   * DRAIN_LIMIT so that the connection is reused; beyond that the request is aborted (the socket
   * is dropped). Once the status has arrived, an error in the body still answers with it.
   */
  private once(target: HttpTarget, method: Dispatcher.HttpMethod, headers: Record<string, string>, body: string, timeoutMs: number): Promise<HttpAnswer> {
    const limit = this.options.responseExcerptBytes;
    return new Promise<HttpAnswer>((resolve, reject) => {
      let status = 0;
      let answerHeaders: Record<string, string> = {};
      const chunks: Buffer[] = [];
      let kept = 0;
      let seen = 0;
      const answer = (): HttpAnswer => ({ status, headers: answerHeaders, bodyExcerpt: excerptOf(chunks) });
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: () => undefined,
        onResponseStart: (_controller, statusCode, responseHeaders) => {
          // 1xx (informational) answers come before the final one.
          if (statusCode < 200) return;
          status = statusCode;
          answerHeaders = keepHeaders(responseHeaders);
        },
        onResponseData: (controller, chunk) => {
          seen += chunk.length;
          if (kept < limit) {
            const part = chunk.subarray(0, limit - kept);
            chunks.push(part);
            kept += part.length;
          }
          if (seen > DRAIN_LIMIT) controller.abort(new Error('response body longer than the drain limit'));
        },
        onResponseEnd: () => resolve(answer()),
        onResponseError: (_controller, error) => (status ? resolve(answer()) : reject(error)),
      };
      try {
        this.dispatcher.dispatch(
          { origin: target.origin, path: target.path, method, headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
          handler,
        );
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }
}

function keepHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  let n = 0;
  for (const k in headers) {
    const v = headers[k];
    if (v === undefined) continue;
    out[k] = (Array.isArray(v) ? v.join(', ') : v).slice(0, 500);
    if (++n >= HEADERS_KEPT) break;
  }
  return out;
}

function excerptOf(chunks: Buffer[]): string {
  if (chunks.length === 0) return '';
  return chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

function describe(e: unknown, timeoutMs: number): HttpRequestError {
  const err = e as Error & { code?: string; cause?: { code?: string } };
  if (err?.name === 'DestinationRefusedError' || err?.code === 'DESTINATION_REFUSED') return new HttpRequestError('DESTINATION_REFUSED', err.message);
  const code = err?.code ?? err?.cause?.code;
  if (code && TIMEOUTS.has(code)) return new HttpRequestError('TIMEOUT', `no response within ${timeoutMs} ms`);
  if (code === 'UND_ERR_SOCKET' && err.cause?.code) return new HttpRequestError(err.cause.code, err.message);
  return new HttpRequestError(code ?? 'NETWORK_ERROR', err?.message ?? String(e));
}
