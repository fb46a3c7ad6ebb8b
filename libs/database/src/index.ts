export * from './data-source-options';
export * from './embedded-postgres';
export * from './typeorm-root';
export * from './parcel-events';
export * from './delivery-pins';
export * from './sql';
export * from './keyset-page';
export * from './service-time-zone';
