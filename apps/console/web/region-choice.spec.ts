import { regionFromAddress } from './region-choice';

describe('the region the console shows', () => {
  it('is the configured one when the address names none', () => {
    expect(regionFromAddress('county-1a2b3c', '')).toBe('county-1a2b3c');
    expect(regionFromAddress('county-1a2b3c', '?lang=en')).toBe('county-1a2b3c');
  });

  it('is the one the address names', () => {
    expect(regionFromAddress('county-1a2b3c', '?region=mountain-1a2b3c')).toBe('mountain-1a2b3c');
  });

  it('ignores a name no region could have', () => {
    expect(regionFromAddress('county-1a2b3c', '?region=')).toBe('county-1a2b3c');
    expect(regionFromAddress('county-1a2b3c', '?region=../admin')).toBe('county-1a2b3c');
    expect(regionFromAddress('county-1a2b3c', `?region=${'x'.repeat(65)}`)).toBe('county-1a2b3c');
  });
});
