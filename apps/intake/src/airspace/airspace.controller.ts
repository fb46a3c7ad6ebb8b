import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@rd/auth';
import {
  airspaceImportSchema,
  regionCode,
  regionWeatherSchema,
  type AirspaceImport,
  type AirspaceLayer,
  type RegionWeatherInput,
  pageQuerySchema,
  type PageQuery,
} from '@rd/domain';
import { UuidPipe, ZodPipe, ApiPage } from '@rd/http';
import { z } from 'zod';
import { jsonSchema } from '../common/openapi';
import { AirspaceService } from './airspace.service';

const layerPath = z.enum(['no-fly-zones', 'corridors', 'landing-spots']);
const LAYER_OF: Record<z.infer<typeof layerPath>, AirspaceLayer> = {
  'no-fly-zones': 'no_fly_zone',
  corridors: 'corridor',
  'landing-spots': 'landing_spot',
};
class RegionPipe extends ZodPipe<typeof regionCode> {
  constructor() {
    super(regionCode, 'the region');
  }
}
class LayerPipe extends ZodPipe<typeof layerPath> {
  constructor() {
    super(layerPath, 'the layer');
  }
}
const READERS = ['admin', 'dispatcher', 'pilot'] as const;

@ApiTags('airspace')
@ApiBearerAuth()
@Controller('regions/:region')
export class AirspaceController {
  constructor(private readonly airspace: AirspaceService) {}

  @Post('airspace/import')
  @Roles('admin')
  @ApiOperation({
    summary:
      'Imports no-fly zones, corridors and landing spots from a GeoJSON FeatureCollection (properties.layer); one invalid feature refuses the import with the reason per feature.',
  })
  @ApiBody({ schema: jsonSchema(airspaceImportSchema) })
  import(
    @Param('region', RegionPipe) region: string,
    @Body(new ZodPipe(airspaceImportSchema, 'the FeatureCollection')) body: AirspaceImport,
  ) {
    return this.airspace.import(region, body);
  }

  @Get('weather')
  @Roles(...READERS)
  weather(@Param('region', RegionPipe) region: string) {
    return this.airspace.weather(region);
  }

  @Put('weather')
  @Roles('admin', 'dispatcher')
  @ApiBody({ schema: jsonSchema(regionWeatherSchema) })
  setWeather(
    @Param('region', RegionPipe) region: string,
    @Body(new ZodPipe(regionWeatherSchema, 'the weather')) body: RegionWeatherInput,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.airspace.setWeather(region, body, principal);
  }

  @Get(':layer')
  @Roles(...READERS)
  @ApiPage(
    "A page of the region's layer (no-fly-zones, corridors or landing-spots), newest first, as a FeatureCollection.",
    'features',
  )
  list(
    @Param('region', RegionPipe) region: string,
    @Param('layer', LayerPipe) layer: z.infer<typeof layerPath>,
    @Query(new ZodPipe(pageQuerySchema, 'the query')) page: PageQuery,
  ) {
    return this.airspace.list(region, LAYER_OF[layer], page);
  }

  @Get(':layer/:id')
  @Roles(...READERS)
  get(
    @Param('region', RegionPipe) region: string,
    @Param('layer', LayerPipe) layer: z.infer<typeof layerPath>,
    @Param('id', new UuidPipe()) id: string,
  ) {
    return this.airspace.get(region, LAYER_OF[layer], id);
  }

  @Delete(':layer/:id')
  @HttpCode(204)
  @Roles('admin')
  delete(
    @Param('region', RegionPipe) region: string,
    @Param('layer', LayerPipe) layer: z.infer<typeof layerPath>,
    @Param('id', new UuidPipe()) id: string,
  ) {
    return this.airspace.delete(region, LAYER_OF[layer], id);
  }
}
