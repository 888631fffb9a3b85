import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SsrfGuard } from '@postback/security';
import { HttpClient, HttpRequestError, httpTarget } from './http-client';

const at = (url: string) => httpTarget(new URL(url));

/** The delivery service's HTTP client against a real HTTP server on loopback (allow-listed). */
describe('HttpClient', () => {
  let server: http.Server;
  let base: string;
  let route: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  const sockets = new Set<Socket>();
  let connections = 0;
  let client: HttpClient;

  const make = (options: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
    new HttpClient({
      ssrf: new SsrfGuard({ allowList: ['127.0.0.1/32'] }),
      responseExcerptBytes: 16,
      connectionRetries: 0,
      connectionsPerOrigin: 4,
      ...options,
    });

  beforeAll(async () => {
    server = http.createServer((req, res) => route(req, res));
    // Advertised to the client (Keep-Alive: timeout=60): an idle connection stays open for the
    // client's own 10 s, longer than a test, unless the client drops it.
    server.keepAliveTimeout = 60_000;
    server.on('connection', (s: Socket) => {
      connections++;
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    connections = 0;
    client = make();
  });

  afterEach(async () => {
    await client.close();
    for (const s of sockets) s.destroy();
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  const readBody = (req: http.IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (text += c));
      req.on('end', () => resolve(text));
    });

  it('sends the method, headers and body, and answers with the status, the headers and the excerpt', async () => {
    let seen: { method?: string; url?: string; signature?: string; body?: string } = {};
    route = (req, res) => {
      void readBody(req).then((body) => {
        seen = { method: req.method, url: req.url, signature: req.headers['webhook-signature'] as string, body };
        res.writeHead(201, { 'X-Receipt': 'r-1', 'Set-Cookie': ['a=1', 'b=2'] });
        res.end('{"accepted":true,"id":"0123456789"}');
      });
    };
    const answer = await client.send(
      at(`${base}/hooks/orders?tenant=7`),
      'PUT',
      { 'content-type': 'application/json', 'webhook-signature': 'v1,abc' },
      '{"n":1}',
      5000,
    );
    expect(seen).toEqual({ method: 'PUT', url: '/hooks/orders?tenant=7', signature: 'v1,abc', body: '{"n":1}' });
    expect(answer.status).toBe(201);
    expect(answer.headers['x-receipt']).toBe('r-1');
    expect(answer.headers['set-cookie']).toBe('a=1, b=2');
    // Kept up to responseExcerptBytes.
    expect(answer.bodyExcerpt).toBe('{"accepted":true');
  });

  it('keeps at most 20 response headers, each cut at 500 characters', async () => {
    route = (_req, res) => {
      const headers: Record<string, string> = {};
      for (let i = 0; i < 24; i++) headers[`x-h${i}`] = 'v'.repeat(520);
      res.writeHead(200, headers);
      res.end();
    };
    const answer = await client.send(at(`${base}/`), 'POST', {}, '', 5000);
    expect(Object.keys(answer.headers)).toHaveLength(20);
    expect(answer.headers['x-h0']).toHaveLength(500);
    expect(answer.bodyExcerpt).toBe('');
  });

  it('drains a body below the drain limit and reuses the connection', async () => {
    route = (_req, res) => res.end('x'.repeat(40_000));
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await client.send(at(`${base}/${i}`), 'POST', {}, 'a', 5000));
    expect(answers.every((a) => a.status === 200 && a.bodyExcerpt === 'x'.repeat(16))).toBe(true);
    // undici's pool may open a second connection while the first is being released; not one per request.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('drops the connection of a body beyond the drain limit, and still answers with its status', async () => {
    let socket: Socket | undefined;
    route = (req, res) => {
      socket = req.socket;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('e'.repeat(1024 * 1024));
    };
    const answer = await client.send(at(`${base}/big`), 'POST', {}, '', 5000);
    expect(answer.status).toBe(502);
    expect(answer.bodyExcerpt).toBe('e'.repeat(16));
    // The client closed it (a kept-alive connection would stay open for 10 s, beyond this test's time).
    // (The server's side of it sees a reset.)
    if (!socket?.destroyed) await new Promise((resolve) => (socket as Socket).once('close', resolve));
    route = (_req, res) => res.end('ok');
    expect((await client.send(at(`${base}/after`), 'POST', {}, '', 5000)).status).toBe(200);
  });

  it('answers with the final status after an informational (1xx) one', async () => {
    route = (_req, res) => {
      res.writeProcessing();
      res.writeHead(202);
      res.end('accepted');
    };
    const answer = await client.send(at(`${base}/slow-start`), 'POST', {}, '', 5000);
    expect(answer).toMatchObject({ status: 202, bodyExcerpt: 'accepted' });
  });

  it('fails with the reason when undici refuses the request itself (a header value with a line break)', async () => {
    route = (_req, res) => res.end('should not be reached');
    const error = await client.send(at(`${base}/`), 'POST', { 'x-bad': 'a\r\nb' }, '', 5000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRequestError);
    expect((error as HttpRequestError).message).toMatch(/header/i);
    expect(connections).toBe(0);
  });

  it('does not follow a redirect', async () => {
    const paths: string[] = [];
    route = (req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(302, { location: '/elsewhere' });
      res.end();
    };
    const answer = await client.send(at(`${base}/start`), 'POST', {}, '', 5000);
    expect(answer.status).toBe(302);
    expect(answer.headers.location).toBe('/elsewhere');
    expect(paths).toEqual(['/start']);
  });

  it('fails with TIMEOUT when no status arrives in time', async () => {
    route = () => undefined; // never answers
    await expect(client.send(at(`${base}/slow`), 'POST', {}, '', 300)).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('answers with the status when the body stalls after it', async () => {
    route = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial-body-that-then-stalls');
    };
    const answer = await client.send(at(`${base}/stall`), 'POST', {}, '', 300);
    expect(answer.status).toBe(200);
    expect(answer.bodyExcerpt).toBe('partial-body-tha');
  });

  it('refuses a name that resolves to a private address not allow-listed, before connecting', async () => {
    // A literal address never reaches the lookup (the HTTP channel refuses those before sending);
    // a name does: localhost resolves to loopback, refused without an allow-list entry.
    const strict = make({ ssrf: new SsrfGuard({ allowList: [] }) });
    route = (_req, res) => res.end('should not be reached');
    const error = await strict.send(at(`${base.replace('127.0.0.1', 'localhost')}/`), 'POST', {}, '', 5000).catch((e: unknown) => e);
    await strict.close();
    expect(error).toBeInstanceOf(HttpRequestError);
    expect((error as HttpRequestError).code).toBe('DESTINATION_REFUSED');
    expect(connections).toBe(0);
  });

  it('retries a refused connection as configured, then fails with its code', async () => {
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const retrying = make({ connectionRetries: 1 });
    const started = Date.now();
    const error = await retrying.send(at(`http://127.0.0.1:${port}/`), 'POST', {}, '', 2000).catch((e: unknown) => e);
    await retrying.close();
    expect((error as HttpRequestError).code).toBe('ECONNREFUSED');
    // One retry after 100 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });
});
