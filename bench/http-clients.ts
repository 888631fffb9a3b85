/**
 * `npm run bench:http`: the HTTP clients the delivery service could use, measured alike: each sends
 * the same signed JSON POST through an SSRF-checked connect (the guard's lookup), with a timeout,
 * no redirects followed and the response read up to a cap, to a receiver in another process.
 * Prints requests per second and CPU µs per request of this process, per client, as JSON.
 *
 *   BENCH_HTTP_REQUESTS=20000 BENCH_HTTP_CONCURRENCY=64 npm run bench:http
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { Readable } from 'node:stream';
import { SsrfGuard } from '@postback/security';
import axios, { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { Agent, Dispatcher, request } from 'undici';
import { HttpClient, httpTarget } from '../apps/delivery-service/src/channels/http-client';

const REQUESTS = Number(process.env.BENCH_HTTP_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_HTTP_CONCURRENCY ?? 64);
const EXCERPT = 2048;
const TIMEOUT_MS = 15_000;
const BODY = JSON.stringify({ event: 'order.shipped', order: { id: 'ord_1', reference: 'PO-1' }, items: [{ sku: 'A', qty: 2 }] });
const HEADERS = { 'content-type': 'application/json', 'webhook-id': 'msg_x', 'webhook-timestamp': '1', 'webhook-signature': 'v1,abc' };

type Send = (url: string) => Promise<{ status: number; excerpt: string }>;

async function readCapped(stream: AsyncIterable<Buffer>, destroy: () => void): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of stream) {
    if (kept < EXCERPT) {
      const part = chunk.subarray(0, EXCERPT - kept);
      chunks.push(part);
      kept += part.length;
    } else {
      destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function axiosHttp(ssrf: SsrfGuard): Send {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, lookup: ssrf.lookup });
  const client = axios.create({
    httpAgent: agent,
    maxRedirects: 0,
    responseType: 'stream',
    validateStatus: () => true,
    proxy: false,
    transformRequest: [(d: unknown) => d],
  });
  return async (url) => {
    const res = await client.request<Readable>({ url, method: 'POST', data: BODY, headers: HEADERS, timeout: TIMEOUT_MS });
    return { status: res.status, excerpt: await readCapped(res.data, () => res.data.destroy()) };
  };
}

/** An axios adapter that sends through undici: axios stays the API, undici does the I/O. */
function undiciAdapter(dispatcher: Dispatcher): AxiosAdapter {
  return async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    const res = await request(config.url as string, {
      method: (config.method ?? 'get').toUpperCase(),
      body: config.data as string,
      headers: config.headers.toJSON() as Record<string, string>,
      dispatcher,
      headersTimeout: config.timeout,
      bodyTimeout: config.timeout,
    });
    return { data: res.body, status: res.statusCode, statusText: '', headers: res.headers, config, request: undefined };
  };
}

function axiosUndici(ssrf: SsrfGuard): Send {
  const dispatcher = new Agent({ connections: 256, connect: { lookup: ssrf.lookup } });
  const client = axios.create({
    adapter: undiciAdapter(dispatcher),
    maxRedirects: 0,
    validateStatus: () => true,
    proxy: false,
    transformRequest: [(d: unknown) => d],
  });
  return async (url) => {
    const res = await client.request<Dispatcher.ResponseData['body']>({ url, method: 'POST', data: BODY, headers: HEADERS, timeout: TIMEOUT_MS });
    return { status: res.status, excerpt: await readCapped(res.data, () => res.data.destroy()) };
  };
}

function undiciDirect(ssrf: SsrfGuard): Send {
  const dispatcher = new Agent({ connections: 256, connect: { lookup: ssrf.lookup } });
  return async (url) => {
    const res = await request(url, { method: 'POST', body: BODY, headers: HEADERS, dispatcher, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
    return { status: res.statusCode, excerpt: await readCapped(res.body, () => res.body.destroy()) };
  };
}

/** The delivery service's own client (`channels/http-client.ts`): undici's dispatcher with a handler of its own. */
function deliveryClient(ssrf: SsrfGuard): Send {
  const client = new HttpClient({ ssrf, responseExcerptBytes: EXCERPT, connectionRetries: 0, connectionsPerOrigin: 256 });
  return async (url) => {
    const answer = await client.send(httpTarget(new URL(url)), 'POST', HEADERS, BODY, TIMEOUT_MS);
    return { status: answer.status, excerpt: answer.bodyExcerpt };
  };
}

async function run(name: string, send: Send, url: string): Promise<Record<string, number | string>> {
  const once = async (n: number) => {
    let i = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (i++ < n) {
          const r = await send(url);
          if (r.status !== 200) throw new Error(`${name}: status ${r.status}`);
        }
      }),
    );
  };
  await once(2000); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await once(REQUESTS);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { client: name, requestsPerSecond: Math.round(REQUESTS / seconds), cpuUsPerRequest: Math.round((cpu.user + cpu.system) / REQUESTS) };
}

async function main(): Promise<void> {
  // The receiver runs in its own process, so that this process's CPU is the client's alone.
  const receiver = fork(__filename, ['--receiver'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => receiver.once('message', (m) => resolve(Number(m))));
  const url = `http://127.0.0.1:${port}/hook`;
  const ssrf = new SsrfGuard({ allowList: ['127.0.0.1/32'] });
  const results = [];
  for (const [name, make] of [
    ['axios (node:http, keep-alive)', axiosHttp],
    ['axios with an undici adapter', axiosUndici],
    ['undici', undiciDirect],
    ["the delivery service's client (undici's dispatcher, own handler)", deliveryClient],
  ] as const) {
    results.push(await run(name, make(ssrf), url));
  }
  receiver.kill();
  const undiciCpu = Number(results[2].cpuUsPerRequest);
  console.log(
    JSON.stringify(
      {
        requests: REQUESTS,
        concurrency: CONCURRENCY,
        results: results.map((r) => ({ ...r, cpuVsUndici: Math.round((100 * Number(r.cpuUsPerRequest)) / undiciCpu) / 100 })),
      },
      null,
      2,
    ),
  );
}

if (process.argv.includes('--receiver')) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as { port: number }).port));
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
