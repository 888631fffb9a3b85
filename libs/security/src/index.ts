export * from './webhook-signing';
export * from './secret-box';
export * from './ssrf-guard';
export * from './personal-data';
