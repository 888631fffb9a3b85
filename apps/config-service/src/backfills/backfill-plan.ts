import type { PartitionRange } from '@postback/kafka';

/**
 * The ranges of one topic to read: per partition, from the first offset at or after `from` to the
 * first at or after `to` (both from offsets-for-times, which answers the end offset where no record
 * is that late). A partition without records in the time range gets an empty range, done at once.
 */
export function planRanges(topic: string, starts: ReadonlyMap<number, number>, ends: ReadonlyMap<number, number>): PartitionRange[] {
  return [...starts]
    .sort(([a], [b]) => a - b)
    .map(([partition, start]) => {
      const end = Math.max(start, ends.get(partition) ?? start);
      return { topic, partition, start, end, position: start };
    });
}

/** Records of the ranges read so far, of how many; offsets, so records deleted meanwhile count as read. */
export function rangeProgress(ranges: readonly PartitionRange[]): { read: number; total: number } {
  let read = 0;
  let total = 0;
  for (const r of ranges) {
    total += r.end - r.start;
    read += Math.min(r.end, Math.max(r.start, r.position)) - r.start;
  }
  return { read, total };
}

/** The end of a backfill's time range: never later than now (later events are live traffic, routed as they come). */
export function clampedEnd(to: Date, now: Date): Date {
  return to.getTime() > now.getTime() ? now : to;
}
