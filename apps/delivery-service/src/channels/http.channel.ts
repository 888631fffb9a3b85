import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { WEBHOOK_HEADERS } from '@postback/contracts';
import { signatureHeader, SsrfGuard } from '@postback/security';
import axios, { AxiosError, AxiosInstance } from 'axios';
import axiosRetry, { isNetworkError } from 'axios-retry';
import { ChannelRequest, ChannelResult, DeliveryChannel, RequestSummary } from './channel';

export interface HttpChannelOptions {
  ssrf: SsrfGuard;
  userAgent: string;
  responseExcerptBytes: number;
  /** Quick in-process retries for connection failures before the attempt counts as failed. */
  networkRetries: number;
}

/** How much of a response body is read to keep the connection reusable; beyond it, the socket is dropped. */
const DRAIN_LIMIT = 64 * 1024;
const HEADERS_KEPT = 20;

/**
 * POSTs (or PUTs/PATCHes) the rendered payload, signed per Standard Webhooks. Keep-alive agents,
 * a per-trigger timeout, redirects not followed, and the SSRF guard in the agents' DNS lookup so
 * the address actually connected to is the one checked.
 */
export class HttpChannel implements DeliveryChannel {
  readonly name = 'http' as const;
  private readonly client: AxiosInstance;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(private readonly options: HttpChannelOptions) {
    const agentOptions = {
      keepAlive: true,
      keepAliveMsecs: 10_000,
      maxSockets: 256,
      maxFreeSockets: 64,
      scheduling: 'lifo' as const,
      lookup: options.ssrf.lookup,
    };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
    this.client = axios.create({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      maxRedirects: 0,
      responseType: 'stream',
      validateStatus: () => true,
      decompress: true,
      proxy: false,
      transformRequest: [(data: unknown) => data],
    });
    axiosRetry(this.client, {
      retries: options.networkRetries,
      retryDelay: (n) => 100 * 2 ** (n - 1),
      shouldResetTimeout: true,
      // Only failures to connect: the receiver surely saw nothing. Timeouts and refusals by the SSRF guard are not retried here.
      retryCondition: (e) => isNetworkError(e) && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN'].includes(e.code ?? ''),
    });
  }

  async send(req: ChannelRequest): Promise<ChannelResult> {
    const httpConfig = req.trigger.http;
    const started = performance.now();
    const request: RequestSummary = { url: httpConfig?.url ?? '', method: httpConfig?.method ?? 'POST', bytes: Buffer.byteLength(req.body) };
    if (!httpConfig) return { kind: 'error', code: 'NO_URL', message: 'the trigger has no URL', durationMs: 0, request };
    try {
      this.options.ssrf.assertUrl(httpConfig.url);
    } catch (e) {
      return { kind: 'error', code: 'DESTINATION_REFUSED', message: (e as Error).message, durationMs: 0, request };
    }
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
    request.headers = headers;
    const timeoutMs = req.timeoutMs ?? httpConfig.timeoutMs;
    try {
      const res = await this.client.request<Readable>({
        url: httpConfig.url,
        method: httpConfig.method,
        data: req.body,
        headers,
        timeout: timeoutMs,
      });
      const bodyExcerpt = await readExcerpt(res.data, this.options.responseExcerptBytes, started + timeoutMs);
      return {
        kind: 'response',
        status: res.status,
        headers: keepHeaders(res.headers),
        bodyExcerpt,
        durationMs: elapsed(started),
        request,
      };
    } catch (e) {
      const { code, message } = describeError(e, timeoutMs);
      return { kind: 'error', code, message, durationMs: elapsed(started), request };
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function keepHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers).slice(0, HEADERS_KEPT)) {
    if (v !== undefined && v !== null) out[k] = (Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 500);
  }
  return out;
}

/** Reads the first `limit` bytes as text; drains a little more so the socket can be reused. */
async function readExcerpt(stream: Readable, limit: number, deadline: number): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let seen = 0;
  const timer = setTimeout(() => stream.destroy(), Math.max(0, deadline - performance.now()));
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      seen += buf.length;
      if (kept < limit) {
        const part = buf.subarray(0, limit - kept);
        chunks.push(part);
        kept += part.length;
      }
      if (seen > DRAIN_LIMIT) {
        stream.destroy();
        break;
      }
    }
  } catch {
    // A body cut short still leaves the status, which decides the outcome.
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeError(e: unknown, timeoutMs: number): { code: string; message: string } {
  if (e instanceof AxiosError) {
    const cause = e.cause;
    if (cause?.name === 'DestinationRefusedError' || (e as { code?: string }).code === 'DESTINATION_REFUSED') {
      return { code: 'DESTINATION_REFUSED', message: cause?.message ?? e.message };
    }
    if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT') return { code: 'TIMEOUT', message: `no response within ${timeoutMs} ms` };
    return { code: e.code ?? 'NETWORK_ERROR', message: e.message };
  }
  const err = e as Error & { code?: string };
  if (err?.name === 'DestinationRefusedError') return { code: 'DESTINATION_REFUSED', message: err.message };
  return { code: err?.code ?? 'NETWORK_ERROR', message: err?.message ?? String(e) };
}
