import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { deviceTopic, encodeDownlink } from '@rd/telemetry';
import { AlertsService } from '../alerts/alerts.service';
import { MqttPublisher } from '../mqtt-publisher.service';
import { OutboxRepository } from './outbox.repository';

/** Messages claimed (and exhausted ones failed) per round; the rest wait for the next tick. */
const SEND_BATCH = 500;

/**
 * Sends what the system owes devices (committed routes, accepted missions, commands) from the outbox:
 * each is resent with doubling back-off until the device's Ack closes it; after OUTBOX_MAX_ATTEMPTS
 * unanswered sends it fails and raises a `downlink_unacknowledged` alert.
 */
@Injectable()
export class OutboxSender {
  readonly stats = { sent: 0, failed: 0 };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxRepository,
    private readonly publisher: MqttPublisher,
    private readonly alerts: AlertsService,
  ) {}

  async sendDue(nowMs: number): Promise<void> {
    const nowIso = new Date(nowMs).toISOString();
    for (const failed of await this.outbox.failExhausted(
      nowIso,
      this.config.OUTBOX_MAX_ATTEMPTS,
      SEND_BATCH,
    )) {
      this.stats.failed++;
      await this.alerts.raise(
        'downlink_unacknowledged',
        failed.deviceId,
        'critical',
        `${failed.messageType} ${failed.id} not acknowledged after ${failed.attempts} sends`,
        { outboxId: failed.id, messageType: failed.messageType, refId: failed.refId },
      );
    }
    const due = await this.outbox.claimDue(
      nowIso,
      this.config.OUTBOX_MAX_ATTEMPTS,
      this.config.OUTBOX_RETRY_BASE_MS,
      SEND_BATCH,
    );
    for (const m of due) {
      const topic = deviceTopic(this.config.MQTT_TOPIC_ROOT, m.deviceKind, m.deviceId, m.channel);
      const payload = encodeDownlink({
        outboxId: m.id,
        messageType: m.messageType,
        payload: m.payload,
        sentAtMs: nowMs,
        attempt: m.attempts,
      });
      try {
        await this.publisher.publish(topic, payload);
        this.stats.sent++;
      } catch (error) {
        // Booked as an attempt already: it is resent after its back-off.
        await this.outbox.recordSendError(m.id, (error as Error).message);
      }
    }
  }
}
