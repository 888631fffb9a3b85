import type { AttemptResult, DeliveryJob } from '@postback/contracts';

/** What one job led to: the records to produce before its offset is committed. */
export interface JobOutcome {
  /** The attempt's result, for the results topic (none when no attempt was made). */
  result?: AttemptResult;
  /** The next attempt, on a retry tier's topic. */
  retry?: { topic: string; job: DeliveryJob };
  /** Given up on: for the dead-letter topic. */
  deadLetter?: DeliveryJob;
}
