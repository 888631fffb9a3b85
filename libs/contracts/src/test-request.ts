import { OrderEvent, parseOrderEvent } from './order-event';
import { describe, IssueCollector, isPlainObject, Validated } from './validation';

/**
 * A test-fire: the config service asks the router to deliver `event` through one trigger,
 * whatever the trigger's state, marked as a test and never retried.
 */
export interface TestRequest {
  schema: 'test-request/1';
  triggerId: string;
  /** The router waits until its index has this revision of the trigger. */
  triggerRevision: number;
  event: OrderEvent;
}

export function parseTestRequest(input: unknown): Validated<TestRequest> {
  if (!isPlainObject(input)) return { ok: false, issues: [{ path: '$', message: `test request must be an object, got ${describe(input)}` }] };
  const c = new IssueCollector();
  if (input.schema !== 'test-request/1') c.add('schema', 'must be test-request/1');
  c.string(input, 'triggerId', 'triggerId', { max: 100 });
  c.integer(input, 'triggerRevision', 'triggerRevision', { min: 0, max: Number.MAX_SAFE_INTEGER });
  const event = parseOrderEvent(input.event);
  if (!event.ok) for (const i of event.issues) c.add(`event.${i.path}`, i.message);
  return c.result(input as unknown as TestRequest);
}
