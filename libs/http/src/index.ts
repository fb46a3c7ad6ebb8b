export * from './domain-exception.filter';
export * from './zod.pipe';
export * from './openapi';
export * from './http-app';
export * from './strict-json';
export * from './rate-limit';
export * from './api-page';
