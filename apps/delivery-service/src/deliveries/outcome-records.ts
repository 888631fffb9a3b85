import { encodeAttemptResult, encodeDeadLetter, encodeDeliveryJob, TopicNames } from '@postback/contracts';
import type { OutgoingMessage, TopicMessages } from '@postback/kafka';
import type { JobOutcome } from './job-outcome';

/**
 * The records a batch's outcomes produce: retries on their tiers, per-order sequence state and
 * releases, dead letters, and the attempt results, results last, so that no result announces a
 * retry or a dead letter not yet written.
 */
export function outcomeRecords(outcomes: readonly JobOutcome[], invalid: readonly OutgoingMessage[], topics: TopicNames): TopicMessages[] {
  const results: OutgoingMessage[] = [];
  const dlq: OutgoingMessage[] = [...invalid];
  const retries = new Map<string, OutgoingMessage[]>();
  const state: OutgoingMessage[] = [];
  const releases: OutgoingMessage[] = [];
  for (const o of outcomes) {
    if (o.sequenceState) state.push(...o.sequenceState);
    if (o.sequenceRelease) releases.push(o.sequenceRelease);
    if (o.result) results.push(encodeAttemptResult(o.result));
    if (o.retry) {
      const list = retries.get(o.retry.topic);
      if (list) list.push(encodeDeliveryJob(o.retry.job));
      else retries.set(o.retry.topic, [encodeDeliveryJob(o.retry.job)]);
    }
    if (o.deadLetter) dlq.push(encodeDeadLetter(o.deadLetter));
  }
  const sequence =
    state.length > 0 || releases.length > 0
      ? [
          { topic: topics.orderSequence, messages: state },
          { topic: topics.deliveries, messages: releases },
        ]
      : [];
  return [
    ...[...retries].map(([topic, messages]) => ({ topic, messages })),
    ...sequence,
    { topic: topics.deliveriesDlq, messages: dlq },
    { topic: topics.deliveryResults, messages: results },
  ];
}
