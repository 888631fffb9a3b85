/**
 * How long the main lane waits for a receiver's answer before the attempt goes on in the background.
 *
 * The budget is meant to measure the receiver, not this process. Two things would otherwise count
 * this process's own stalls against the host, and mark a healthy receiver slow (which defers the
 * host's next jobs to the retry lane, seconds later):
 *
 * - a timer and a socket read that are both due are run timer first (Node's timers phase comes
 *   before its poll phase), so an answer that arrived while the event loop was busy would lose the
 *   race to the budget: when the budget runs out, pending I/O is read first, then the attempt is
 *   looked at again;
 * - a budget timer that fires late says the process itself was busy (CPU starved, a long batch, a
 *   GC pause): the time it was late is given back once, up to one more budget.
 */
export async function answerWithin<T>(attempt: Promise<T>, budgetMs: number, lateMs = LATE_MS, now: () => number = monotonicNow): Promise<T | undefined> {
  let deadline = now() + budgetMs;
  let extended = false;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, deadline - now()))));
    const answer = await Promise.race([attempt, budget]).finally(() => clearTimeout(timer));
    if (answer !== TIMED_OUT) return answer;
    await new Promise<void>((resolve) => setImmediate(resolve));
    const settled = await Promise.race([attempt, Promise.resolve(TIMED_OUT)]);
    if (settled !== TIMED_OUT) return settled;
    const late = now() - deadline;
    if (extended || late < lateMs) return undefined;
    extended = true;
    deadline = now() + Math.min(late, budgetMs);
  }
}

/** A budget timer later than this says the event loop was busy, not that the receiver was slow. */
const LATE_MS = 50;

/** Milliseconds on a clock that a change of the system time does not move. */
function monotonicNow(): number {
  return performance.now();
}

const TIMED_OUT: unique symbol = Symbol('timed out');
