import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { envelopeSchema, parseUplinkTopic } from '@rd/telemetry';
import mqtt, { type MqttClient } from 'mqtt';
import { DeviceRegistry } from './device-registry';

export const MQTT_BROKER_URL = Symbol('MQTT_BROKER_URL');

/** Subscribes to every device's uplink topics, validates each message and records what it heard. */
@Injectable()
export class GatewayMqttService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(GatewayMqttService.name);
  private client?: MqttClient;
  readonly registry = new DeviceRegistry();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MQTT_BROKER_URL) private readonly brokerUrl: string,
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async onModuleInit(): Promise<void> {
    const root = this.config.MQTT_TOPIC_ROOT;
    // The handler is attached before connecting: attached later it misses queued messages (FIELD-NOTES).
    const client = mqtt.connect(this.brokerUrl, {
      clientId: `rd-gateway-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      clean: true,
      reconnectPeriod: 2000,
    });
    client.on('message', (topic, payload) => this.onMessage(root, topic, payload));
    client.on('error', (error) => this.logger.warn(`mqtt: ${error.message}`));
    this.client = client;
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(`${root}/+/+/+`, { qos: 1 });
    this.logger.log(`subscribed to ${root}/+/+/+`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.client?.endAsync();
  }

  private onMessage(root: string, topic: string, payload: Buffer): void {
    const parsed = parseUplinkTopic(root, topic);
    if (!parsed) return this.registry.drop('foreign_topic');
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return this.registry.drop('not_json');
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) return this.registry.drop('bad_envelope');
    if (envelope.data.deviceId !== parsed.deviceId) return this.registry.drop('device_mismatch');
    this.registry.record(
      parsed.kind,
      parsed.deviceId,
      parsed.channel,
      envelope.data.seq,
      envelope.data.timestampMs,
    );
  }
}
