import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@rd/config';
import { serviceDayOf, serviceDayStartMs } from '@rd/domain';
import type { DataSource } from 'typeorm';
import { sqlExec, sqlRow } from './sql';

/** The database serves service days in one zone and SERVICE_TIME_ZONE names another, with orders dated in the first. */
export class ServiceTimeZoneMismatch extends Error {}

/**
 * Makes the database date orders in `zone`. A database without orders switches silently (a new
 * deployment, a test database cloned from the UTC template); one with orders switches only when asked
 * (`redate`), re-dating every order from its window start — two apps configured with different zones
 * would otherwise move orders between days each time one of them starts.
 */
export async function ensureServiceTimeZone(db: DataSource, zone: string, redate: boolean): Promise<void> {
  await db.transaction(async (m) => {
    const stored = await sqlRow<{ value: string }>(
      m,
      `SELECT value FROM service_settings WHERE key = 'time_zone' FOR UPDATE`,
    );
    if (stored?.value === zone) return;
    const dated = await sqlRow<{ any: boolean }>(m, `SELECT EXISTS (SELECT 1 FROM orders) AS any`);
    if (dated?.any && !redate)
      throw new ServiceTimeZoneMismatch(
        `the database dates orders in ${stored?.value ?? 'UTC'} but SERVICE_TIME_ZONE is ${zone}: ` +
          `set SERVICE_TIME_ZONE=${stored?.value ?? 'UTC'}, or start once with SERVICE_TIME_ZONE_REDATE=true ` +
          `to move every order to its day in ${zone} (plans already made keep their days)`,
      );
    await sqlExec(
      m,
      `INSERT INTO service_settings (key, value) VALUES ('time_zone', $1)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [zone],
    );
    // The trigger re-dates each order from its window start in the new zone.
    if (dated?.any) await sqlExec(m, `UPDATE orders SET window_start = window_start`);
  });
}

/** Apps that date orders check the database's zone against their configuration before serving. */
@Injectable()
export class ServiceTimeZoneCheck implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return ensureServiceTimeZone(
      this.db,
      this.config.SERVICE_TIME_ZONE,
      this.config.SERVICE_TIME_ZONE_REDATE,
    );
  }
}

/** Today and day starts in the operator's zone (SERVICE_TIME_ZONE), for services that default a day. */
@Injectable()
export class ServiceDays {
  readonly zone: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.zone = config.SERVICE_TIME_ZONE;
  }

  /** The service day a moment falls on (default: now). */
  dayOf(ms: number = Date.now()): string {
    return serviceDayOf(this.zone, ms);
  }

  /** Local midnight of a service day, as epoch milliseconds. */
  startMs(day: string): number {
    return serviceDayStartMs(this.zone, day);
  }
}
