import { buildRoadGraphs } from './import-osm';
import { ChRoadRouter } from './ch-road-router';
import { haversineM, type LonLat } from './geo';
import { readOsmXml } from './osm/xml-reader';
import {
  barrierBlocks,
  exceededLimit,
  MOTORBIKE,
  parseLengthM,
  parseWeightG,
  VAN,
  type OsmTags,
  type VehicleProfile,
} from './profiles';
import { prepareRoutingData } from './routing-data';

/*
 * P and Q are joined by a short direct road (P – M – Q, ~220 m) and a long detour (P – D1 – D2 – Q,
 * ~1.4 km). Limits go on the direct road's way or on its middle node M.
 */
const P: LonLat = [10, 50];
const Q: LonLat = [10, 50.002];
function network(directWayTags: OsmTags, middleNodeTags: OsmTags = {}): string {
  const tag = (t: OsmTags): string =>
    Object.entries(t)
      .map(([k, v]) => `<tag k="${k}" v="${v.replace(/"/g, '&quot;')}"/>`)
      .join('');
  return `<?xml version="1.0"?><osm version="0.6">
    <node id="1" lon="10" lat="50"/><node id="2" lon="10" lat="50.002"/>
    <node id="3" lon="10" lat="50.001">${tag(middleNodeTags)}</node>
    <node id="4" lon="10.008" lat="50"/><node id="5" lon="10.008" lat="50.002"/>
    <way id="10"><nd ref="1"/><nd ref="3"/><nd ref="2"/>${tag({ highway: 'primary', ...directWayTags })}</way>
    <way id="11"><nd ref="1"/><nd ref="4"/><nd ref="5"/><nd ref="2"/>${tag({ highway: 'primary' })}</way>
  </osm>`;
}
const directM = haversineM(...P, ...Q);

/** Road distance P → Q for a profile, or Infinity. */
function distancePQ(xml: string, profile: VehicleProfile): number {
  const graphs = buildRoadGraphs(readOsmXml(xml, 'fixture'), [profile]);
  const router = new ChRoadRouter(prepareRoutingData(graphs, { weightings: ['shortest'] }));
  const r = router.routeSync(P, Q, { weighting: 'shortest', geometry: false });
  return r.ok ? r.distanceM : Infinity;
}
const direct = (xml: string, p: VehicleProfile): boolean => Math.abs(distancePQ(xml, p) - directM) < 0.01;

const truck: VehicleProfile = {
  ...VAN,
  name: 'truck',
  dimensions: { heightM: 3.6, widthM: 2.5, lengthM: 10, grossWeightG: 12_000_000, axleLoadG: 8_000_000 },
};

describe('vehicle dimensions and weight', () => {
  it('a height_restrictor binds only on vehicles taller than its maxheight (the issue: 4.30 m stopped vans)', () => {
    const high = network({}, { barrier: 'height_restrictor', maxheight: '4.30' });
    expect(direct(high, VAN)).toBe(true);
    expect(direct(high, truck)).toBe(true);
    const low = network({}, { barrier: 'height_restrictor', maxheight: '3.2' });
    expect(direct(low, VAN)).toBe(true);
    expect(direct(low, truck)).toBe(false);
    expect(distancePQ(low, truck)).toBeGreaterThan(1300);
    const lower = network({}, { barrier: 'height_restrictor', maxheight: '2.3' });
    expect(direct(lower, VAN)).toBe(false);
    expect(direct(lower, MOTORBIKE)).toBe(true);
    // an untagged height restrictor stays a barrier for the profiles that list it
    const unknown = network({}, { barrier: 'height_restrictor' });
    expect(direct(unknown, VAN)).toBe(false);
    expect(direct(unknown, MOTORBIKE)).toBe(true);
  });

  it('a maxheight node without a barrier (an underpass) cuts the way for taller vehicles only', () => {
    const xml = network({}, { maxheight: '10\'6"' }); // 3.20 m
    expect(direct(xml, VAN)).toBe(true);
    expect(direct(xml, truck)).toBe(false);
  });

  it.each([
    ['maxheight', '3.5', true, false],
    ['maxwidth', '2.2', true, false],
    ['maxlength', '8', true, false],
    ['maxweight', '7.5', true, false],
    ['maxweight', '3', false, false],
    ['maxaxleload', '4 t', true, false],
    ['maxaxleload', '1500 kg', false, false],
    ['maxheight', 'default', true, true],
    ['maxweight', 'none', true, true],
  ])('way %s=%s: van passes %s, truck passes %s', (key, value, vanPasses, truckPasses) => {
    const xml = network({ [key]: value });
    expect(direct(xml, VAN)).toBe(vanPasses);
    expect(direct(xml, truck)).toBe(truckPasses);
  });

  it('a profile without dimensions ignores limits, as before', () => {
    const noDims: VehicleProfile = { ...VAN, name: 'nodims', dimensions: undefined };
    expect(direct(network({ maxweight: '1' }), noDims)).toBe(true);
    expect(exceededLimit(noDims, { maxheight: '1' })).toBeNull();
  });

  it('parses the units OSM uses', () => {
    expect(parseLengthM('3.5')).toBe(3.5);
    expect(parseLengthM('3,5 m')).toBe(3.5);
    expect(parseLengthM('350 cm')).toBeCloseTo(3.5, 9);
    expect(parseLengthM(`12'6"`)).toBeCloseTo(12 * 0.3048 + 6 * 0.0254, 9);
    expect(parseLengthM('14 ft')).toBeCloseTo(14 * 0.3048, 9);
    expect(parseLengthM('below_default')).toBeNaN();
    expect(parseWeightG('7.5')).toBe(7_500_000);
    expect(parseWeightG('7.5 t')).toBe(7_500_000);
    expect(parseWeightG('750 kg')).toBe(750_000);
    expect(parseWeightG('5000 lbs')).toBeCloseTo(5000 * 453.59237, 6);
    expect(parseWeightG('unsigned')).toBeNaN();
  });

  it('a limit is physical: an access tag on the restrictor does not lift it', () => {
    expect(barrierBlocks(truck, { barrier: 'height_restrictor', maxheight: '3', motor_vehicle: 'yes' })).toBe(
      true,
    );
    expect(barrierBlocks(VAN, { barrier: 'height_restrictor', maxheight: '3', motor_vehicle: 'yes' })).toBe(
      false,
    );
  });

  describe('each vehicle by its own figures (one graph, a hierarchy per set of closed roads)', () => {
    const routerFor = (xml: string): ChRoadRouter =>
      new ChRoadRouter(
        prepareRoutingData(buildRoadGraphs(readOsmXml(xml, 'fixture'), [VAN]), {
          weightings: ['fastest', 'shortest'],
        }),
      );
    const distance = (router: ChRoadRouter, profile: string): number => {
      const r = router.routeSync(P, Q, { profile, weighting: 'shortest', geometry: false });
      return r.ok ? r.distanceM : Infinity;
    };

    it('a 4.0 m restrictor: the van goes under, a 4.2 m truck on the van profile detours', () => {
      const router = routerFor(network({}, { barrier: 'height_restrictor', maxheight: '4.0' }));
      const truckProfile = router.profileForVehicle('van', { heightM: 4.2 });
      expect(truckProfile).not.toBe('van');
      expect(distance(router, 'van')).toBeCloseTo(directM, 1);
      expect(distance(router, truckProfile)).toBeGreaterThan(1300);
      // the same closed roads, the same hierarchy
      expect(router.profileForVehicle('van', { heightM: 4.5, widthM: 2.3 })).toBe(truckProfile);
      // a matrix per class: the tall truck's P → Q is the detour
      const m = router.matrixSync([P], [Q], { profile: truckProfile, weighting: 'shortest' });
      expect(m.distancesM[0]).toBeCloseTo(distance(router, truckProfile), 6);
    });

    it('a vehicle whose figures close nothing more shares the profile (no new hierarchy)', () => {
      const router = routerFor(network({}, { barrier: 'height_restrictor', maxheight: '4.0' }));
      expect(router.profileForVehicle('van', { heightM: 3.9 })).toBe('van');
      expect(router.profileForVehicle('van', {})).toBe('van');
      // a map with no limits at all: every vehicle routes on its profile
      const plain = routerFor(network({}));
      expect(plain.profileForVehicle('van', { heightM: 9, grossWeightG: 40_000_000 })).toBe('van');
    });

    it('a smaller vehicle than the profile assumes opens roads the profile closes', () => {
      const router = routerFor(network({}, { barrier: 'height_restrictor', maxheight: '2.3' }));
      expect(distance(router, 'van')).toBeGreaterThan(1300); // the profile's van is 2.7 m high
      const low = router.profileForVehicle('van', { heightM: 2.1 });
      expect(distance(router, low)).toBeCloseTo(directM, 1);
    });

    it('weight and axle load limits on ways, per vehicle', () => {
      const router = routerFor(network({ maxweight: '7.5', maxaxleload: '4' }));
      expect(distance(router, 'van')).toBeCloseTo(directM, 1);
      expect(distance(router, router.profileForVehicle('van', { grossWeightG: 12_000_000 }))).toBeGreaterThan(
        1300,
      );
      expect(distance(router, router.profileForVehicle('van', { axleLoadG: 4_500_000 }))).toBeGreaterThan(
        1300,
      );
      expect(router.profileForVehicle('van', { grossWeightG: 7_500_000, axleLoadG: 4_000_000 })).toBe('van');
    });

    it('a stop on the far side of a restrictor stays reachable from that side', () => {
      // the restrictor closes only the segments touching it: Q is still reached by the detour
      const router = routerFor(network({}, { barrier: 'height_restrictor', maxheight: '4.0' }));
      const truckProfile = router.profileForVehicle('van', { heightM: 4.2 });
      const [q] = router.snapSync([Q], { profile: truckProfile });
      expect(q.ok).toBe(true);
      if (q.ok) expect(haversineM(...q.snapped, ...Q)).toBeLessThan(1);
    });
  });
});
