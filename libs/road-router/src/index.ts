export * from './create-road-router';
export * from './graphhopper-road-router';
export * from './matrix-threads';
export * from './contraction-threads';
