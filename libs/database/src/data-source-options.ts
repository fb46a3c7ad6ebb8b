import { ENTITIES, MIGRATIONS } from '@rd/domain';
import type { DataSourceOptions } from 'typeorm';

export interface DatabaseTarget {
  url: string;
  /** The embedded PGlite socket serves one connection at a time: keep the pool at one. */
  embedded: boolean;
}

/** TypeORM options for our schema: migrations, never `synchronize`. */
export function dataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  return {
    type: 'postgres',
    url: target.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    // TypeORM's error log prints query parameters (names, phones): our services log what failed instead.
    logging: false,
    extra: target.embedded ? { max: 1 } : { max: 10 },
  };
}
