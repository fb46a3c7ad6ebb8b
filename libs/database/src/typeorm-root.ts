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
    dataSourceFactory: async () => borrowed(shared.isInitialized ? shared : await shared.initialize()),
  });
}

/**
 * The shared DataSource as one app sees it: everything but `destroy`. Nest's TypeORM module destroys
 * its data source when its app closes, so the first of several apps to close ended the pool under the
 * others (and two closing at once ended it twice: "Called end on pool more than once"). The host that
 * made the DataSource destroys it, once, after every app has closed.
 */
export function borrowed(shared: DataSource): DataSource {
  return new Proxy(shared, {
    get(target, property) {
      if (property === 'destroy') return async () => undefined;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
