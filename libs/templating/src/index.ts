export * from './template-errors';
export * from './template-renderer';
export * from './mapper';
export * from './output-schema';
