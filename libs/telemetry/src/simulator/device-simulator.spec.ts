import { DeviceSimulator, type OutgoingMessage, type SimulatedDevice } from './device-simulator';

const courier: SimulatedDevice = {
  deviceId: 'CR-1',
  kind: 'courier',
  path: [
    [115.0, 28.0],
    [115.01, 28.0],
    [115.02, 28.0],
  ],
  speedMps: 10,
  stops: [{ vertex: 1, dwellS: 60, trackingNumber: 'T1' }],
};

function run(sim: DeviceSimulator, startMs: number, steps: number, stepMs: number): OutgoingMessage[] {
  const out: OutgoingMessage[] = [];
  for (let i = 0; i < steps; i++) out.push(...sim.step(startMs + i * stepMs));
  return [...out, ...sim.flush()];
}

describe('DeviceSimulator', () => {
  const start = 1_764_000_000_000;

  it('moves along the line at its speed, dwells at stops and reports the delivery once', () => {
    const sim = new DeviceSimulator([courier], start);
    const messages = run(sim, start, 400, 10_000);
    const fixes = messages.flatMap((m) =>
      m.message.body.kind === 'position' ? [m.message.body.position] : [],
    );
    // ~1,093 m per leg at 10 m/s: at 50 s the courier is about half-way along the first leg.
    expect(fixes[5].lon).toBeCloseTo(115.005, 3);
    const deliveries = messages.filter((m) => m.message.body.kind === 'parcel_event');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].message.body).toMatchObject({ trackingNumber: 'T1', type: 'delivered' });
    expect(fixes[fixes.length - 1].lon).toBeCloseTo(115.02, 6);
    // Sequence numbers are consecutive from 1.
    expect(messages.map((m) => m.message.seq)).toEqual(messages.map((_, i) => i + 1));
  });

  it('reports a failed delivery with its reason, a pickup as picked up, and stamps times from its device clock', () => {
    const stops = [
      { vertex: 1, dwellS: 60, trackingNumber: 'T1', failReason: 'recipient not at home' },
      { vertex: 2, dwellS: 60, trackingNumber: 'T2', pickup: true },
    ];
    const wallStart = 1_800_000_000_000;
    // Simulated time 60× faster than the wall clock the devices stamp.
    const sim = new DeviceSimulator([{ ...courier, stops }], start, undefined, 1, (t) =>
      Math.round(wallStart + (t - start) / 60),
    );
    const messages = run(sim, start, 400, 10_000);
    const events = messages.flatMap((m) => (m.message.body.kind === 'parcel_event' ? [m.message.body] : []));
    expect(events).toEqual([
      expect.objectContaining({
        trackingNumber: 'T1',
        type: 'delivery_failed',
        reason: 'recipient not at home',
        proof: null,
      }),
      expect.objectContaining({ trackingNumber: 'T2', type: 'picked_up', reason: null, proof: null }),
    ]);
    const second = messages[1].message;
    expect(second.timestampMs).toBe(wallStart + Math.round(10_000 / 60));
    if (second.body.kind === 'position') expect(second.body.position.fixTimeMs).toBe(second.timestampMs);
  });

  it('buffers a courier’s fixes in a dead zone and sends them as one batch when back', () => {
    const sim = new DeviceSimulator(
      [{ ...courier, deadZones: [{ fromMs: start + 30_000, toMs: start + 80_000 }] }],
      start,
    );
    const messages = run(sim, start, 12, 10_000);
    const batch = messages.find((m) => m.message.body.kind === 'position_batch');
    expect(batch?.message.body).toMatchObject({ kind: 'position_batch' });
    const fixes = batch!.message.body.kind === 'position_batch' ? batch!.message.body.positions : [];
    expect(fixes.map((f) => f.fixTimeMs - start)).toEqual([30_000, 40_000, 50_000, 60_000, 70_000, 80_000]);
  });

  it('reports a stop even when no sample falls inside its dwell, stamped with the time the courier was there', () => {
    // Arrival at ~109 s, 10 s dwell: the 60 s samples (at 60 s and 120 s) both miss it.
    const sim = new DeviceSimulator(
      [{ ...courier, stops: [{ vertex: 1, dwellS: 10, trackingNumber: 'T1' }] }],
      start,
    );
    const events = run(sim, start, 10, 60_000).filter((m) => m.message.body.kind === 'parcel_event');
    expect(events).toHaveLength(1);
    expect(events[0].message.body).toMatchObject({ trackingNumber: 'T1', type: 'delivered' });
    expect(events[0].message.timestampMs - start).toBeGreaterThan(100_000);
    expect(events[0].message.timestampMs - start).toBeLessThan(120_000);
  });

  it('keeps a delivery made in a dead zone on the phone and sends it once back in coverage', () => {
    const sim = new DeviceSimulator(
      [{ ...courier, deadZones: [{ fromMs: start + 60_000, toMs: start + 300_000 }] }],
      start,
    );
    const messages = run(sim, start, 40, 10_000);
    const events = messages.filter((m) => m.message.body.kind === 'parcel_event');
    expect(events).toHaveLength(1);
    // Delivered at ~109 s (inside the zone), sent when the phone is back at 300 s.
    expect(events[0].message.timestampMs - start).toBeLessThan(170_000);
    const sentAfter = messages.indexOf(events[0]);
    const batch = messages.findIndex((m) => m.message.body.kind === 'position_batch');
    expect(batch).toBeGreaterThanOrEqual(0);
    expect(Math.abs(sentAfter - batch)).toBeLessThanOrEqual(1);
  });

  it('never loses a parcel event on the radio link: the phone resends it until the broker takes it', () => {
    const stops = [
      { vertex: 1, dwellS: 60, trackingNumber: 'T1' },
      { vertex: 2, dwellS: 60, trackingNumber: 'T2', failReason: 'recipient not at home' },
    ];
    const sim = new DeviceSimulator([{ ...courier, stops }], start, { loss: 1, duplicate: 0, reorder: 0 }, 3);
    const messages = run(sim, start, 400, 10_000);
    expect(messages.every((m) => m.message.body.kind === 'parcel_event')).toBe(true);
    expect(
      messages.map((m) => m.message.body.kind === 'parcel_event' && m.message.body.trackingNumber),
    ).toEqual(['T1', 'T2']);
  });

  it('applies loss, duplicates and reordering as seeded, and nothing else', () => {
    const faults = { loss: 0.1, duplicate: 0.1, reorder: 0.1 };
    const a = run(new DeviceSimulator([courier], start, faults, 7), start, 200, 10_000);
    const b = run(new DeviceSimulator([courier], start, faults, 7), start, 200, 10_000);
    expect(a).toEqual(b);
    const sim = new DeviceSimulator([courier], start, faults, 7);
    const messages = run(sim, start, 200, 10_000);
    const seqs = messages.map((m) => m.message.seq);
    expect(new Set(seqs).size).toBe(sim.stats.generated - sim.stats.lost);
    expect(seqs.length).toBe(sim.stats.generated - sim.stats.lost + sim.stats.duplicated);
    expect(sim.stats.lost).toBeGreaterThan(0);
    expect(sim.stats.reordered).toBeGreaterThan(0);
    expect(seqs.some((s, i) => i > 0 && s < seqs[i - 1])).toBe(true);
  });
});
