import { Controller, Get } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@rd/auth';
import { DataSource } from 'typeorm';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get()
  @Public()
  async health() {
    await this.db.query('SELECT 1');
    return {
      status: 'ok',
      service: 'intake',
      dataAttribution: '© OpenStreetMap contributors (ODbL) for map data',
    };
  }
}
