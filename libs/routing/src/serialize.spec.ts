import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
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
import {
  deserializeRoutingData,
  loadRoutingData,
  loadRoutingDataInSlices,
  saveRoutingData,
  saveRoutingDataInSlices,
  serializeRoutingData,
} from './serialize';

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

  // Node reads and writes at most 2 GiB per call: a province (5 M graph nodes) is ~2.3 GB of routing data
  describe('files larger than 2 GiB', () => {
    const TWO_GIB = 2 ** 31;

    it('refuses a foreign one with a clear error, reading only its header', () => {
      const foreign = join(dir, 'foreign.rdrt');
      writeFileSync(foreign, 'not routing data');
      truncateSync(foreign, TWO_GIB + 4096);
      try {
        expect(() => loadRoutingData(foreign)).toThrow(/bad magic/);
        expect(() => loadRoutingData(foreign, { shared: true })).toThrow(/bad magic/);
      } finally {
        rmSync(foreign);
      }
    });
  });

  it('writes and reads in slices (Node takes at most 2 GiB per call): the same file, the same data', () => {
    const sliced = join(dir, 'sliced.rdrt');
    // slices smaller than the metadata and than most sections, and not dividing them
    expect(saveRoutingDataInSlices(data, sliced, 4096 + 8)).toBe(serializeRoutingData(data).length);
    expect(readFileSync(sliced).equals(Buffer.from(serializeRoutingData(data)))).toBe(true);
    for (const shared of [false, true]) {
      const loaded = loadRoutingDataInSlices(sliced, { shared }, 1000);
      // Buffer.equals: Jest's deep equality walks a typed array key by key (minutes for megabytes)
      expect(Buffer.from(serializeRoutingData(loaded)).equals(Buffer.from(serializeRoutingData(data)))).toBe(
        true,
      );
    }
  });

  it('saves through a temporary file: a save that fails keeps the file that was there', () => {
    const target = join(dir, 'kept.rdrt');
    saveRoutingData(data, target);
    const before = readFileSync(target);
    const name = Object.keys(data.profiles)[0];
    const broken: RoutingData = {
      profiles: { [name]: { ...data.profiles[name], inMain: undefined as unknown as Uint8Array } },
    };
    expect(() => saveRoutingData(broken, target)).toThrow();
    expect(readFileSync(target).equals(before)).toBe(true);
    expect(readFileSync(target).equals(Buffer.from(serializeRoutingData(data)))).toBe(true);
  });
});
