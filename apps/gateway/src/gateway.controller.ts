import { Controller, Get } from '@nestjs/common';
import { Public, Roles } from '@rd/auth';
import { GatewayMqttService } from './gateway-mqtt.service';

@Controller()
export class GatewayController {
  constructor(private readonly mqtt: GatewayMqttService) {}

  @Get('health')
  @Public()
  health() {
    const { registry } = this.mqtt;
    return {
      status: this.mqtt.connected ? 'ok' : 'degraded',
      service: 'gateway',
      mqttConnected: this.mqtt.connected,
      accepted: registry.accepted,
      dropped: registry.dropped,
    };
  }

  @Get('devices')
  @Roles('dispatcher', 'pilot')
  devices() {
    return this.mqtt.registry.list();
  }
}
