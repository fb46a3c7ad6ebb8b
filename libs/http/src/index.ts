export * from './domain-exception.filter';
export * from './zod.pipe';
export * from './openapi';
