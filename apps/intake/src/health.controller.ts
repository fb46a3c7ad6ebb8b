import { Controller, Get } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@rd/auth';
import { sqlRow } from '@rd/database';
import { DataSource } from 'typeorm';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  @Public()
  async health() {
    await sqlRow<{ one: number }>(this.db, 'SELECT 1 AS one');
    return {
      status: 'ok',
      service: 'intake',
      dataAttribution: '© OpenStreetMap contributors (ODbL) for map data',
    };
  }
}
