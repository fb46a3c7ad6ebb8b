export * from './auth.guard';
export * from './roles';
export * from './tokens';
export * from './authenticate-before-body';
