import { decodeAttemptResult, encodeDeadLetter, encodeDeliveryJob } from './codecs';
import type { DeliveryJob } from './delivery-job';
import { newDeliveryJob } from '@postback/test-support';
import { formatTraceparent, isTraceparent, parseTraceparent, traceHeadersOf, traceIdOf, writeTraceHeaders } from './trace-context';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparent', () => {
  it('parses a version-00 traceparent', () => {
    expect(parseTraceparent(VALID)).toEqual({ version: '00', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: 1 });
    expect(traceIdOf(VALID)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['upper case', VALID.toUpperCase()],
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['version 00 with more after it', `${VALID}-extra`],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['not hex', '00-4bf92f3577b34da6a3ce929d0e0e473x-00f067aa0ba902b7-01'],
    ['wrong separators', '00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01'],
  ])('refuses a traceparent that is %s', (_what, value) => {
    expect(isTraceparent(value)).toBe(false);
    expect(parseTraceparent(value)).toBeUndefined();
    expect(traceIdOf(value)).toBeUndefined();
  });

  it('accepts a later version with fields after the flags, as the spec asks', () => {
    expect(parseTraceparent(`01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future`)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('formats version 00 with two-digit flags, and round-trips', () => {
    expect(formatTraceparent('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', 1)).toBe(VALID);
    expect(formatTraceparent('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', 0)).toBe(VALID.replace(/01$/, '00'));
    const p = parseTraceparent(VALID)!;
    expect(formatTraceparent(p.traceId, p.spanId, p.flags)).toBe(VALID);
  });
});

describe('trace headers', () => {
  it('takes traceparent and tracestate from headers, and drops the tracestate of an invalid traceparent', () => {
    expect(traceHeadersOf({ traceparent: VALID, tracestate: 'vendor=x', other: 'y' })).toEqual({ traceparent: VALID, tracestate: 'vendor=x' });
    expect(traceHeadersOf({ traceparent: VALID, tracestate: '' })).toEqual({ traceparent: VALID });
    expect(traceHeadersOf({ traceparent: 'garbage', tracestate: 'vendor=x' })).toBeUndefined();
    expect(traceHeadersOf({})).toBeUndefined();
  });

  it('writes them into a headers record, and nothing without a context', () => {
    const headers: Record<string, string> = { a: 'b' };
    writeTraceHeaders(headers, undefined);
    expect(headers).toEqual({ a: 'b' });
    writeTraceHeaders(headers, { traceparent: VALID, tracestate: 'vendor=x' });
    expect(headers).toEqual({ a: 'b', traceparent: VALID, tracestate: 'vendor=x' });
  });
});

describe('the trace context of delivery job records', () => {
  const job: DeliveryJob = newDeliveryJob();

  it('puts the given context in the headers, not in the value', () => {
    const record = encodeDeliveryJob(job, { traceparent: VALID, tracestate: 'vendor=x' });
    expect(record.headers).toMatchObject({ traceparent: VALID, tracestate: 'vendor=x' });
    expect(record.value).not.toContain('traceparent');
  });

  it("carries the job's own context on retries and dead letters, and keeps it out of the value", () => {
    const traced: DeliveryJob = { ...job, attempt: 2, trace: { traceparent: VALID }, dueAt: '2026-11-30T10:00:05.000Z' };
    const retry = encodeDeliveryJob(traced);
    expect(retry.headers.traceparent).toBe(VALID);
    expect(JSON.parse(retry.value)).not.toHaveProperty('trace');
    const dead = encodeDeadLetter({ ...traced, lastError: { code: 'HTTP_500', message: '' } });
    expect(dead.headers.traceparent).toBe(VALID);
    expect(JSON.parse(dead.value)).not.toHaveProperty('trace');
  });

  it('writes no trace headers for a job without a context', () => {
    const record = encodeDeliveryJob(job);
    expect(record.headers).not.toHaveProperty('traceparent');
    expect(record.headers).not.toHaveProperty('tracestate');
  });
});

describe('the trace id of an attempt result', () => {
  const result = {
    schema: 'attempt-result/1',
    deliveryId: 'msg_1',
    attempt: 1,
    triggerId: 'trg_1',
    customerId: 'cus_1',
    eventId: 'evt_1',
    eventType: 'order.shipped',
    orderId: 'ord_1',
    channel: 'http',
    outcome: 'delivered',
    final: true,
    test: false,
    startedAt: '2026-11-30T10:00:00.000Z',
    durationMs: 1,
    endToEndMs: 2,
  };

  it('is optional, and 32 lower-case hex characters when present', () => {
    expect(decodeAttemptResult(JSON.stringify(result)).ok).toBe(true);
    const withTrace = decodeAttemptResult(JSON.stringify({ ...result, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }));
    expect(withTrace.ok && withTrace.value.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const bad = decodeAttemptResult(JSON.stringify({ ...result, traceId: 'nope' }));
    expect(bad).toEqual({ ok: false, reason: expect.stringContaining('traceId') as string });
  });
});
