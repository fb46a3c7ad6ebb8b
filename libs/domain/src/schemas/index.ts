export * from './common';
export * from './fleet.schema';
export * from './order.schema';
export * from './parcel.schema';
export * from './planning-job.schema';
export * from './airspace.schema';
export * from './order-window';
export * from './village-point.schema';
