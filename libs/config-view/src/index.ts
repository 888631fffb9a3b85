export * from './trigger-index';
export * from './config-view-updater';
export * from './config-view.module';
