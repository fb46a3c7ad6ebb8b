export * from './topics';
export * from './device-codec';
