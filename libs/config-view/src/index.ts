export * from './trigger-index';
