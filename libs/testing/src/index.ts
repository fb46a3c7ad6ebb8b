export * from './shared-data';
export * from './test-database';
export * from './intake-harness';
export * from './route-guards';
export * from './hostile-input-sweep';
