import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChRoadRouter,
  graphBbox,
  importOsm,
  prepareRoutingData,
  saveRoutingData,
  type LonLat,
  type RoutingData,
} from '@rd/routing';
import { asyncRoadRouter, createRoadRouter } from './create-road-router';
import { GraphHopperRoadRouter } from './graphhopper-road-router';

const village = join(__dirname, '..', '..', 'routing', 'test-fixtures', 'tiny-village.osm.xml');

describe('createRoadRouter', () => {
  let data: RoutingData;
  let file: string;
  beforeAll(() => {
    data = prepareRoutingData(importOsm(village).graphs, { weightings: ['fastest'] });
    file = join(mkdtempSync(join(tmpdir(), 'rd-road-router-')), 'village.rdrt');
    saveRoutingData(data, file);
  });

  it('picks the engine from config; the async RoadRouter over the CH answers exactly like the sync router', async () => {
    const router = createRoadRouter({ engine: 'ch', dataFile: file, defaultProfile: 'motorbike' });
    expect(createRoadRouter({ engine: 'graphhopper', host: 'http://127.0.0.1:8989' })).toBeInstanceOf(
      GraphHopperRoadRouter,
    );
    const sync = new ChRoadRouter(data, { defaultProfile: 'motorbike' });
    expect(router.profiles).toEqual(sync.profiles);
    const [minLon, minLat, maxLon, maxLat] = graphBbox(data.profiles.van.graph);
    const a: LonLat = [minLon + 0.3 * (maxLon - minLon), minLat + 0.4 * (maxLat - minLat)];
    const b: LonLat = [minLon + 0.7 * (maxLon - minLon), minLat + 0.6 * (maxLat - minLat)];
    expect(await router.route(a, b)).toEqual(sync.routeSync(a, b));
    expect(await router.snap([a, b])).toEqual(sync.snapSync([a, b]));
    expect((await router.matrix([a, b], [b, a])).durationsS).toEqual(
      sync.matrixSync([a, b], [b, a]).durationsS,
    );
    const wrapped = asyncRoadRouter(sync);
    expect(await wrapped.route(b, a, { profile: 'van' })).toEqual(sync.routeSync(b, a, { profile: 'van' }));
  });
});
