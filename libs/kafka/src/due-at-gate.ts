import type { ConsumedMessage } from './messages';

/** The records of a batch that are due now, and the first one that is not (if any). */
export interface DueSplit {
  ready: ConsumedMessage[];
  /** The first record not due yet, and when it is: the partition waits for it, positioned on it. */
  waiting?: { message: ConsumedMessage; dueAt: number };
}

/**
 * For delayed topics (retry tiers): a record's header says when it is due (ms since the epoch).
 * Records of a partition are in due order (each tier has one delay), so the due ones are the head
 * of a batch; the rest waits. A record without the header (or with an unreadable one) is due.
 */
export function splitDue(messages: readonly ConsumedMessage[], header: string, now: number): DueSplit {
  for (let i = 0; i < messages.length; i++) {
    const dueAt = Number(messages[i].headers[header] ?? 0);
    if (Number.isFinite(dueAt) && dueAt > now) return { ready: messages.slice(0, i), waiting: { message: messages[i], dueAt } };
  }
  return { ready: [...messages] };
}
