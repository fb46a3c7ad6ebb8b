import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Roles } from '@rd/auth';
import { decodeCursor, toPage } from '@rd/database';
import { DomainError, regionCode, pageQuerySchema, type PageQuery } from '@rd/domain';
import { UuidPipe, ZodPipe, ApiPage } from '@rd/http';
import { z } from 'zod';
import { MapStore } from './map-store.service';
import { MapsRepository } from './maps.repository';

/** Profiles to build: names (`van`, `tricycle`, …) or profile files (.json, .yaml, .yml) inside MAP_SOURCES_DIR. */
const profiles = z.array(z.string().min(1).max(1000)).min(1).max(8).optional();
const importBody = z.union([
  z.strictObject({ region: regionCode, file: z.string().min(1).max(1000), profiles }),
  z.strictObject({
    region: regionCode,
    generated: z.strictObject({
      seed: z.number().int().min(0),
      targetNodes: z.number().int().min(100).max(2_000_000).optional(),
    }),
    profiles,
  }),
  z.strictObject({
    region: regionCode,
    mountain: z.strictObject({ seed: z.number().int().min(0) }),
    profiles,
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
    if ('file' in body) return this.store.startImportFromSources(body.region, body.file, body.profiles);
    const profiles = this.store.profilesFromSources(body.profiles);
    return this.store.startImport(
      body.region,
      'mountain' in body
        ? { kind: 'mountain', ...body.mountain, profiles }
        : { kind: 'generated', ...body.generated, profiles },
    );
  }

  @Get()
  @Roles('admin', 'dispatcher')
  @ApiPage('maps, newest first')
  async list(@Query(new ZodPipe(pageQuerySchema, 'the query')) query: PageQuery) {
    return toPage(await this.maps.list(query.limit, decodeCursor(query.cursor)), query.limit);
  }

  @Get(':id')
  @Roles('admin', 'dispatcher')
  async get(@Param('id', new UuidPipe()) id: string) {
    return (await this.maps.findById(id)) ?? Promise.reject(DomainError.notFound('map', id));
  }
}
