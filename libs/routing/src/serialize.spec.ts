import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataPath } from '@rd/testing/shared-data';
import { mulberry32 } from '../test-fixtures/random-graph';
import { ChRoadRouter } from './ch-road-router';
import { RoutingError } from './errors';
import type { LonLat } from './geo';
import { importOsm } from './import-osm';
import { graphBbox } from './road-graph';
import { prepareRoutingData, type RoutingData } from './routing-data';
import { deserializeRoutingData, loadRoutingData, saveRoutingData, serializeRoutingData } from './serialize';

describe('save and load routing data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rd-routing-save-'));
  let data: RoutingData;
  let file: string;
  beforeAll(() => {
    const { graphs } = importOsm(sharedDataPath('osm', 'north-bayreuth-2014.osm.gz'));
    data = prepareRoutingData(graphs, { weightings: ['fastest', 'shortest'] });
    file = join(dir, 'bayreuth.rdrt');
    saveRoutingData(data, file);
  });

  it('loads into shared memory on request (for worker threads), answering the same', () => {
    const plain = new ChRoadRouter(loadRoutingData(file));
    const sharedData = loadRoutingData(file, { shared: true });
    expect(sharedData.profiles.van.ch.fastest?.upTarget.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(sharedData.profiles.van.graph.nodeLon.buffer).toBeInstanceOf(SharedArrayBuffer);
    const shared = new ChRoadRouter(sharedData);
    const [minLon, minLat, maxLon, maxLat] = graphBbox(data.profiles.van.graph);
    const rnd = mulberry32(8);
    const pts: LonLat[] = Array.from({ length: 40 }, () => [
      minLon + rnd() * (maxLon - minLon),
      minLat + rnd() * (maxLat - minLat),
    ]);
    const a = plain.matrixSync(pts.slice(0, 20), pts.slice(20));
    const b = shared.matrixSync(pts.slice(0, 20), pts.slice(20));
    expect(b.durationsS).toEqual(a.durationsS);
    expect(b.sources).toEqual(a.sources);
  });

  it('answers exactly as before saving', () => {
    const loaded = loadRoutingData(file);
    const a = new ChRoadRouter(data);
    const b = new ChRoadRouter(loaded);
    expect(b.profiles).toEqual(['van', 'motorbike']);
    const [minLon, minLat, maxLon, maxLat] = graphBbox(data.profiles.van.graph);
    const rnd = mulberry32(5);
    const pts: LonLat[] = Array.from({ length: 80 }, () => [
      minLon + rnd() * (maxLon - minLon),
      minLat + rnd() * (maxLat - minLat),
    ]);
    for (const profile of ['van', 'motorbike']) {
      expect(b.snapSync(pts, { profile })).toEqual(a.snapSync(pts, { profile }));
      for (const weighting of ['fastest', 'shortest'] as const) {
        const ma = a.matrixSync(pts.slice(0, 40), pts.slice(40), { profile, weighting });
        const mb = b.matrixSync(pts.slice(0, 40), pts.slice(40), { profile, weighting });
        expect(mb.durationsS).toEqual(ma.durationsS);
        expect(mb.distancesM).toEqual(ma.distancesM);
        for (let i = 0; i < 20; i++)
          expect(b.routeSync(pts[i], pts[79 - i], { profile, weighting })).toEqual(
            a.routeSync(pts[i], pts[79 - i], { profile, weighting }),
          );
      }
    }
  });

  it('rejects corrupt, truncated and foreign files with a clear error', () => {
    const bytes = serializeRoutingData(data);
    const flipped = bytes.slice();
    flipped[flipped.length - 100] ^= 0xff;
    expect(() => deserializeRoutingData(flipped)).toThrow(/checksum mismatch/);
    expect(() => deserializeRoutingData(bytes.slice(0, bytes.length - 64))).toThrow(RoutingError);
    expect(() => deserializeRoutingData(new TextEncoder().encode('not routing data at all'))).toThrow(
      /bad magic/,
    );
    const p = join(dir, 'cut.rdrt');
    writeFileSync(p, readFileSync(file).subarray(0, 1000));
    expect(() => loadRoutingData(p)).toThrow(/re-run the import/);
    expect(() => loadRoutingData(join(dir, 'missing.rdrt'))).toThrow(/not found/);
  });
});
