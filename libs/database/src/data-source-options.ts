import { ENTITIES, MIGRATIONS } from '@rd/domain';
import { Client, type ClientConfig } from 'pg';
import type { DataSourceOptions } from 'typeorm';

/**
 * A connection that always has an 'error' listener. The pool drops its own listener when it hands a
 * connection out, and TypeORM adds one a microtask later: a server restart or terminate that arrives in the same
 * TCP chunk as "ready" lands between the two, and an 'error' nobody listens to throws in the socket handler,
 * taking the whole service down. Whoever holds the connection still hears the error (its query fails, the pool
 * or TypeORM drops it); this listener only keeps it from escaping.
 */
export class ListenedClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}

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
    extra: { max: target.embedded ? 1 : 10, Client: ListenedClient },
  };
}
