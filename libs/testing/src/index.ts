export * from './shared-data';
export * from './test-database';
export * from './intake-harness';
