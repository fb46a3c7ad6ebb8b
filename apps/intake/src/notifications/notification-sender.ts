import { Logger } from '@nestjs/common';

/** One message to a recipient, as the outbox holds it. */
export interface Notification {
  id: string;
  kind: string;
  recipientPhone: string;
  payload: Record<string, unknown>;
}

/**
 * Sends one notification; a rejected promise means "not sent, try again later". An SMS gateway or a
 * messaging platform implements this; the outbox gives at-least-once delivery, so a sender that can
 * should pass `notification.id` on as its idempotency key.
 */
export interface NotificationSender {
  readonly name: string;
  send(notification: Notification): Promise<void>;
}

export const NOTIFICATION_SENDER = Symbol('NOTIFICATION_SENDER');

/** The text a recipient reads (one language for now; the payload keeps the fields for templates). */
export function notificationText(n: Notification): string {
  const p = n.payload as Record<string, string | undefined>;
  // collectByDay is the last day on the service zone's calendar (older messages carry only the instant).
  const where = p.village ? `${p.pointName} (${p.village})` : p.pointName;
  switch (n.kind) {
    case 'collection_ready':
      return `Parcel ${p.trackingNumber} is waiting for you at ${where}. Collection code ${p.code}. Collect by ${p.collectByDay ?? p.collectBy?.slice(0, 10)}.`;
    case 'collection_expired':
      return `Parcel ${p.trackingNumber} was not collected at ${where} in time and goes back to the sender.`;
    default:
      return `Parcel ${p.trackingNumber}: ${n.kind}`;
  }
}

/** Only the last digits of a phone number, for logs. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `…${digits.slice(-3)}`;
}

/** Development sender: writes each message to the log instead of sending it. */
export class LogNotificationSender implements NotificationSender {
  readonly name = 'log';
  private readonly logger = new Logger('Notifications');

  async send(n: Notification): Promise<void> {
    this.logger.log(`to ${maskPhone(n.recipientPhone)}: ${notificationText(n)}`);
  }
}
