import { haversineM, seededRandom } from '@rd/routing';
import type { DeviceMessage, DevicePosition, PayloadFormat } from '../device-codec';
import type { DeviceKind } from '../topics';

// One seeded generator for the whole project (mulberry32): the same seed gives the same run.
export { seededRandom };

export interface SimulatedDevice {
  deviceId: string;
  kind: DeviceKind;
  /** The line to follow, [lon, lat] (a committed route, a mission path). */
  path: Array<[number, number]>;
  speedMps: number;
  /** Indices of path vertices where the device stops, and for how long. */
  stops?: Array<{
    vertex: number;
    dwellS: number;
    trackingNumber?: string;
    /** The delivery fails here for this reason (a recipient not at home) instead of being delivered. */
    failReason?: string;
    /** A pickup: the parcel is collected here (`picked_up`) rather than delivered. */
    pickup?: boolean;
  }>;
  /** Device-time intervals without coverage: couriers buffer and send a batch after, drones lose the fixes. */
  deadZones?: Array<{ fromMs: number; toMs: number }>;
  /** Drone battery: level at the start and drain per second of flight; return-home need as a share. */
  battery?: { startLevel: number; drainPerS: number; returnHomeLevel: number };
  /** First sequence number to use (1 after provisioning). */
  firstSeq?: number;
}

export interface SimulationFaults {
  /** Share of messages never published (lost on the radio link before the broker). */
  loss: number;
  /** Share of messages published twice. */
  duplicate: number;
  /** Share of messages swapped with the next one of the same device. */
  reorder: number;
}

export interface OutgoingMessage {
  kind: DeviceKind;
  deviceId: string;
  channel: 'telemetry' | 'events';
  format: PayloadFormat;
  message: DeviceMessage;
}

export interface SimulationStats {
  generated: number;
  lost: number;
  duplicated: number;
  reordered: number;
  buffered: number;
}

function bearingDeg(a: [number, number], b: [number, number]): number {
  const toRad = Math.PI / 180;
  const y = Math.sin((b[0] - a[0]) * toRad) * Math.cos(b[1] * toRad);
  const x =
    Math.cos(a[1] * toRad) * Math.sin(b[1] * toRad) -
    Math.sin(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.cos((b[0] - a[0]) * toRad);
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

interface DeviceRun {
  device: SimulatedDevice;
  seq: number;
  /** Device time the run started. */
  startMs: number;
  /** Cumulative metres to each vertex and the time spent dwelling before reaching it. */
  vertexM: number[];
  /** Seconds spent at each stop's vertex. */
  dwellAtVertex: Map<number, number>;
  /** Device time the device reaches each of its stops (index as in `device.stops`). */
  arrivalMs: number[];
  buffer: DevicePosition[];
  /** Stops whose parcel event was sent; the others are sent, in order, once reached and in coverage. */
  reported: number;
  held: OutgoingMessage | null;
}

/** Metres along a device's path to each of its vertices. */
function cumulativeM(path: SimulatedDevice['path']): number[] {
  const vertexM = [0];
  for (let i = 1; i < path.length; i++) vertexM.push(vertexM[i - 1] + haversineM(...path[i - 1], ...path[i]));
  return vertexM;
}

/** Seconds a device dwells at each vertex that holds one of its stops. */
function dwellByVertex(device: SimulatedDevice): Map<number, number> {
  return new Map((device.stops ?? []).map((s) => [s.vertex, s.dwellS]));
}

/**
 * Device time at which a device started at `startMs` reaches each of its stops (index as in `device.stops`),
 * moving at its speed and dwelling at each: when the simulator reports the stop, and what a caller checks
 * that report against.
 */
export function stopArrivalsMs(
  device: SimulatedDevice,
  startMs = 0,
  vertexM = cumulativeM(device.path),
  dwellAtVertex = dwellByVertex(device),
): number[] {
  const atVertexMs: number[] = [startMs];
  let t = startMs;
  for (let v = 1; v < device.path.length; v++) {
    t += ((vertexM[v] - vertexM[v - 1]) / device.speedMps) * 1000;
    atVertexMs.push(t);
    t += (dwellAtVertex.get(v) ?? 0) * 1000;
  }
  return (device.stops ?? []).map((s) => atVertexMs[s.vertex] ?? Infinity);
}

/**
 * Moves simulated couriers and drones along their lines in device time and produces the messages they
 * would publish: positions each step (couriers buffer in dead zones and send a batch when back),
 * drone telemetry with battery, parcel delivery at each stop, with loss, duplicates and reordering.
 * Pure and seeded: time is an argument, nothing is published here (see `publishSimulation`).
 */
export class DeviceSimulator {
  private readonly runs: DeviceRun[];
  private readonly random: () => number;
  readonly stats: SimulationStats = { generated: 0, lost: 0, duplicated: 0, reordered: 0, buffered: 0 };

  constructor(
    devices: SimulatedDevice[],
    startMs: number,
    private readonly faults: SimulationFaults = { loss: 0, duplicate: 0, reorder: 0 },
    seed = 1,
    /**
     * The time devices stamp on what they send, for a simulated time (default: the same). A demo in
     * accelerated time maps its simulated day onto the wall clock, so device times stay real.
     */
    private readonly deviceClock: (simulatedMs: number) => number = (t) => t,
  ) {
    this.random = seededRandom(seed);
    this.runs = devices.map((device) => {
      const vertexM = cumulativeM(device.path);
      const dwellAtVertex = dwellByVertex(device);
      return {
        device,
        seq: (device.firstSeq ?? 1) - 1,
        startMs,
        vertexM,
        dwellAtVertex,
        arrivalMs: stopArrivalsMs(device, startMs, vertexM, dwellAtVertex),
        buffer: [],
        reported: 0,
        held: null,
      };
    });
  }

  /** Where a device is at a device time: position, heading, speed, and whether it finished its line. */
  locate(
    run: DeviceRun,
    atMs: number,
  ): { at: [number, number]; headingDeg: number; speedMps: number; done: boolean } {
    const { device, vertexM } = run;
    let remainingS = (atMs - run.startMs) / 1000;
    for (let v = 1; v < device.path.length; v++) {
      const legS = (vertexM[v] - vertexM[v - 1]) / device.speedMps;
      if (remainingS < legS) {
        const f = legS > 0 ? remainingS / legS : 1;
        const a = device.path[v - 1];
        const b = device.path[v];
        return {
          at: [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f],
          headingDeg: bearingDeg(a, b),
          speedMps: device.speedMps,
          done: false,
        };
      }
      remainingS -= legS;
      const dwellS = run.dwellAtVertex.get(v);
      if (dwellS !== undefined) {
        if (remainingS < dwellS) return { at: device.path[v], headingDeg: 0, speedMps: 0, done: false };
        remainingS -= dwellS;
      }
    }
    return {
      at: device.path[device.path.length - 1],
      headingDeg: 0,
      speedMps: 0,
      done: true,
    };
  }

  /** True once every device reached the end of its line at this time. */
  finished(atMs: number): boolean {
    return this.runs.every((r) => this.locate(r, atMs).done);
  }

  /** The messages all devices publish at device time `atMs`, after faults. */
  step(atMs: number): OutgoingMessage[] {
    const out: OutgoingMessage[] = [];
    for (const run of this.runs) {
      const produced = this.produce(run, atMs);
      for (const m of produced) this.applyFaults(run, m, out);
    }
    return out;
  }

  /** Messages held back for reordering, released at the end of a run. */
  flush(): OutgoingMessage[] {
    const out: OutgoingMessage[] = [];
    for (const run of this.runs) {
      if (run.held) out.push(run.held);
      run.held = null;
    }
    return out;
  }

  private produce(run: DeviceRun, atMs: number): OutgoingMessage[] {
    const { device } = run;
    const where = this.locate(run, atMs);
    const elapsedS = (atMs - run.startMs) / 1000;
    const level = device.battery
      ? Math.max(0, device.battery.startLevel - device.battery.drainPerS * elapsedS)
      : null;
    const position: DevicePosition = {
      lon: where.at[0],
      lat: where.at[1],
      altitudeAmslM: null,
      heightAboveTakeoffM: device.kind === 'drone' ? (where.done ? null : 60) : null,
      speedMps: where.speedMps,
      headingDeg: where.headingDeg,
      accuracyM: device.kind === 'courier' ? 8 : 2,
      batteryLevel: level,
      fixTimeMs: this.deviceClock(atMs),
    };
    const inDeadZone = (device.deadZones ?? []).some((z) => atMs >= z.fromMs && atMs < z.toMs);
    const messages: OutgoingMessage[] = [];
    const next = (
      body: DeviceMessage['body'],
      channel: OutgoingMessage['channel'],
      happenedAtMs = atMs,
    ): OutgoingMessage => ({
      kind: device.kind,
      deviceId: device.deviceId,
      channel,
      format: 'protobuf',
      message: {
        deviceId: device.deviceId,
        seq: ++run.seq,
        timestampMs: this.deviceClock(happenedAtMs),
        body,
      },
    });
    if (device.kind === 'courier') {
      if (inDeadZone) {
        run.buffer.push(position);
        this.stats.buffered++;
      } else if (run.buffer.length) {
        messages.push(next({ kind: 'position_batch', positions: [...run.buffer, position] }, 'telemetry'));
        run.buffer = [];
      } else {
        messages.push(next({ kind: 'position', position }, 'telemetry'));
      }
    } else if (!inDeadZone) {
      messages.push(
        next(
          {
            kind: 'drone',
            position,
            flightMode: where.done ? 'on_ground' : 'mission',
            remainingFlightS: level === null ? null : Math.round(level / (device.battery?.drainPerS || 1)),
            windSpeedMps: 4,
            windFromDeg: 200,
            returnHomeLevel: device.battery?.returnHomeLevel ?? null,
          },
          'telemetry',
        ),
      );
    }
    // A stop's parcel event once the device got there, even if no step fell inside its dwell. The phone
    // keeps what it did in a dead zone and sends it once back in coverage, stamped with when it happened.
    const stops = device.stops ?? [];
    while (!inDeadZone && run.reported < stops.length && run.arrivalMs[run.reported] <= atMs) {
      const stop = stops[run.reported];
      const doneAtMs = Math.min(atMs, run.arrivalMs[run.reported] + stop.dwellS * 1000);
      run.reported++;
      if (!stop.trackingNumber) continue;
      messages.push(
        next(
          {
            kind: 'parcel_event',
            trackingNumber: stop.trackingNumber,
            type: stop.pickup ? 'picked_up' : stop.failReason ? 'delivery_failed' : 'delivered',
            location: device.path[stop.vertex],
            // A simulated phone never learns the recipient's PIN: it proves delivery by photo.
            proof:
              stop.pickup || stop.failReason
                ? null
                : { kind: 'photo', reference: `photo:${stop.trackingNumber}` },
            reason: stop.pickup ? null : (stop.failReason ?? null),
            hubId: null,
          },
          'events',
          doneAtMs,
        ),
      );
    }
    this.stats.generated += messages.length;
    return messages;
  }

  private applyFaults(run: DeviceRun, m: OutgoingMessage, out: OutgoingMessage[]): void {
    // A lost position is gone; a parcel event stays in the phone's outbox until the broker acknowledges
    // it (QoS 1), so its loss only shows as the resend, which the broker may then see twice.
    const lost = this.random() < this.faults.loss;
    if (lost && m.channel !== 'events') {
      this.stats.lost++;
      return;
    }
    const copies = this.random() < this.faults.duplicate ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    if (run.held) {
      out.push(m);
      out.push(run.held);
      run.held = null;
    } else if (this.random() < this.faults.reorder) {
      this.stats.reordered++;
      run.held = m;
      if (copies === 2) out.push(m);
      return;
    } else {
      out.push(m);
    }
    if (copies === 2) out.push(m);
  }
}
