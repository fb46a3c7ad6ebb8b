import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sharedDataPath } from '@rd/testing/shared-data';
import { buildArcGraph } from './road-graph';
import { largestStronglyConnectedComponent } from './components';
import { importOsm } from './import-osm';
import { RoutingError } from './errors';
import { barrierBlocks, MOTORBIKE, VAN, wayAccess, parseMaxspeedKmh } from './profiles';

const fixture = (name: string): string => join(__dirname, '..', 'test-fixtures', name);

function expectRoutingError(fn: () => unknown, code: string, message: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RoutingError);
    expect((e as RoutingError).code).toBe(code);
    expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a RoutingError');
}

describe('profiles as data', () => {
  it('reads oneway, roundabouts, access, tracks, surfaces and maxspeed', () => {
    expect(wayAccess(VAN, { highway: 'residential', oneway: 'yes' })).toEqual({
      forwardKmh: 30,
      backwardKmh: 0,
    });
    expect(wayAccess(VAN, { highway: 'residential', oneway: '-1' })).toEqual({
      forwardKmh: 0,
      backwardKmh: 30,
    });
    expect(wayAccess(VAN, { highway: 'primary', junction: 'roundabout' }).backwardKmh).toBe(0);
    expect(wayAccess(VAN, { highway: 'primary', junction: 'roundabout', oneway: 'no' }).backwardKmh).toBe(70);
    expect(wayAccess(VAN, { highway: 'residential', access: 'private' }).forwardKmh).toBe(0);
    expect(
      wayAccess(VAN, { highway: 'residential', access: 'no', motor_vehicle: 'destination' }).forwardKmh,
    ).toBe(30);
    expect(wayAccess(VAN, { highway: 'residential', motor_vehicle: 'no' }).forwardKmh).toBe(0);
    expect(wayAccess(VAN, { highway: 'track', tracktype: 'grade4' }).forwardKmh).toBe(0);
    expect(wayAccess(MOTORBIKE, { highway: 'track', tracktype: 'grade4' }).forwardKmh).toBeCloseTo(9, 6);
    expect(wayAccess(VAN, { highway: 'track', tracktype: 'grade1' }).forwardKmh).toBe(15);
    expect(wayAccess(VAN, { highway: 'tertiary', surface: 'gravel' }).forwardKmh).toBeCloseTo(30, 6);
    expect(wayAccess(VAN, { highway: 'primary', maxspeed: '50' }).forwardKmh).toBeCloseTo(45, 6);
    expect(wayAccess(VAN, { highway: 'footway' }).forwardKmh).toBe(0);
    expect(wayAccess(VAN, { highway: 'primary', route: 'ferry' }).forwardKmh).toBe(0);
    expect(parseMaxspeedKmh('30 mph')).toBeCloseTo(48.28, 2);
    expect(parseMaxspeedKmh('none')).toBeNaN();
    expect(barrierBlocks(VAN, { barrier: 'bollard' })).toBe(true);
    expect(barrierBlocks(VAN, { barrier: 'gate' })).toBe(false);
    expect(barrierBlocks(VAN, { barrier: 'gate', access: 'private' })).toBe(true);
    expect(barrierBlocks(VAN, { barrier: 'bollard', motor_vehicle: 'yes' })).toBe(false);
    expect(barrierBlocks(VAN, { barrier: 'height_restrictor' })).toBe(true);
    expect(barrierBlocks(MOTORBIKE, { barrier: 'height_restrictor' })).toBe(false);
  });

  it('builds the tiny village: junction nodes, shape points, oneways, ferry and private road left out', () => {
    const { graphs } = importOsm(fixture('tiny-village.osm.xml'));
    const van = graphs.van;
    // van: junctions 1, 2, 3, 8, ends 5, 6, 9, 10 (the last four on islands), 11 (a bollard at 12
    // cuts way 109) and 16 (a bollard with motor_vehicle=yes: passable, like the gate at 14);
    // 4, 7, 14 and 15 are shape points; the grade4 track, the ferry and the private road are not the van's
    expect(van.nodeCount).toBe(11);
    expect(van.edgeCount).toBe(8);
    const moto = graphs.motorbike;
    expect(moto.edgeCount).toBe(9); // + the track 3-5
    const inMain = largestStronglyConnectedComponent(buildArcGraph(van, 'fastest'));
    expect(Array.from(inMain.subarray(0, van.nodeCount)).reduce((a, b) => a + b, 0)).toBe(6);
    const oneway = Array.from({ length: van.edgeCount }, (_, e) => [
      van.edgeDurationFwdS[e] === Infinity,
      van.edgeDurationBwdS[e] === Infinity,
    ]);
    expect(oneway.filter(([f, b]) => !f && b).length).toBe(1);
    // the residential loop 3-4-1 keeps node 4 as a shape point
    const loop = Array.from(
      { length: van.edgeCount },
      (_, e) => van.edgeGeomFirst[e + 1] - van.edgeGeomFirst[e],
    );
    expect(loop.sort()).toEqual([2, 2, 2, 2, 2, 3, 3, 4]);
  });
});

describe('bad input is a clear error naming the problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rd-routing-'));
  const andorra = sharedDataPath('osm', 'andorra-2025-01.osm.pbf');

  it('missing file', () => {
    expectRoutingError(() => importOsm(join(dir, 'nope.osm.pbf')), 'file-not-found', /not found/);
  });
  it('unknown format', () => {
    const p = join(dir, 'roads.shp');
    writeFileSync(p, 'x');
    expectRoutingError(() => importOsm(p), 'unsupported-format', /\.osm\.pbf, \.osm or \.osm\.gz/);
  });
  it('truncated PBF', () => {
    const p = join(dir, 'truncated.osm.pbf');
    writeFileSync(p, readFileSync(andorra).subarray(0, 200_000));
    expectRoutingError(() => importOsm(p), 'corrupt-file', /truncated/);
  });
  it('corrupt PBF block', () => {
    const bytes = Buffer.from(readFileSync(andorra));
    for (let i = 300; i < 5000; i++) bytes[i] = (bytes[i] * 31 + 7) & 0xff;
    const p = join(dir, 'corrupt.osm.pbf');
    writeFileSync(p, bytes);
    expectRoutingError(() => importOsm(p), 'corrupt-file', /corrupt or truncated OSM PBF at byte/);
  });
  it('not a PBF at all', () => {
    const p = join(dir, 'text.osm.pbf');
    writeFileSync(p, 'hello world, this is not protobuf');
    expectRoutingError(() => importOsm(p), 'corrupt-file', /corrupt or truncated OSM PBF/);
  });
  it('empty PBF', () => {
    const p = join(dir, 'empty.osm.pbf');
    writeFileSync(p, '');
    expectRoutingError(() => importOsm(p), 'corrupt-file', /empty file/);
  });
  it('truncated XML and gzip', () => {
    const xml = readFileSync(sharedDataPath('osm', 'beatty-nv-2019.osm'));
    const p = join(dir, 'cut.osm');
    writeFileSync(p, xml.subarray(0, 100_000));
    expectRoutingError(() => importOsm(p), 'corrupt-file', /OSM XML/);
    const gz = join(dir, 'cut.osm.gz');
    writeFileSync(gz, gzipSync(xml).subarray(0, 50_000));
    expectRoutingError(() => importOsm(gz), 'corrupt-file', /gzip/);
  });
  it('no routable roads', () => {
    expectRoutingError(
      () => importOsm(fixture('no-roads.osm.xml')),
      'no-routable-roads',
      /no road .* usable by profile "van"|no highway/,
    );
  });
  it('unknown profile', () => {
    expectRoutingError(
      () => importOsm(fixture('tiny-village.osm.xml'), { profiles: ['tractor'] }),
      'unknown-profile',
      /tractor/,
    );
  });
});

describe('real extracts import', () => {
  it.each([
    'andorra-2025-01.osm.pbf',
    'liechtenstein-2015.osm.pbf',
    'north-bayreuth-2014.osm.gz',
    'beatty-nv-2019.osm',
  ])('%s', (file) => {
    const { graphs, stats } = importOsm(sharedDataPath('osm', file));
    expect(stats.osmNodes).toBeGreaterThan(1000);
    for (const g of Object.values(graphs)) {
      expect(g.nodeCount).toBeGreaterThan(100);
      const inMain = largestStronglyConnectedComponent(buildArcGraph(g, 'fastest'));
      let main = 0;
      for (const v of inMain) main += v;
      expect(main / g.nodeCount).toBeGreaterThan(0.5);
      // each edge's polyline starts and ends at its nodes
      for (let e = 0; e < g.edgeCount; e++) {
        const a = g.edgeGeomFirst[e];
        const b = g.edgeGeomFirst[e + 1] - 1;
        expect(g.geomLon[a]).toBe(g.nodeLon[g.edgeFrom[e]]);
        expect(g.geomLat[b]).toBe(g.nodeLat[g.edgeTo[e]]);
      }
    }
    expect(graphs.motorbike.edgeCount).toBeGreaterThanOrEqual(graphs.van.edgeCount);
  });
});
