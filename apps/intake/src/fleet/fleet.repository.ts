import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CourierEntity, DroneEntity, PilotEntity, VehicleEntity } from '@rd/domain';
import { DataSource, EntityTarget, ObjectLiteral, QueryFailedError } from 'typeorm';

export type FleetEntity = VehicleEntity | DroneEntity | PilotEntity | CourierEntity;

/** Fleet and staff records: plain rows, looked up by id, listed by creation. */
@Injectable()
export class FleetRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inserts a row; a unique-key clash returns null (the service turns it into a 409). */
  async insert<T extends ObjectLiteral>(target: EntityTarget<T>, values: Partial<T>): Promise<T | null> {
    const repo = this.db.getRepository(target);
    try {
      return await repo.save(repo.create(values as T));
    } catch (error) {
      if (
        error instanceof QueryFailedError &&
        (error as QueryFailedError & { code?: string }).code === '23505'
      ) {
        return null;
      }
      throw error;
    }
  }

  findById<T extends ObjectLiteral>(target: EntityTarget<T>, id: string): Promise<T | null> {
    return this.db.getRepository(target).findOne({ where: { id } as never });
  }

  list<T extends ObjectLiteral>(target: EntityTarget<T>, where: Record<string, unknown> = {}): Promise<T[]> {
    return this.db
      .getRepository(target)
      .find({ where: where as never, order: { createdAt: 'ASC' } as never, take: 1000 });
  }
}
