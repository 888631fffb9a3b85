export * from './messages';
export * from './topic-spec';
export * from './kafka-client';
export * from './kafka.transport';
export * from './topic-provisioner';
export * from './topic-collector';
export * from './group-commit';
