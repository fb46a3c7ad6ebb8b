import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type SqlRow } from '@rd/database';
import { DataSource } from 'typeorm';
import type { VillagePointInfo } from './village-stops';

/** Which open orders go through a village point, and those points (kept apart from the main load). */
@Injectable()
export class VillageStopsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async load(
    region: string,
    orderIds: string[],
  ): Promise<{ pointOfOrder: Map<string, string>; points: Map<string, VillagePointInfo> }> {
    const orders: SqlRow[] = orderIds.length
      ? await this.db.query(
          `SELECT id, village_point_id FROM orders
           WHERE id = ANY($1::uuid[]) AND last_mile = 'village_point' AND village_point_id IS NOT NULL`,
          [orderIds],
        )
      : [];
    const points: SqlRow[] = orders.length
      ? await this.db.query(
          `SELECT id, code, name, ST_X(location) AS lon, ST_Y(location) AS lat, opening_hours
           FROM hubs WHERE kind = 'village_service_point' AND region = $1`,
          [region],
        )
      : [];
    return {
      pointOfOrder: new Map(orders.map((o) => [o.id as string, o.village_point_id as string])),
      points: new Map(
        points.map((p) => [
          p.id as string,
          {
            id: p.id as string,
            code: p.code as string,
            name: p.name as string,
            location: [p.lon as number, p.lat as number],
            openingHours: (p.opening_hours as VillagePointInfo['openingHours']) ?? {},
          },
        ]),
      ),
    };
  }
}
