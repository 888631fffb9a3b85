export * from './factories';
export * from './environment';
export * from './http-receiver';
