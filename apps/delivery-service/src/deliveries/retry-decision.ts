import { DeliveryJob, retryTopic, TopicNames, TriggerSnapshot } from '@postback/contracts';
import type { Verdict } from '../channels/channel';
import type { RetryPolicy } from './retry-policy';

export type Decision =
  | { kind: 'delivered' }
  | { kind: 'retry'; topic: string; job: DeliveryJob; tier: string; error: { code: string; message: string } }
  | { kind: 'failed'; error: { code: string; message: string }; deadLetter: boolean };

/**
 * Stage 6, decide what follows an attempt: nothing (delivered), the next attempt on a delay tier,
 * or a final failure (dead-lettered unless it was a test). Retries only for a retryable verdict,
 * never for a test, and within the trigger's attempts in this run (a replay starts a new run).
 */
export function decide(
  job: DeliveryJob,
  trigger: TriggerSnapshot,
  verdict: Verdict,
  errorCode: string,
  policy: RetryPolicy,
  topics: TopicNames,
  now: number,
): Decision {
  if (verdict.kind === 'delivered') return { kind: 'delivered' };
  const error = { code: errorCode, message: verdict.reason };
  const attemptsInRun = job.attempt - (job.attemptBase ?? 0);
  const canRetry = verdict.kind === 'retryable' && !job.test && trigger.retry.enabled && attemptsInRun < trigger.retry.maxAttempts;
  if (!canRetry) {
    const exhausted = verdict.kind === 'retryable' && !job.test;
    const message = exhausted
      ? `${error.message}; no retries left (${attemptsInRun} of ${trigger.retry.enabled ? trigger.retry.maxAttempts : 1})`
      : error.message;
    return { kind: 'failed', error: { code: error.code, message }, deadLetter: !job.test };
  }
  const next = policy.next(attemptsInRun, now, verdict.kind === 'retryable' ? verdict.retryAfterMs : undefined);
  return {
    kind: 'retry',
    tier: next.tier.name,
    topic: retryTopic(topics, next.tier.name),
    error,
    job: { ...job, attempt: job.attempt + 1, dueAt: new Date(next.dueAt).toISOString(), lastError: error },
  };
}

/** No attempt now (the host is failing or slow): to the first retry tier, the attempt number unchanged. */
export function deferral(job: DeliveryJob, policy: RetryPolicy, topics: TopicNames, now: number): { topic: string; job: DeliveryJob; tier: string } {
  const next = policy.next(1, now);
  return { topic: retryTopic(topics, next.tier.name), tier: next.tier.name, job: { ...job, dueAt: new Date(next.dueAt).toISOString() } };
}
