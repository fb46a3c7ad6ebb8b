import { Controller, Get, Param, Query } from '@nestjs/common';
import { Roles } from '@rd/auth';
import { regionCode } from '@rd/domain';
import { ZodPipe } from '@rd/http';
import { z } from 'zod';
import { RoadNetworkService } from './road-network.service';

const lonLat = z.number().finite();
const roadNetworkQuery = z.object({
  zoom: z.coerce.number().int().min(0).max(20).default(12),
  /** `minLon,minLat,maxLon,maxLat` */
  bbox: z
    .string()
    .transform((s) => s.split(',').map((v) => Number(v)))
    .pipe(z.tuple([lonLat, lonLat, lonLat, lonLat]))
    .optional(),
});

@Controller('regions/:region/road-network')
export class RoadNetworkController {
  constructor(private readonly roads: RoadNetworkService) {}

  /** The region's roads as GeoJSON, simplified to about a pixel at `zoom` (staff only). */
  @Get()
  @Roles('dispatcher', 'hub_operator', 'pilot', 'courier')
  get(
    @Param('region', new ZodPipe(regionCode, 'the region')) region: string,
    @Query(new ZodPipe(roadNetworkQuery, 'the query')) q: z.infer<typeof roadNetworkQuery>,
  ) {
    return this.roads.roadNetwork(region, q);
  }
}
