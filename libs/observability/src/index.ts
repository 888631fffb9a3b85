export * from './logger';
export * from './nest-logger';
export * from './health';
export * from './metrics';
export * from './observability.controller';
export * from './observability.module';
export * from './shutdown-work';
export * from './tracing';
