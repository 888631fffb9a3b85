export * from './trigger-index';
export * from './config-view-updater';
