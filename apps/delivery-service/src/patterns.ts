/** Logical consumer names, bound to topics in app.module.ts. */
export const PATTERNS = {
  jobs: 'delivery.jobs',
  retries: 'delivery.retries',
  orderSequence: 'delivery.order-sequence',
} as const;
