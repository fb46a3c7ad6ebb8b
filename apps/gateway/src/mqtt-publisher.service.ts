import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import mqtt, { type MqttClient } from 'mqtt';
import { MQTT_BROKER, protocolOptions, type MqttBrokerTarget } from './mqtt-broker';

/** The gateway's one outgoing connection: downlinks to devices and alerts to screens, at QoS 1. */
@Injectable()
export class MqttPublisher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(MqttPublisher.name);
  private client?: MqttClient;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MQTT_BROKER) private readonly broker: MqttBrokerTarget,
  ) {}

  async onModuleInit(): Promise<void> {
    this.client = await mqtt.connectAsync(this.broker.url, {
      clientId: `${this.config.GATEWAY_ID}-out`,
      ...protocolOptions(this.broker),
      username: this.broker.username,
      password: this.broker.password,
      reconnectPeriod: 1000,
    });
    this.client.on('error', (error) => this.logger.warn(`mqtt out: ${error.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.client?.endAsync(true);
  }

  /** Resolves once the broker acknowledged (PUBACK); rejects when not connected. */
  async publish(topic: string, payload: Buffer, contentType?: string): Promise<void> {
    if (!this.client?.connected) throw new Error('MQTT publisher not connected');
    await this.client.publishAsync(topic, payload, {
      qos: 1,
      properties: contentType && this.broker.mqtt5 !== false ? { contentType } : undefined,
    });
  }
}
