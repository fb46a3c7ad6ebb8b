import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChRoadRouter } from './ch-road-router';
import { RoutingError } from './errors';
import { importOsm, resolveProfile } from './import-osm';
import { parseProfileText, parseVehicleProfile, readProfileFile } from './profile-file';
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

  describe('YAML', () => {
    it('the example YAML profile is valid, and a YAML copy of each shipped profile reads the same as its JSON', () => {
      const example = readProfileFile(join(shipped, 'example-box-truck.yaml'));
      if (!example.ok) throw new Error(JSON.stringify(example.errors));
      expect(example.profile).toMatchObject({ name: 'box-truck', dimensions: { heightM: 3.8 } });
      for (const name of Object.keys(PROFILES)) {
        const json = readFileSync(join(shipped, `${name}.json`), 'utf8');
        const r = parseProfileText(toYaml(JSON.parse(json)), `${name}.yml`);
        if (!r.ok) throw new Error(JSON.stringify(r.errors));
        expect(r.profile).toEqual(PROFILES[name]);
      }
    });

    it('names each bad field with its line: wrong values, unknown fields, a missing field', () => {
      const text = [
        'name: yaml-van', // 1
        'maxSpeedKmh: 0', // 2
        'maxspeedFactor: 0.9', // 3
        'highwaySpeedKmh:', // 4
        '  primary: 70', // 5
        '  residential: fast', // 6
        'accessTags: [motorcar, access]', // 7
        'deniedAccess: [private]', // 8
        'surfaceFactor: {}', // 9
        'tracktypeFactor: {}', // 10
        'untypedTrackFactor: 0.5', // 11
        'smoothnessFactor: {}', // 12
        'blockingBarriers: [bollard]', // 13
        'restrictionVehicles: [motorcar]', // 14
        'colour: red', // 15
        'dimensions:', // 16
        '  heightM: 2.5', // 17
        '  widthM: 2', // 18
        '  lengthM: 6', // 19
        '  grossWeightG: 3500000', // 20
      ].join('\n');
      const r = parseProfileText(text, 'van.yaml');
      expect(r.ok).toBe(false);
      if (r.ok) return;
      const byField = Object.fromEntries(r.errors.map((e) => [e.field, e.line]));
      expect(byField).toEqual({
        maxSpeedKmh: 2,
        'highwaySpeedKmh.residential': 6,
        colour: 15,
        // missing: the object that should hold it, by its key
        'dimensions.axleLoadG': 16,
      });
    });

    it('a YAML syntax error names its line; duplicate keys are errors, not silently the last one', () => {
      const broken = parseProfileText(
        'name: van\nhighwaySpeedKmh:\n  primary: [70\nmaxSpeedKmh: 90\n',
        'x.yaml',
      );
      expect(broken.ok).toBe(false);
      if (!broken.ok) expect(broken.errors[0]).toMatchObject({ field: '(file)', line: expect.any(Number) });
      const twice = parseProfileText('name: van\nname: lorry\n', 'x.yml');
      expect(twice.ok).toBe(false);
      if (!twice.ok) expect(twice.errors[0]).toMatchObject({ field: '(file)', line: 2 });
    });

    it('JSON files get lines too', () => {
      const text = JSON.stringify({ ...vanJson(), maxSpeedKmh: -1 }, null, 2);
      const r = parseProfileText(text, 'van.json');
      expect(r.ok).toBe(false);
      if (r.ok) return;
      const line = text.split('\n').findIndex((l) => l.includes('"maxSpeedKmh"')) + 1;
      expect(r.errors).toEqual([
        { field: 'maxSpeedKmh', reason: expect.any(String), line, column: expect.any(Number) },
      ]);
    });

    it('importOsm takes a .yaml profile path; a bad one throws bad-profile naming field and line', () => {
      const good = join(dir, 'box.yaml');
      writeFileSync(good, readFileSync(join(shipped, 'example-box-truck.yaml'), 'utf8'));
      expect(resolveProfile(good).name).toBe('box-truck');
      const bad = join(dir, 'bad.yml');
      writeFileSync(
        bad,
        readFileSync(join(shipped, 'example-box-truck.yaml'), 'utf8').replace(
          'maxSpeedKmh: 80',
          'maxSpeedKmh: 900',
        ),
      );
      expect(() => resolveProfile(bad)).toThrow(/maxSpeedKmh: must be at most 200 km\/h \(line \d+\)/);
      try {
        resolveProfile(bad);
      } catch (e) {
        expect((e as RoutingError).code).toBe('bad-profile');
      }
    });
  });
});

/** A small YAML writer for the test (block maps, flow lists): independent of the parser under test. */
function toYaml(value: unknown, indent = ''): string {
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => {
      if (Array.isArray(v)) return `${indent}${k}: [${v.map((x) => JSON.stringify(x)).join(', ')}]`;
      if (v !== null && typeof v === 'object') return `${indent}${k}:\n${toYaml(v, indent + '  ')}`;
      return `${indent}${k}: ${JSON.stringify(v)}`;
    })
    .join('\n');
}
