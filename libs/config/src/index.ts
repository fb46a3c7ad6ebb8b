export * from './config';
export * from './cli';
