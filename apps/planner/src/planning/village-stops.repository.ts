import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sqlRows } from '@rd/database';
import { DataSource } from 'typeorm';
import type { VillagePointInfo } from './village-stops';

/** An open order bound for a village point. */
interface VillageOrderRow {
  id: string;
  village_point_id: string;
}

/** A village service point of the region (hubs.opening_hours is NOT NULL jsonb, default `{}`). */
interface VillagePointRow {
  id: string;
  code: string;
  name: string;
  lon: number;
  lat: number;
  opening_hours: VillagePointInfo['openingHours'];
}

function toVillagePoint(row: VillagePointRow): VillagePointInfo {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    location: [row.lon, row.lat],
    openingHours: row.opening_hours,
  };
}

/** Which open orders go through a village point, and those points (kept apart from the main load). */
@Injectable()
export class VillageStopsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async load(
    region: string,
    orderIds: string[],
  ): Promise<{ pointOfOrder: Map<string, string>; points: Map<string, VillagePointInfo> }> {
    const orders = orderIds.length
      ? await sqlRows<VillageOrderRow>(
          this.db,
          `SELECT id, village_point_id FROM orders
           WHERE id = ANY($1::uuid[]) AND last_mile = 'village_point' AND village_point_id IS NOT NULL`,
          [orderIds],
        )
      : [];
    const points = orders.length
      ? await sqlRows<VillagePointRow>(
          this.db,
          `SELECT id, code, name, ST_X(location) AS lon, ST_Y(location) AS lat, opening_hours
           FROM hubs WHERE kind = 'village_service_point' AND region = $1`,
          [region],
        )
      : [];
    return {
      pointOfOrder: new Map(orders.map((o) => [o.id, o.village_point_id])),
      points: new Map(points.map((p) => [p.id, toVillagePoint(p)])),
    };
  }
}
