export * from './topics';
export * from './device-codec';
export * from './simulator/device-simulator';
export * from './simulator/publish-simulation';
