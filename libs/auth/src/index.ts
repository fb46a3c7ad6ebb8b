export * from './auth.guard';
export * from './roles';
export * from './tokens';
