import { collectionCodeMatches, hashCollectionCode, newCollectionCode } from './collection-code';

describe('collection codes', () => {
  it('are six digits, and only the right code for the right parcel matches its hash', () => {
    const codes = Array.from({ length: 200 }, newCollectionCode);
    for (const c of codes) expect(c).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(190);
    const hash = hashCollectionCode('parcel-a', '012345');
    expect(hash).not.toContain('012345');
    expect(collectionCodeMatches('parcel-a', '012345', hash)).toBe(true);
    expect(collectionCodeMatches('parcel-a', '012346', hash)).toBe(false);
    expect(collectionCodeMatches('parcel-b', '012345', hash)).toBe(false);
  });
});
