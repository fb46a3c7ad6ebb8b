import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dataSourceOptions, type DatabaseTarget } from './data-source-options';

/**
 * The TypeORM root module of an app. With `shared`, several apps in one process (the embedded main
 * job) use one DataSource: the embedded PGlite socket must see a single connection, or one app's
 * statements would interleave with another's transaction.
 */
export function typeOrmRoot(database: DatabaseTarget, shared?: DataSource): DynamicModule {
  if (!shared) return TypeOrmModule.forRoot(dataSourceOptions(database));
  return TypeOrmModule.forRootAsync({
    useFactory: () => dataSourceOptions(database),
    dataSourceFactory: async () => (shared.isInitialized ? shared : shared.initialize()),
  });
}
