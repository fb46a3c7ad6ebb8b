export * from './shared-data';
export * from './test-database';
