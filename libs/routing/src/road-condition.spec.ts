import {
  MOTORBIKE,
  roadConditionFactor,
  VAN,
  wayAccess,
  type OsmTags,
  type VehicleProfile,
} from './profiles';

/**
 * The documented combination table of surface, tracktype and smoothness (profiles.ts,
 * roadConditionFactor), row by row, for both shipped profiles. Expected factors are read from
 * the profile's own tables, so the test checks the rule, not the numbers.
 */
type Row = [label: string, tags: OsmTags, expected: (p: VehicleProfile) => number];

const rows: Row[] = [
  [
    'paved residential with a track grade: the surface wins (the issue: asphalt + grade3 closed vans)',
    { highway: 'residential', surface: 'asphalt', tracktype: 'grade3' },
    (p) => p.surfaceFactor.asphalt,
  ],
  [
    'paved but slow surface with a grade on a non-track road: the surface only',
    { highway: 'unclassified', surface: 'cobblestone', tracktype: 'grade5' },
    (p) => p.surfaceFactor.cobblestone,
  ],
  [
    'unpaved non-track road with a grade: the worse of surface and grade',
    { highway: 'unclassified', surface: 'gravel', tracktype: 'grade2' },
    (p) => Math.min(p.surfaceFactor.gravel, p.tracktypeFactor.grade2),
  ],
  [
    'non-track road with a grade and no surface: the grade',
    { highway: 'residential', tracktype: 'grade3' },
    (p) => p.tracktypeFactor.grade3,
  ],
  [
    'track with a paved surface and a grade: the grade still binds on a track',
    { highway: 'track', surface: 'asphalt', tracktype: 'grade3' },
    (p) => Math.min(p.surfaceFactor.asphalt, p.tracktypeFactor.grade3),
  ],
  ['track with a grade only', { highway: 'track', tracktype: 'grade2' }, (p) => p.tracktypeFactor.grade2],
  [
    'track with a surface and no grade: the surface',
    { highway: 'track', surface: 'concrete' },
    (p) => p.surfaceFactor.concrete,
  ],
  ['track with neither: the untyped-track factor', { highway: 'track' }, (p) => p.untypedTrackFactor],
  [
    'smoothness applies in every row (paved road, very bad smoothness)',
    { highway: 'residential', surface: 'asphalt', tracktype: 'grade1', smoothness: 'very_bad' },
    (p) => p.smoothnessFactor.very_bad,
  ],
  [
    'smoothness worse than the grade on a track',
    { highway: 'track', tracktype: 'grade2', smoothness: 'horrible' },
    (p) => Math.min(p.tracktypeFactor.grade2, p.smoothnessFactor.horrible),
  ],
  [
    'unknown values count as 1',
    { highway: 'residential', surface: 'moonrock', smoothness: 'wobbly' },
    () => 1,
  ],
];

describe.each([VAN, MOTORBIKE])('road condition table for $name', (profile) => {
  it.each(rows)('%s', (_label, tags, expected) => {
    const want = expected(profile);
    expect(roadConditionFactor(profile, tags)).toBe(want);
    const access = wayAccess(profile, tags);
    const base = profile.highwaySpeedKmh[tags.highway];
    if (want > 0) expect(access.forwardKmh).toBeCloseTo(base * want, 9);
    else expect(access.forwardKmh).toBe(0);
  });
});

it('a van drives a paved residential street tagged grade3 but not a grade3 gravel one', () => {
  expect(wayAccess(VAN, { highway: 'residential', surface: 'asphalt', tracktype: 'grade3' }).forwardKmh).toBe(
    VAN.highwaySpeedKmh.residential,
  );
  expect(wayAccess(VAN, { highway: 'residential', surface: 'gravel', tracktype: 'grade3' }).forwardKmh).toBe(
    0,
  );
});
