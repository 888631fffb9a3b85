/**
 * A local postback receiver for the quick start: accepts any POST/PUT/PATCH, checks the Standard
 * Webhooks signature with the secret(s) it was given (valid, invalid, or unchecked when it has
 * none), prints one line per postback and lists the last ones at GET /postbacks (JSON) and GET /.
 *
 *   DEMO_RECEIVER_PORT=4000 DEMO_SIGNING_SECRETS=whsec_...[,whsec_...] ts-node tools/demo-receiver.ts
 */
import { createServer, IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { verifySignature } from '@postback/security';

interface Received {
  at: string;
  method: string;
  path: string;
  webhookId: string;
  eventType: string;
  attempt: string;
  test: boolean;
  signature: 'valid' | 'invalid' | 'unchecked';
  body: unknown;
}

const port = Number(process.env.DEMO_RECEIVER_PORT ?? 4000);
const secretsFile = process.env.DEMO_SIGNING_SECRETS_FILE;
const received: Received[] = [];
let total = 0;

function secrets(): string[] {
  const inline = (process.env.DEMO_SIGNING_SECRETS ?? '').split(',');
  const fromFile = secretsFile ? safeRead(secretsFile).split(/\s+/) : [];
  return [...inline, ...fromFile].map((s) => s.trim()).filter((s) => s.startsWith('whsec_'));
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const server = createServer((req, res) => {
  void (async () => {
    if (req.method === 'GET' && req.url === '/postbacks') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ total, last: received }, null, 2));
      return;
    }
    if (req.method === 'GET' && (req.url === '/' || req.url === '')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      const rows = received
        .map(
          (r) =>
            `<tr><td>${r.at}</td><td>${esc(r.eventType)}</td><td>${esc(r.webhookId)}</td><td>${r.signature}</td><td><pre>${esc(JSON.stringify(r.body, null, 2))}</pre></td></tr>`,
        )
        .join('');
      res.end(
        `<!doctype html><meta http-equiv="refresh" content="3"><title>Demo receiver</title><h1>Postbacks received: ${total}</h1><table border="1" cellpadding="4"><tr><th>at</th><th>event</th><th>webhook-id</th><th>signature</th><th>body</th></tr>${rows}</table>`,
      );
      return;
    }
    if (!['POST', 'PUT', 'PATCH'].includes(req.method ?? '')) {
      res.writeHead(405).end();
      return;
    }
    const raw = await readBody(req);
    const h = (name: string) => String(req.headers[name] ?? '');
    const known = secrets();
    const signature =
      known.length === 0
        ? 'unchecked'
        : known.some((s) => verifySignature(s, { id: h('webhook-id'), timestamp: h('webhook-timestamp'), signature: h('webhook-signature') }, raw))
          ? 'valid'
          : 'invalid';
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // kept as text
    }
    total++;
    const entry: Received = {
      at: new Date().toISOString(),
      method: req.method ?? '',
      path: req.url ?? '',
      webhookId: h('webhook-id'),
      eventType: h('x-postback-event-type'),
      attempt: h('x-postback-attempt'),
      test: h('x-postback-test') === 'true',
      signature,
      body,
    };
    received.unshift(entry);
    received.length = Math.min(received.length, 50);
    console.log(`[demo-receiver] ${entry.at} ${entry.eventType} ${entry.webhookId} signature=${signature} ${raw.length} bytes`);
    // A demo accepts everything and shows the check; a real receiver answers 401 to a bad signature.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ received: true, signature }));
  })();
});

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

server.listen(port, '127.0.0.1', () => console.log(`[demo-receiver] listening on http://127.0.0.1:${port}`));
