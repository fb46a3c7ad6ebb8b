import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { decodeDeviceMessage, parseUplinkTopic, uplinkFilters } from '@rd/telemetry';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { DeviceDirectory } from './device-directory';
import { IngestBatcher } from './ingest-batcher';
import { IngestWriter } from './ingest-writer.service';
import { AlertsService } from '../alerts/alerts.service';
import {
  DEAD_LETTER_REASONS,
  type AcceptedMessage,
  type DeadLetterReason,
  type IngestItem,
} from './ingest.types';
import { checkMessage } from './message-checks';
import { DeferredAcks } from './deferred-acks';
import { MQTT_BROKER, protocolOptions, type MqttBrokerTarget } from '../mqtt-broker';

/** Payloads above this are refused unread (a position batch of 500 fixes is ~25 kB in protobuf). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
const MAX_CLOCK_SKEW_MS = 10 * 60_000;
/** Retain-as-published: a device's retained publish reaches us flagged, so it can be refused and cleared. */
const SUBSCRIBE_OPTIONS = { qos: 1, rap: true } as const;

/**
 * Device messages in: persistent MQTT 5 sessions at QoS 1 on a shared subscription, each message
 * acknowledged (PUBACK) only once the batch holding it is committed. The `handleMessage` hook is set
 * before connecting, so messages the broker queued while we were away are never acknowledged early.
 */
@Injectable()
export class MqttIngestService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(MqttIngestService.name);
  private readonly lanes: MqttClient[] = [];
  private readonly batcher: IngestBatcher<IngestItem>;
  readonly counters = {
    accepted: 0,
    deadLetters: Object.fromEntries(DEAD_LETTER_REASONS.map((r) => [r, 0])) as Record<
      DeadLetterReason,
      number
    >,
  };
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MQTT_BROKER) private readonly broker: MqttBrokerTarget,
    private readonly directory: DeviceDirectory,
    private readonly writer: IngestWriter,
    private readonly alerts: AlertsService,
  ) {
    this.batcher = new IngestBatcher<IngestItem>((items) => this.commit(items), {
      maxBatch: 2000,
      maxDelayMs: 20,
      maxConcurrentWrites: config.GATEWAY_INGEST_WRITERS,
      // Unacknowledged messages cannot exceed this: when all of them wait, nothing else can arrive.
      arrivalBound: () =>
        config.GATEWAY_ACK_MODE === 'deferred' ? config.GATEWAY_MAX_UNACKED : this.lanes.length,
      retryBaseMs: 200,
      retryMaxMs: 5000,
      onRetry: (error, attempt, delayMs) =>
        this.logger.warn(
          `batch write failed (attempt ${attempt}, retry in ${delayMs} ms, acks held back): ${(error as Error).message}`,
        ),
    });
  }

  private get laneCount(): number {
    return this.broker.sharedSubscriptions ? this.config.GATEWAY_INGEST_LANES : 1;
  }

  get connected(): boolean {
    return this.lanes.length > 0 && this.lanes.every((c) => c.connected);
  }

  /** Messages received but not yet acknowledged (bounded by the lane count). */
  get unacknowledged(): number {
    return this.batcher.waiting;
  }

  get batchStats() {
    return this.batcher.stats;
  }

  get cachedDevices(): number {
    return this.directory.cachedDevices;
  }

  async onModuleInit(): Promise<void> {
    await this.writer.preparePartitions(Date.now()).catch((error: Error) => {
      this.logger.warn(`could not prepare telemetry partitions yet: ${error.message}`);
    });
    const laneCount = this.laneCount;
    const root = this.config.MQTT_TOPIC_ROOT;
    const filters = uplinkFilters(root).map((f) =>
      this.broker.sharedSubscriptions ? `$share/rd-gateway/${f}` : f,
    );
    const clients = await Promise.all(
      Array.from({ length: laneCount }, (_, lane) => this.connectLane(lane, filters)),
    );
    this.lanes.push(...clients);
    this.logger.log(`ingesting ${filters.join(', ')} on ${laneCount} lane(s) at QoS 1`);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.batcher.stop();
    await Promise.all(this.lanes.map((c) => c.endAsync(true)));
  }

  private async connectLane(lane: number, filters: string[]): Promise<MqttClient> {
    const options: IClientOptions = {
      // Stable per gateway and lane: the broker keeps this session (and queues for it) across restarts.
      clientId: `${this.config.GATEWAY_ID}-in-${lane}`,
      ...protocolOptions(this.broker, this.config.MQTT_SESSION_EXPIRY_S),
      clean: false,
      username: this.broker.username,
      password: this.broker.password,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      manualConnect: true,
      // mqtt.js calls its debug logger several times per packet; that cost is only worth paying when tracing.
      ...(this.config.LOG_LEVEL === 'verbose' ? {} : { log: () => undefined }),
    };
    const client = mqtt.connect(this.broker.url, options);
    if (this.config.GATEWAY_ACK_MODE === 'deferred') {
      const acks = new DeferredAcks(client, Math.ceil(this.config.GATEWAY_MAX_UNACKED / this.laneCount));
      client.handleMessage = (packet, done) => acks.handle(packet, done, (p) => this.ingest(p));
    } else {
      client.handleMessage = (packet, done) => {
        this.ingest(packet).then(
          () => done(),
          (error: Error) => done(error),
        );
      };
    }
    client.on('error', (error) => this.logger.warn(`mqtt lane ${lane}: ${error.message}`));
    const connack = new Promise<boolean>((resolve, reject) => {
      client.once('connect', (ack) => resolve(ack.sessionPresent));
      client.once('error', reject);
    });
    client.connect();
    const sessionPresent = await connack;
    if (!sessionPresent) await client.subscribeAsync(filters, SUBSCRIBE_OPTIONS);
    // A reconnect without a session (expired or broker restarted without persistence) subscribes again.
    client.on('connect', (ack) => {
      if (!ack.sessionPresent) void client.subscribeAsync(filters, SUBSCRIBE_OPTIONS).catch(() => undefined);
    });
    return client;
  }

  /** Validates one message and hands it to the batcher; settles after its batch is committed. */
  private async ingest(packet: IPublishPacket): Promise<void> {
    if (this.stopping) throw new Error('stopping');
    // An empty retained publish only clears a retained message (ours, after refusing one): nothing to store.
    if (packet.retain && packet.payload.length === 0) return;
    const item = await this.classify(packet, Date.now());
    if (item.type === 'dead_letter') {
      this.counters.deadLetters[item.reason]++;
      this.logger.debug(`dead letter (${item.reason}) on ${item.topic}: ${item.detail}`);
      if (item.reason === 'retained') this.clearRetained(packet.topic);
    }
    await this.batcher.submit(item);
    if (item.type === 'accepted' && item.unstorable) {
      this.counters.deadLetters.unstorable++;
    } else if (item.type === 'accepted') {
      this.counters.accepted++;
      this.directory.accepted(item.device.deviceId, item.device.epoch, item.message.seq);
    }
  }

  private async classify(packet: IPublishPacket, nowMs: number): Promise<IngestItem> {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const topic = packet.topic;
    const parsed = parseUplinkTopic(this.config.MQTT_TOPIC_ROOT, topic);
    const dead = (reason: DeadLetterReason, detail: string): IngestItem => ({
      type: 'dead_letter',
      topic,
      deviceId: parsed?.deviceId ?? null,
      reason,
      detail,
      payload,
      receivedAtMs: nowMs,
    });
    if (!parsed) return dead('foreign_topic', 'not an uplink topic');
    // A retained uplink would be replayed at every (re)subscription: refused and cleared.
    if (packet.retain) return dead('retained', 'retained messages are not accepted on uplink topics');
    if (payload.length > MAX_PAYLOAD_BYTES)
      return dead('oversized', `${payload.length} bytes (max ${MAX_PAYLOAD_BYTES})`);
    const contentType = packet.properties?.contentType;
    const json = parsed.json || contentType === 'application/json';
    const decoded = decodeDeviceMessage(payload, json ? 'json' : 'protobuf');
    if (!decoded.ok) return dead(decoded.reason, decoded.detail);
    const message = decoded.message;
    if (message.deviceId !== parsed.deviceId)
      return dead('device_mismatch', `payload says ${message.deviceId}, topic says ${parsed.deviceId}`);
    const device = await this.lookupDevice(parsed.deviceId, nowMs);
    if (!device) return dead('unknown_device', `${parsed.deviceId} is not provisioned or not active`);
    if (device.kind !== parsed.kind) return dead('kind_mismatch', `${parsed.deviceId} is a ${device.kind}`);
    const check = checkMessage(device, message, nowMs, {
      seqMaxAhead: this.config.DEVICE_SEQ_MAX_AHEAD,
      maxAgeMs: this.config.TELEMETRY_RETENTION_DAYS * 86_400_000,
      maxClockSkewMs: MAX_CLOCK_SKEW_MS,
    });
    if (!check.ok) return dead(check.reason, check.detail);
    return {
      type: 'accepted',
      device,
      channel: parsed.channel,
      message,
      receivedAtMs: nowMs,
      topic,
      payload,
    };
  }

  /** Device lookups wait for the database like writes do (the message stays unacknowledged meanwhile). */
  private async lookupDevice(deviceId: string, nowMs: number) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.directory.lookup(deviceId, nowMs);
      } catch (error) {
        if (this.stopping) throw error;
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
      }
    }
  }

  private clearRetained(topic: string): void {
    const client = this.lanes[0];
    if (this.stopping || !client?.connected) return;
    client.publish(topic, Buffer.alloc(0), { qos: 1, retain: true }, () => undefined);
  }

  private async commit(items: IngestItem[]): Promise<void> {
    await this.writer.write(items);
    // After the commit and off the acknowledgement path: a failing check never holds back acks.
    const accepted = items.filter((i): i is AcceptedMessage => i.type === 'accepted');
    void this.alerts
      .onStored(accepted)
      .catch((error: Error) => this.logger.warn(`alert checks failed: ${error.message}`));
  }
}
