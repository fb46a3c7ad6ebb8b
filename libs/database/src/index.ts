export * from './data-source-options';
export * from './embedded-postgres';
export * from './typeorm-root';
export * from './parcel-events';
export * from './sql-values';
export * from './delivery-pins';
export * from './sql';
export * from './keyset-page';
