import { DeliveryJob, TriggerSnapshot, WEBHOOK_HEADERS, writeTraceHeaders } from '@postback/contracts';
import { endSpan, SpanKind, spanTraceHeaders, startSpan } from '@postback/observability';
import { TemplateError, TemplateRenderer } from '@postback/templating';
import type { SmtpSettings } from '@postback/runtime';
import nodemailer, { Transporter } from 'nodemailer';
import { eventInput } from '../deliveries/job-decoder';
import { ChannelResult, classifyError, DeliveryChannel, elapsed, Prepared, RequestSummary, SendRequest, Verdict } from './channel';

// Control characters other than tab: a subject with CR or LF could otherwise start a new header.
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]+/g;
const ADDRESS = /^[^\s<>()[\]\\,;:"@]+@[^\s<>()[\]\\,;:"@]+$/;

/**
 * Email delivery with nodemailer over SMTP (pooled connections). A JSON, XML or form template becomes
 * a readable message (text and HTML parts) with the exact rendered payload attached (`.json`,
 * `.xml`, or `.txt` for a form, with the payload's content type); an HTML or text template is the
 * body itself. The delivery id is in the Message-ID (the same for every attempt, so
 * mail clients can drop duplicates) and in `X-Postback-Delivery-Id`. The subject is the trigger's
 * template, rendered in the sandbox before sending; it comes from event data, so control characters
 * are replaced and nothing can add a header or a recipient. SMTP replies: 2xx delivered, 4xx
 * (421, 450, 451, 452) retryable, 5xx (550, 552, 554) permanent; connection errors retryable.
 * The message has a `traceparent` header: with tracing on, that of its `postback.email` span;
 * off, the job's own.
 */
export class EmailChannel implements DeliveryChannel {
  readonly name = 'email' as const;
  private readonly transport: Transporter;
  private readonly domain: string;

  constructor(
    private readonly settings: SmtpSettings,
    private readonly renderer: TemplateRenderer,
  ) {
    this.transport = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      requireTLS: settings.requireTls,
      auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
      pool: settings.pool,
      maxConnections: settings.maxConnections,
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
    } as nodemailer.TransportOptions);
    this.domain = /@([^>\s]+)>?\s*$/.exec(settings.from)?.[1] ?? 'postback.local';
  }

  hostOf(): string {
    return 'smtp';
  }

  /** The subject, from the trigger's subject template (plain text), rendered like the body. */
  async prepare(
    job: DeliveryJob,
    trigger: TriggerSnapshot,
  ): Promise<{ ok: true; prepared: Prepared } | { ok: false; error: { code: string; message: string } }> {
    if (!trigger.email) return { ok: true, prepared: {} };
    try {
      const rendered = await this.renderer.render({ body: trigger.email.subject, format: 'text' }, eventInput(job), {
        deliveryId: job.deliveryId,
        attempt: job.attempt,
        test: job.test,
      });
      return { ok: true, prepared: { subject: rendered.output } };
    } catch (e) {
      const err = e instanceof TemplateError ? e : new TemplateError('TEMPLATE_RUNTIME', (e as Error).message);
      return { ok: false, error: { code: err.code, message: `subject template: ${err.message}` } };
    }
  }

  classify(result: ChannelResult): Verdict {
    if (result.kind === 'error') return classifyError(result);
    if (result.status >= 200 && result.status < 300) return { kind: 'delivered' };
    if (result.status >= 400 && result.status < 500) return { kind: 'retryable', reason: `SMTP ${result.status}: ${result.bodyExcerpt}` };
    return { kind: 'permanent', reason: `SMTP ${result.status}: ${result.bodyExcerpt}` };
  }

  errorCode(result: ChannelResult): string {
    return result.kind === 'error' ? result.code : `SMTP_${result.status}`;
  }

  async send(req: SendRequest): Promise<ChannelResult> {
    const started = performance.now();
    const email = req.trigger.email;
    const request: RequestSummary = { url: `smtp://${this.settings.host}:${this.settings.port}`, method: 'SMTP', bytes: Buffer.byteLength(req.body) };
    if (!email) return { kind: 'error', code: 'NO_RECIPIENTS', message: 'the trigger has no email settings', durationMs: 0, request };
    const recipients = [...email.to, ...(email.cc ?? []), ...(email.bcc ?? [])];
    const bad = recipients.find((a) => !ADDRESS.test(a));
    if (bad !== undefined)
      return { kind: 'error', code: 'BAD_RECIPIENT', message: `not a plain email address: ${JSON.stringify(bad)}`, durationMs: 0, request };

    const subject = cleanHeader(req.prepared.subject ?? `${req.event.type} ${req.event.data.id}`).slice(0, 900);
    const messageId = `<${req.deliveryId}@${this.domain}>`;
    const headers: Record<string, string> = {
      'X-Postback-Delivery-Id': req.deliveryId,
      [WEBHOOK_HEADERS.eventType]: req.event.type,
      [WEBHOOK_HEADERS.attempt]: String(req.attempt),
      ...(req.test ? { [WEBHOOK_HEADERS.test]: 'true' } : {}),
    };
    const span = req.traceContext
      ? startSpan('postback.email', SpanKind.CLIENT, req.traceContext, {
          'network.protocol.name': 'smtp',
          'server.address': this.settings.host,
          'server.port': this.settings.port,
          'postback.delivery_id': req.deliveryId,
          'postback.attempt': req.attempt,
          'postback.email.recipients': recipients.length,
        })
      : undefined;
    writeTraceHeaders(headers, span ? spanTraceHeaders(span) : req.trace);
    const content = this.content(req);
    const size =
      Buffer.byteLength(content.text ?? '') +
      Buffer.byteLength(content.html ?? '') +
      (content.attachment ? Buffer.byteLength(content.attachment.content) * 1.37 : 0);
    if (size > this.settings.maxMessageBytes) {
      if (span) endSpan(span, { code: 'MESSAGE_TOO_LARGE' });
      return {
        kind: 'error',
        code: 'MESSAGE_TOO_LARGE',
        message: `the message would be about ${Math.round(size)} bytes, more than the limit of ${this.settings.maxMessageBytes}`,
        durationMs: 0,
        request,
      };
    }
    request.headers = {
      from: this.settings.from,
      to: email.to.join(', '),
      ...(email.cc?.length ? { cc: email.cc.join(', ') } : {}),
      subject,
      'message-id': messageId,
      ...headers,
    };
    try {
      const info = (await this.transport.sendMail({
        from: this.settings.from,
        to: email.to,
        cc: email.cc,
        bcc: email.bcc,
        subject,
        messageId,
        headers,
        text: content.text,
        html: content.html,
        attachments: content.attachment
          ? [
              {
                filename: `postback-${req.deliveryId}.${content.attachment.extension}`,
                content: content.attachment.content,
                contentType: content.attachment.contentType,
              },
            ]
          : [],
      })) as { response?: string; rejected?: unknown[] };
      const response = String(info.response ?? '250');
      const status = Number(/^\d{3}/.exec(response)?.[0] ?? 250);
      if (span) {
        span.setAttribute('smtp.response.code', status);
        endSpan(span, status >= 400 ? { code: `SMTP_${status}` } : undefined);
      }
      return { kind: 'response', status, headers: {}, bodyExcerpt: response.slice(0, 500), durationMs: elapsed(started), request };
    } catch (e) {
      const err = e as Error & { responseCode?: number; code?: string; response?: string };
      if (span) {
        if (err.responseCode) span.setAttribute('smtp.response.code', err.responseCode);
        endSpan(span, { code: err.responseCode ? `SMTP_${err.responseCode}` : (err.code ?? 'SMTP_ERROR'), message: err.message });
      }
      if (err.responseCode) {
        return {
          kind: 'response',
          status: err.responseCode,
          headers: {},
          bodyExcerpt: String(err.response ?? err.message).slice(0, 500),
          durationMs: elapsed(started),
          request,
        };
      }
      return { kind: 'error', code: err.code ?? 'SMTP_ERROR', message: err.message, durationMs: elapsed(started), request };
    }
  }

  close(): void {
    this.transport.close();
  }

  private content(req: SendRequest): { text?: string; html?: string; attachment?: Attachment } {
    if (req.contentType.startsWith('text/html')) return { html: req.body, text: htmlToText(req.body) };
    if (req.contentType.startsWith('text/plain')) return { text: req.body };
    // A payload format (JSON, XML, form): a readable message, and the exact payload attached, byte
    // for byte what a URL trigger with the same template sends.
    const payload = PAYLOADS.find((p) => req.contentType.startsWith(p.contentType)) ?? PAYLOADS[0];
    const readable = payload.readable(req.body);
    const summary = `Order event ${req.event.type} for order ${String(req.event.data.id)} (event ${req.event.id}, delivery ${req.deliveryId}).`;
    return {
      text: `${summary}\n\n${readable}\n`,
      html: `<!doctype html><html><body><p>${escapeHtml(summary)}</p><pre style="font-family:monospace">${escapeHtml(readable)}</pre><p>The exact ${payload.name} is attached.</p></body></html>`,
      attachment: { content: req.body, extension: payload.extension, contentType: payload.contentType },
    };
  }
}

interface Attachment {
  content: string;
  extension: string;
  contentType: string;
}

/** How each payload format is shown in the message and attached (the attachment is the exact payload). */
const PAYLOADS: ReadonlyArray<{ name: string; contentType: string; extension: string; readable: (body: string) => string }> = [
  {
    name: 'JSON',
    contentType: 'application/json',
    extension: 'json',
    readable: (body) => {
      try {
        return JSON.stringify(JSON.parse(body), null, 2);
      } catch {
        return body; // shown as rendered
      }
    },
  },
  { name: 'XML', contentType: 'application/xml', extension: 'xml', readable: (body) => body },
  {
    // The fields decoded, one per line; the attachment has them encoded, as an HTTP trigger sends them.
    name: 'form (application/x-www-form-urlencoded)',
    contentType: 'application/x-www-form-urlencoded',
    extension: 'txt',
    readable: (body) => [...new URLSearchParams(body)].map(([k, v]) => `${k}: ${v}`).join('\n'),
  },
];

export function cleanHeader(value: string): string {
  return value.replace(CONTROL, ' ').trim();
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
