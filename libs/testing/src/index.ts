export * from './shared-data';
export * from './test-database';
export * from './intake-harness';
export * from './route-guards';
export * from './private-mosquitto';
export * from './committed-route-fixture';
export * from './private-postgres';
export * from './hostile-input-sweep';
