import { Controller, Get } from '@nestjs/common';
import { Public } from '@rd/auth';
import { MqttIngestService } from './ingest/mqtt-ingest.service';

@Controller()
export class GatewayController {
  constructor(private readonly ingest: MqttIngestService) {}

  @Get('health')
  @Public()
  health() {
    return {
      status: this.ingest.connected ? 'ok' : 'degraded',
      service: 'gateway',
      mqttConnected: this.ingest.connected,
      accepted: this.ingest.counters.accepted,
      deadLetters: this.ingest.counters.deadLetters,
      unacknowledged: this.ingest.unacknowledged,
      cachedDevices: this.ingest.cachedDevices,
      batches: this.ingest.batchStats,
    };
  }
}
