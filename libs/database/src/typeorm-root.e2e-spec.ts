import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@rd/testing';
import { dataSourceOptions } from './data-source-options';
import { sqlRow } from './sql';
import { typeOrmRoot } from './typeorm-root';

describe('typeOrmRoot with a DataSource shared by several apps in one process', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('typeorm_root');
  });
  afterAll(async () => {
    await db.drop();
  });

  async function appOn(shared: DataSource) {
    const target = { url: db.url, embedded: false };
    @Module({ imports: [typeOrmRoot(target, shared)] })
    class HostedModule {}
    const app = await NestFactory.createApplicationContext(HostedModule, { logger: false });
    return { app, dataSource: app.get<DataSource>(getDataSourceToken()) };
  }

  it('lets the host close its apps one by one or together, and destroy the pool once itself', async () => {
    const shared = new DataSource(dataSourceOptions({ url: db.url, embedded: false }));
    await shared.initialize();
    const first = await appOn(shared);
    const second = await appOn(shared);
    const third = await appOn(shared);
    expect(first.dataSource).toBeInstanceOf(DataSource);

    await first.app.close();
    // the apps still open go on using the pool the first one shared
    expect(shared.isInitialized).toBe(true);
    expect(await sqlRow<{ one: number }>(second.dataSource, 'SELECT 1 AS one')).toEqual({ one: 1 });
    // two closing at once (each app's own signal hook did this) never end the pool twice
    await Promise.all([second.app.close(), third.app.close()]);
    expect(shared.isInitialized).toBe(true);
    await shared.destroy();
    expect(shared.isInitialized).toBe(false);
  });
});
