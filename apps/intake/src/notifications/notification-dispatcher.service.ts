import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { NotificationOutboxRepository } from './notification-outbox.repository';
import { NOTIFICATION_SENDER, type NotificationSender } from './notification-sender';

/** Sends the outbox on a timer; while the sender is down messages wait (with back-off), none is lost. */
@Injectable()
export class NotificationDispatcher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(NotificationDispatcher.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly outbox: NotificationOutboxRepository,
    @Inject(NOTIFICATION_SENDER) private readonly sender: NotificationSender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.NOTIFICATION_INTERVAL_MS <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.config.NOTIFICATION_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Sends what is due now (at most `limit`); a different sender may be passed (tests, a fallback). */
  sendDue(sender: NotificationSender = this.sender, limit = 200) {
    return this.outbox.sendDue(limit, (n) => sender.send(n), {
      maxAttempts: this.config.NOTIFICATION_MAX_ATTEMPTS,
      baseMs: this.config.NOTIFICATION_RETRY_BASE_MS,
    });
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.sendDue()
      .then((o) => {
        if (o.sent || o.failed || o.retrying) this.logger.log(`notifications ${JSON.stringify(o)}`);
      })
      .catch((e: Error) => this.logger.warn(`notification run failed: ${e.message}`))
      .finally(() => (this.running = null));
    await this.running;
  }
}
