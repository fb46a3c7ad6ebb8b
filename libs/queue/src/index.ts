export * from './bull-planning-queue';
export * from './create-planning-queue';
export * from './in-process-planning-queue';
export * from './planning-queue';
