/** Logical consumer names, bound to topics in app.module.ts. */
export const PATTERNS = {
  config: 'delivery.config',
  jobs: 'delivery.jobs',
  retries: 'delivery.retries',
} as const;
