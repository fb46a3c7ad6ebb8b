import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Roles } from '@rd/auth';
import { DomainError, regionCode } from '@rd/domain';
import { UuidPipe, ZodPipe } from '@rd/http';
import { z } from 'zod';
import { MapStore } from './map-store.service';
import { MapsRepository } from './maps.repository';

const importBody = z.union([
  z.strictObject({ region: regionCode, file: z.string().min(1).max(1000) }),
  z.strictObject({
    region: regionCode,
    generated: z.strictObject({
      seed: z.number().int().min(0),
      targetNodes: z.number().int().min(100).max(2_000_000).optional(),
    }),
  }),
]);

@Controller('maps')
export class MapsController {
  constructor(
    private readonly store: MapStore,
    private readonly maps: MapsRepository,
  ) {}

  /** Starts importing an OSM extract already on the server (or a generated county); poll GET /maps/{id}. */
  @Post()
  @HttpCode(202)
  @Roles('admin')
  import(@Body(new ZodPipe(importBody, 'the import')) body: z.infer<typeof importBody>) {
    return 'file' in body
      ? this.store.startImportFromSources(body.region, body.file)
      : this.store.startImport(body.region, { kind: 'generated', ...body.generated });
  }

  @Get()
  @Roles('admin', 'dispatcher')
  list() {
    return this.maps.list();
  }

  @Get(':id')
  @Roles('admin', 'dispatcher')
  async get(@Param('id', new UuidPipe()) id: string) {
    return (await this.maps.findById(id)) ?? Promise.reject(DomainError.notFound('map', id));
  }
}
