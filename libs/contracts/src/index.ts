export * from './validation';
export * from './event-types';
export * from './order-event';
export * from './samples';
export * from './topics';
export * from './delivery-job';
export * from './attempt-result';
export * from './config-records';
