import { ChannelResult } from '../channels/channel';
import { classifyAttempt, parseRetryAfter } from './attempt-classifier';

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

describe('classifyAttempt', () => {
  it.each([200, 201, 202, 204, 299])('%i is delivered', (s) => expect(classifyAttempt(response(s)).kind).toBe('delivered'));
  it.each([408, 429, 500, 502, 503, 504])('%i is retried', (s) => expect(classifyAttempt(response(s)).kind).toBe('retryable'));
  it.each([400, 401, 403, 404, 422])('%i fails without retry', (s) => expect(classifyAttempt(response(s)).kind).toBe('permanent'));
  it.each([301, 302, 307, 308])('redirect %i is not followed and fails', (s) => {
    const v = classifyAttempt(response(s, { location: 'http://elsewhere' }));
    expect(v).toEqual({ kind: 'permanent', reason: expect.stringContaining('redirects are not followed') as string });
  });
  it('410 Gone stops the trigger', () => expect(classifyAttempt(response(410)).kind).toBe('gone'));
  it.each(['TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN'])('network error %s is retried', (c) =>
    expect(classifyAttempt(error(c)).kind).toBe('retryable'),
  );
  it('a refused destination is not retried', () => expect(classifyAttempt(error('DESTINATION_REFUSED')).kind).toBe('permanent'));

  it('honours Retry-After in seconds and as an HTTP date', () => {
    const now = Date.parse('2026-05-05T12:00:00Z');
    expect(classifyAttempt(response(429, { 'retry-after': '120' }), now)).toEqual({ kind: 'retryable', reason: 'HTTP 429', retryAfterMs: 120_000 });
    expect(parseRetryAfter('Tue, 05 May 2026 12:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Tue, 05 May 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(classifyAttempt(response(503), now)).toEqual({ kind: 'retryable', reason: 'HTTP 503' });
  });
});

describe('classifyAttempt for email (SMTP replies)', () => {
  it.each([250, 251])('%i is delivered', (s) => expect(classifyAttempt(response(s), 0, 'email').kind).toBe('delivered'));
  it.each([421, 450, 451, 452])('%i is retried', (s) => expect(classifyAttempt(response(s), 0, 'email').kind).toBe('retryable'));
  it.each([550, 552, 553, 554])('%i fails without retry', (s) => expect(classifyAttempt(response(s), 0, 'email').kind).toBe('permanent'));
  it.each(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET'])('connection error %s is retried', (c) =>
    expect(classifyAttempt(error(c), 0, 'email').kind).toBe('retryable'),
  );
  it.each(['BAD_RECIPIENT', 'MESSAGE_TOO_LARGE', 'EENVELOPE'])('%s is not retried', (c) =>
    expect(classifyAttempt(error(c), 0, 'email').kind).toBe('permanent'),
  );
});
