import { DeliveryJob, topicNames } from '@postback/contracts';
import { newDeliveryJob, newTriggerSnapshot } from '@postback/test-support';
import { decide, deferral } from './retry-decision';
import { parseSchedule, RetryPolicy } from './retry-policy';

const topics = topicNames('');
const policy = new RetryPolicy(parseSchedule('5s,1m,5m'), 0);
const now = Date.parse('2026-11-30T10:00:00Z');
const job = (patch: Partial<DeliveryJob> = {}): DeliveryJob => newDeliveryJob({ routedAt: new Date(now).toISOString(), ...patch });
const trigger = newTriggerSnapshot({ retry: { enabled: true, maxAttempts: 3 } });

describe('decide', () => {
  it('does nothing more after a delivery', () => {
    expect(decide(job(), trigger, { kind: 'delivered' }, '', policy, topics, now)).toEqual({ kind: 'delivered' });
  });

  it('schedules the next attempt on the tier for it, with the error', () => {
    const d = decide(job({ attempt: 2 }), trigger, { kind: 'retryable', reason: 'HTTP 503' }, 'HTTP_503', policy, topics, now);
    expect(d).toMatchObject({ kind: 'retry', tier: '1m', topic: 'postback.deliveries.retry.1m', error: { code: 'HTTP_503', message: 'HTTP 503' } });
    expect(d.kind === 'retry' && d.job).toMatchObject({ attempt: 3, dueAt: new Date(now + 60_000).toISOString(), lastError: { code: 'HTTP_503' } });
  });

  it('honours Retry-After', () => {
    const d = decide(job(), trigger, { kind: 'retryable', reason: 'HTTP 429', retryAfterMs: 120_000 }, 'HTTP_429', policy, topics, now);
    expect(d.kind === 'retry' && Date.parse(d.job.dueAt as string)).toBeGreaterThanOrEqual(now + 120_000);
  });

  it('fails for good, dead-lettered, when the attempts of the run are used up', () => {
    const d = decide(job({ attempt: 3 }), trigger, { kind: 'retryable', reason: 'HTTP 503' }, 'HTTP_503', policy, topics, now);
    expect(d).toEqual({ kind: 'failed', error: { code: 'HTTP_503', message: 'HTTP 503; no retries left (3 of 3)' }, deadLetter: true });
  });

  it('gives a replay a fresh run of attempts', () => {
    const d = decide(job({ attempt: 5, attemptBase: 4 }), trigger, { kind: 'retryable', reason: 'HTTP 503' }, 'HTTP_503', policy, topics, now);
    expect(d.kind).toBe('retry');
  });

  it('never retries a permanent failure, a 410 or a test; a test is not dead-lettered', () => {
    expect(decide(job(), trigger, { kind: 'permanent', reason: 'HTTP 400' }, 'HTTP_400', policy, topics, now)).toMatchObject({
      kind: 'failed',
      deadLetter: true,
    });
    expect(decide(job(), trigger, { kind: 'gone', reason: 'gone' }, 'GONE', policy, topics, now)).toMatchObject({ kind: 'failed', error: { code: 'GONE' } });
    expect(decide(job({ test: true }), trigger, { kind: 'retryable', reason: 'HTTP 503' }, 'HTTP_503', policy, topics, now)).toMatchObject({
      kind: 'failed',
      deadLetter: false,
    });
  });

  it('does not retry when the trigger says so', () => {
    const noRetry = newTriggerSnapshot({ retry: { enabled: false, maxAttempts: 8 } });
    expect(decide(job(), noRetry, { kind: 'retryable', reason: 'HTTP 503' }, 'HTTP_503', policy, topics, now)).toMatchObject({
      kind: 'failed',
      error: { message: 'HTTP 503; no retries left (1 of 1)' },
    });
  });
});

describe('deferral', () => {
  it('goes to the first tier without counting an attempt', () => {
    const d = deferral(job({ attempt: 1 }), policy, topics, now);
    expect(d).toMatchObject({ tier: '5s', topic: 'postback.deliveries.retry.5s' });
    expect(d.job.attempt).toBe(1);
    expect(d.job.dueAt).toBe(new Date(now + 5000).toISOString());
  });
});
