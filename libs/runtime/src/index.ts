export * from './env-reader';
export * from './kafka-env';
export * from './service-runtime';
export * from './graceful-shutdown';
export * from './kafka-providers';
export * from './render-env';
export * from './smtp-env';
