import type { AppConfig } from '@rd/config';
import type { AcceptedMessage } from '../ingest/ingest.types';
import type { MqttPublisher } from '../mqtt-publisher.service';
import type { AirspaceCheck, DroneFix, FixVerdict } from './airspace-check';
import type { AlertKind, AlertsRepository, AlertView } from './alerts.repository';
import { AlertsService } from './alerts.service';

/**
 * The order of the airspace alert writes, which the real database cannot be made to interleave on demand:
 * an in-memory alert book (open alerts per kind and device) whose resolve can be held back, and an airspace
 * check that calls a fix outside its corridor when its time is at or after `offLaneFromMs`.
 */
class AlertBook {
  readonly open = new Set<string>();
  readonly log: string[] = [];
  private nextId = 1;
  /** While set, a resolve waits for it (a slow write of an older batch). */
  gate: Promise<void> | null = null;

  async raise(input: { kind: AlertKind; deviceId: string | null }): Promise<AlertView | null> {
    await Promise.resolve();
    const key = `${input.kind}:${input.deviceId}`;
    this.log.push(`raise ${key}`);
    if (this.open.has(key)) return null;
    this.open.add(key);
    return { id: this.nextId++, kind: input.kind, deviceId: input.deviceId } as AlertView;
  }

  async resolve(kind: AlertKind, deviceIds: string[]): Promise<number> {
    if (this.gate) await this.gate;
    let n = 0;
    for (const id of deviceIds) if (this.open.delete(`${kind}:${id}`)) n++;
    this.log.push(`resolve ${kind}:${deviceIds.join(',')}`);
    return n;
  }
}

const offLaneFromMs = 2000;
const airspace: AirspaceCheck = {
  check: (fixes: DroneFix[]): Promise<FixVerdict[]> =>
    Promise.resolve(
      fixes.map((fix) => ({
        fix,
        judged: true,
        violations:
          fix.position.fixTimeMs >= offLaneFromMs
            ? [{ kind: 'outside_corridor' as const, detail: 'off the lane', details: {} }]
            : [],
      })),
    ),
};

function droneFix(deviceId: string, fixTimeMs: number): AcceptedMessage {
  return {
    device: { deviceId, droneId: 'D-1' },
    message: {
      body: {
        kind: 'drone',
        position: { lon: 0, lat: 0, batteryLevel: null, fixTimeMs },
        returnHomeLevel: null,
        flightMode: 'mission',
      },
    },
  } as unknown as AcceptedMessage;
}

describe('AlertsService airspace alert writes', () => {
  it("write in the order their verdicts were settled: an older batch's slow 'clean' does not resolve a newer batch's alert", async () => {
    const book = new AlertBook();
    const publisher = { publish: () => Promise.resolve() } as unknown as MqttPublisher;
    const service = new AlertsService(
      book as unknown as AlertsRepository,
      publisher,
      { MQTT_TOPIC_ROOT: 'rd-test' } as AppConfig,
      airspace,
    );
    let release!: () => void;
    book.gate = new Promise<void>((resolve) => (release = resolve));
    // the older batch (on the lane) is judged first; its resolve is held back in the database
    const older = service.onStored([droneFix('dev-1', 1000)]);
    // the newer batch (off the lane) is judged while the older one's writes are still under way
    const newer = service.onStored([droneFix('dev-1', offLaneFromMs)]);
    await new Promise((resolve) => setImmediate(resolve));
    book.gate = null;
    release();
    await Promise.all([older, newer]);
    expect(book.open.has('outside_corridor:dev-1')).toBe(true);
    const firstRaise = book.log.indexOf('raise outside_corridor:dev-1');
    const olderResolve = book.log.indexOf('resolve outside_corridor:dev-1');
    expect(olderResolve).toBeGreaterThanOrEqual(0);
    expect(firstRaise).toBeGreaterThan(olderResolve);
  });
});
