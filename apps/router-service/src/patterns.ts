/** Logical consumer names, bound to topics in app.module.ts. */
export const PATTERNS = {
  orderEvents: 'router.order-events',
  testEvents: 'router.test-events',
  orderLifecycle: 'router.order-lifecycle',
} as const;
