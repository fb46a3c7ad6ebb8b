export * from './entities';
export * from './errors/domain-error';
export * from './migrations';
export * from './parcel/parcel-state';
export * from './mission/mission-state';
export * from './schemas';
