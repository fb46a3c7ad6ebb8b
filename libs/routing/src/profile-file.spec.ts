import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChRoadRouter } from './ch-road-router';
import { RoutingError } from './errors';
import { importOsm, resolveProfile } from './import-osm';
import { parseVehicleProfile, readProfileFile } from './profile-file';
import { PROFILES, VAN } from './profiles';
import { prepareRoutingData } from './routing-data';

const shipped = join(__dirname, '..', 'profiles');
const village = join(__dirname, '..', 'test-fixtures', 'tiny-village.osm.xml');
const dir = mkdtempSync(join(tmpdir(), 'rd-profiles-'));
const vanJson = (): Record<string, unknown> => JSON.parse(readFileSync(join(shipped, 'van.json'), 'utf8'));

describe('profile files', () => {
  it.each(Object.keys(PROFILES))(
    'shipped %s.json is valid and equals the built-in table (golden)',
    (name) => {
      const r = readProfileFile(join(shipped, `${name}.json`));
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      expect(r.profile).toEqual(PROFILES[name]);
    },
  );

  it('reports every bad field with its path, unknown fields included', () => {
    const bad = {
      ...vanJson(),
      name: 'Big Van',
      maxSpeedKmh: -5,
      highwaySpeedKmh: { primary: 70, residential: 'fast' },
      tracktypeFactor: { grade1: 1, grade9: 0.5 },
      surfaceFactor: { asphalt: 1.5 },
      dimensions: { heightM: 2.5, widthM: 2, lengthM: 6, grossWeightG: 3_500_000, axleLoadG: 4_000_000 },
      maxSpeedKph: 100,
    };
    const r = parseVehicleProfile(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const fields = r.errors.map((e) => e.field).sort();
    expect(fields).toEqual(
      [
        'name',
        'maxSpeedKmh',
        'highwaySpeedKmh.residential',
        'tracktypeFactor.grade9',
        'surfaceFactor.asphalt',
        'dimensions.axleLoadG',
        'maxSpeedKph',
      ].sort(),
    );
    expect(r.errors.find((e) => e.field === 'maxSpeedKph')?.reason).toBe('unknown field');
    expect(r.errors.find((e) => e.field === 'dimensions.axleLoadG')?.reason).toMatch(/grossWeightG/);
  });

  it('missing fields and broken JSON are field errors too', () => {
    const partial = vanJson();
    delete partial.accessTags;
    const r = parseVehicleProfile(partial);
    expect(r).toMatchObject({ ok: false, errors: [{ field: 'accessTags' }] });
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "name": "x", ');
    expect(readProfileFile(broken)).toMatchObject({ ok: false, errors: [{ field: '(file)' }] });
  });

  it('a user-written profile file drives the import; a bad one is refused with its fields', () => {
    // a copy of the van that ignores turn restrictions
    const mine = { ...vanJson(), name: 'my-van', turnRestrictions: false };
    const file = join(dir, 'my-van.json');
    writeFileSync(file, JSON.stringify(mine));
    const { graphs } = importOsm(village, { profiles: ['van', file] });
    expect(Object.keys(graphs)).toEqual(['van', 'my-van']);
    // the fixture's no_left_turn applies to the van, not to my-van
    expect(graphs.van.turnViaNode?.length).toBe(1);
    expect(graphs['my-van'].turnViaNode).toBeUndefined();
    const router = new ChRoadRouter(prepareRoutingData(graphs, { weightings: ['fastest'] }));
    const from: [number, number] = [10.004, 50.0001];
    const to: [number, number] = [10.0101, 50.003];
    const restricted = router.routeSync(from, to, { profile: 'van' });
    const free = router.routeSync(from, to, { profile: 'my-van' });
    expect(restricted.ok && free.ok && free.durationS < restricted.durationS).toBe(true);

    const badFile = join(dir, 'bad.json');
    writeFileSync(badFile, JSON.stringify({ ...mine, maxspeedFactor: 3 }));
    expect(() => resolveProfile(badFile)).toThrow(RoutingError);
    expect(() => resolveProfile(badFile)).toThrow(/maxspeedFactor: must be at most 1.5/);
    expect(() => resolveProfile('lorry')).toThrow(/unknown profile "lorry"/);
  });

  it('the tricycle is its own profile: slower than the motorbike, off motorways, stopped by bollards', () => {
    const t = PROFILES.tricycle;
    const m = PROFILES.motorbike;
    expect(t.highwaySpeedKmh.motorway).toBeUndefined();
    for (const [hw, kmh] of Object.entries(t.highwaySpeedKmh))
      expect(kmh).toBeLessThan(m.highwaySpeedKmh[hw]);
    expect(t.blockingBarriers).toContain('bollard');
    expect(VAN.dimensions?.heightM).toBeGreaterThan(t.dimensions?.heightM ?? Infinity);
  });
});
