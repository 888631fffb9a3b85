import { SsrfGuard } from '@postback/security';
import { TemplateRenderer } from '@postback/templating';
import { ChannelResult, parseRetryAfter } from './channel';
import { EmailChannel } from './email.channel';
import { HttpChannel } from './http.channel';

const request = { url: 'http://x', method: 'POST', bytes: 1 };
const response = (status: number, headers: Record<string, string> = {}): ChannelResult => ({
  kind: 'response',
  status,
  headers,
  bodyExcerpt: '',
  durationMs: 1,
  request,
});
const error = (code: string): ChannelResult => ({ kind: 'error', code, message: code, durationMs: 1, request });

describe("the HTTP channel's verdicts", () => {
  const http = new HttpChannel({ ssrf: new SsrfGuard(), userAgent: 't', responseExcerptBytes: 100, networkRetries: 0 });
  afterAll(() => http.close());
  const classify = (r: ChannelResult, now = Date.now()) => http.classify(r, now);

  it.each([200, 201, 202, 204, 299])('%i is delivered', (s) => expect(classify(response(s)).kind).toBe('delivered'));
  it.each([408, 429, 500, 502, 503, 504])('%i is retried', (s) => expect(classify(response(s)).kind).toBe('retryable'));
  it.each([400, 401, 403, 404, 422])('%i fails without retry', (s) => expect(classify(response(s)).kind).toBe('permanent'));
  it.each([301, 302, 307, 308])('redirect %i is not followed and fails', (s) => {
    const v = classify(response(s, { location: 'http://elsewhere' }));
    expect(v).toEqual({ kind: 'permanent', reason: expect.stringContaining('redirects are not followed') as string });
  });
  it('410 Gone stops the trigger, with the code GONE', () => {
    const v = classify(response(410));
    expect(v.kind).toBe('gone');
    expect(http.errorCode(response(410), v)).toBe('GONE');
  });
  it.each(['TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN'])('network error %s is retried', (c) =>
    expect(classify(error(c)).kind).toBe('retryable'),
  );
  it('a refused destination is not retried', () => expect(classify(error('DESTINATION_REFUSED')).kind).toBe('permanent'));
  it('names errors HTTP_<status>, or by the error code', () => {
    expect(http.errorCode(response(503), classify(response(503)))).toBe('HTTP_503');
    expect(http.errorCode(error('TIMEOUT'), classify(error('TIMEOUT')))).toBe('TIMEOUT');
  });
  it('hosts are the URL host', () => {
    expect(http.hostOf({ http: { url: 'https://shop.example:8443/hook' } } as never)).toBe('shop.example:8443');
    expect(http.hostOf({ http: { url: 'not a url' } } as never)).toBe('invalid');
  });

  it('honours Retry-After in seconds and as an HTTP date', () => {
    const now = Date.parse('2026-05-05T12:00:00Z');
    expect(classify(response(429, { 'retry-after': '120' }), now)).toEqual({ kind: 'retryable', reason: 'HTTP 429', retryAfterMs: 120_000 });
    expect(parseRetryAfter('Tue, 05 May 2026 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Tue, 05 May 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(classify(response(503), now)).toEqual({ kind: 'retryable', reason: 'HTTP 503' });
  });
});

describe("the email channel's verdicts (SMTP replies)", () => {
  const renderer = new TemplateRenderer({ workers: 1 });
  const email = new EmailChannel(
    { host: '127.0.0.1', port: 1, secure: false, requireTls: false, from: 'x@y.z', pool: false, maxConnections: 1, maxMessageBytes: 1000, timeoutMs: 100 },
    renderer,
  );
  afterAll(async () => {
    email.close();
    await renderer.close();
  });

  it.each([250, 251])('%i is delivered', (s) => expect(email.classify(response(s)).kind).toBe('delivered'));
  it.each([421, 450, 451, 452])('%i is retried', (s) => expect(email.classify(response(s)).kind).toBe('retryable'));
  it.each([550, 552, 553, 554])('%i fails without retry', (s) => expect(email.classify(response(s)).kind).toBe('permanent'));
  it.each(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET'])('connection error %s is retried', (c) => expect(email.classify(error(c)).kind).toBe('retryable'));
  it.each(['BAD_RECIPIENT', 'MESSAGE_TOO_LARGE', 'EENVELOPE'])('%s is not retried', (c) => expect(email.classify(error(c)).kind).toBe('permanent'));
  it('names errors SMTP_<reply code>, one host for all', () => {
    expect(email.errorCode(response(451))).toBe('SMTP_451');
    expect(email.hostOf()).toBe('smtp');
  });
});
