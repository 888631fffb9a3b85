/** Logical consumer names, bound to topics in app.module.ts. */
export const PATTERNS = {
  deliveryResults: 'config.delivery-results',
} as const;
