import { sharedDataPath } from '@rd/testing/shared-data';
import { length as turfLength } from '@turf/turf';
import { mulberry32 } from '../test-fixtures/random-graph';
import { sameEdgeCost, sourceSeeds, targetSeeds, ChRoadRouter } from './ch-road-router';
import { BidirectionalDijkstra } from './dijkstra';
import type { LonLat } from './geo';
import { lineLengthM } from './geometry';
import { importOsm } from './import-osm';
import { buildArcGraph, graphBbox, type RoadGraph, type Weighting } from './road-graph';
import { prepareProfile, type RoutingData } from './routing-data';
import type { SnappedPoint } from './snap';

const close = (a: number, b: number, rel = 1e-9): boolean =>
  a === b || Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

/** Random points: half near a random road (up to ~300 m off), half anywhere in the bbox. */
function randomPoints(g: RoadGraph, count: number, seed: number): LonLat[] {
  const rnd = mulberry32(seed);
  const [minLon, minLat, maxLon, maxLat] = graphBbox(g);
  const out: LonLat[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      const p = g.edgeGeomFirst[Math.floor(rnd() * g.edgeCount)];
      out.push([g.geomLon[p] + (rnd() - 0.5) * 0.006, g.geomLat[p] + (rnd() - 0.5) * 0.004]);
    } else out.push([minLon + rnd() * (maxLon - minLon), minLat + rnd() * (maxLat - minLat)]);
  }
  return out;
}

const extracts = [
  'andorra-2025-01.osm.pbf',
  'liechtenstein-2015.osm.pbf',
  'north-bayreuth-2014.osm.gz',
  'beatty-nv-2019.osm',
];

describe.each(extracts)('ChRoadRouter on %s', (file) => {
  let data: RoutingData;
  let router: ChRoadRouter;
  beforeAll(() => {
    const { graphs } = importOsm(sharedDataPath('osm', file), { profiles: ['van', 'motorbike'] });
    // contract only what the cases below use
    data = {
      profiles: {
        van: prepareProfile(graphs.van, { weightings: ['fastest'] }),
        motorbike: prepareProfile(graphs.motorbike, { weightings: ['shortest'] }),
      },
    };
    router = new ChRoadRouter(data, { maxSnapDistanceM: 5000 });
  });

  it.each([
    ['van', 'fastest'],
    ['motorbike', 'shortest'],
  ] as Array<[string, Weighting]>)(
    '%s %s: 2,000 snapped pairs equal Dijkstra; geometry matches',
    (profile, weighting) => {
      const g = data.profiles[profile].graph;
      const dj = new BidirectionalDijkstra(buildArcGraph(g, weighting));
      const pts = router
        .snapSync(randomPoints(g, 8000, 7), { profile })
        .filter((s): s is SnappedPoint => s.ok);
      expect(pts.length).toBeGreaterThanOrEqual(4000);
      let routed = 0;
      for (let i = 0; i < 4000; i += 2) {
        const a = pts[i];
        const b = pts[i + 1];
        const withGeometry = i % 8 === 0;
        const r = router.routeSync(a, b, { profile, weighting, geometry: withGeometry });
        const oracle = dj.query(sourceSeeds(g, weighting, a), targetSeeds(g, weighting, b));
        const direct = sameEdgeCost(g, weighting, a, b)[0];
        const expected = Math.min(oracle.weight, direct);
        if (!r.ok) {
          expect(r.reason).toBe('unreachable');
          expect(expected).toBe(Infinity);
          continue;
        }
        routed++;
        const weight = weighting === 'fastest' ? r.durationS : r.distanceM;
        if (!close(weight, expected)) throw new Error(`pair ${i}: CH ${weight} ≠ Dijkstra ${expected}`);
        if (withGeometry && r.geometry) {
          const c = r.geometry.coordinates;
          expect(c[0]).toEqual(a.snapped);
          expect(c[c.length - 1]).toEqual(b.snapped);
          // Turf (independent, but slow) on a sample, our haversine sum on all
          const lenM =
            i % 64 === 0
              ? turfLength({ type: 'Feature', properties: {}, geometry: r.geometry }, { units: 'meters' })
              : lineLengthM(c);
          expect(Math.abs(lenM - r.distanceM)).toBeLessThan(1);
        }
      }
      // points snap to the main strongly connected component, so every pair is reachable
      expect(routed).toBe(2000);
    },
  );

  it('matrix entries equal point-to-point answers (van, 60×70)', () => {
    const g = data.profiles.van.graph;
    const pts = randomPoints(g, 130, 11);
    const m = router.matrixSync(pts.slice(0, 60), pts.slice(60), { profile: 'van' });
    expect(m.rows).toBe(60);
    expect(m.cols).toBe(70);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < m.cols; j++) {
        const r = router.routeSync(
          m.sources[i].ok ? (m.sources[i] as SnappedPoint) : pts[i],
          m.targets[j].ok ? (m.targets[j] as SnappedPoint) : pts[60 + j],
          { geometry: false },
        );
        const d = m.durationsS[i * m.cols + j];
        if (!r.ok) expect(d).toBe(Infinity);
        else {
          if (!close(d, r.durationS)) throw new Error(`(${i},${j}) matrix ${d} ≠ route ${r.durationS}`);
          expect(close(m.distancesM[i * m.cols + j], r.distanceM, 1e-6)).toBe(true);
        }
      }
    }
  });
});
