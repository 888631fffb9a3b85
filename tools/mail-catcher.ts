/**
 * A local SMTP catcher for the quick start: accepts every message on 127.0.0.1:1025 (no TLS, no
 * auth) and shows what arrived at http://127.0.0.1:1080 (GET /messages for JSON). Mailpit does the
 * same in docker-compose; it is not packaged for this machine.
 *
 *   MAIL_CATCHER_SMTP_PORT=1025 MAIL_CATCHER_HTTP_PORT=1080 ts-node tools/mail-catcher.ts
 */
import { createServer } from 'node:http';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

interface Caught {
  at: string;
  from: string;
  to: string;
  subject: string;
  messageId: string;
  deliveryId: string;
  text: string;
  attachments: Array<{ filename: string; contentType: string; content: string }>;
}

const smtpPort = Number(process.env.MAIL_CATCHER_SMTP_PORT ?? 1025);
const httpPort = Number(process.env.MAIL_CATCHER_HTTP_PORT ?? 1080);
const caught: Caught[] = [];
let total = 0;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  size: 25 * 1024 * 1024,
  logger: false,
  onData(stream, _session, callback) {
    simpleParser(stream)
      .then((mail) => {
        total++;
        const header = (name: string) => {
          const v = mail.headers.get(name);
          return typeof v === 'string' ? v : '';
        };
        const addresses = (v: typeof mail.to) => (Array.isArray(v) ? v.map((a) => a.text).join(', ') : (v?.text ?? ''));
        caught.unshift({
          at: new Date().toISOString(),
          from: mail.from?.text ?? '',
          to: addresses(mail.to),
          subject: mail.subject ?? '',
          messageId: mail.messageId ?? '',
          deliveryId: header('x-postback-delivery-id'),
          text: mail.text ?? '',
          attachments: mail.attachments.map((a) => ({
            filename: a.filename ?? '',
            contentType: a.contentType,
            content: a.content.toString('utf8').slice(0, 10_000),
          })),
        });
        caught.length = Math.min(caught.length, 100);
        console.log(`[mail-catcher] ${caught[0]?.at} to=${caught[0]?.to} subject=${JSON.stringify(caught[0]?.subject)}`);
        callback();
      })
      .catch((e: Error) => callback(e));
  },
});
smtp.listen(smtpPort, '127.0.0.1', () => console.log(`[mail-catcher] SMTP on 127.0.0.1:${smtpPort}`));

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
createServer((req, res) => {
  if (req.url === '/messages') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ total, last: caught }, null, 2));
    return;
  }
  const rows = caught
    .map(
      (m) =>
        `<tr><td>${m.at}</td><td>${esc(m.to)}</td><td>${esc(m.subject)}</td><td>${esc(m.deliveryId)}</td><td><pre>${esc(m.text)}</pre>${m.attachments.map((a) => `<details><summary>${esc(a.filename)}</summary><pre>${esc(a.content)}</pre></details>`).join('')}</td></tr>`,
    )
    .join('');
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html><meta http-equiv="refresh" content="5"><title>Mail catcher</title><h1>Emails received: ${total}</h1><table border="1" cellpadding="4"><tr><th>at</th><th>to</th><th>subject</th><th>delivery id</th><th>text and attachments</th></tr>${rows}</table>`,
  );
}).listen(httpPort, '127.0.0.1', () => console.log(`[mail-catcher] web page on http://127.0.0.1:${httpPort}`));
