import type { AttemptResult, DeliveryJob } from '@postback/contracts';
import type { OutgoingMessage } from '@postback/kafka';

/** What one job led to: the records to produce before its offset is committed. */
export interface JobOutcome {
  /** The attempt's result, for the results topic (none when no attempt was made). */
  result?: AttemptResult;
  /** The next attempt, on a retry tier's topic. */
  retry?: { topic: string; job: DeliveryJob };
  /** Given up on: for the dead-letter topic. */
  deadLetter?: DeliveryJob;
  /** Per-order sequence: block records for the order-sequence topic (written in this order). */
  sequenceState?: OutgoingMessage[];
  /** Per-order sequence: a release for the deliveries topic (the head of a blocked order settled). */
  sequenceRelease?: OutgoingMessage;
}
