export * from './entities';
export * from './errors/domain-error';
export * from './errors/queue-decision';
export * from './migrations';
export * from './parcel/parcel-state';
export * from './mission/mission-state';
export * from './parcel/event-time';
export * from './schemas';
