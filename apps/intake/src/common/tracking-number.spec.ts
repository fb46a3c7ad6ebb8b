import { isValidTrackingNumber, newTrackingNumber } from './tracking-number';

describe('tracking numbers', () => {
  it('are unique enough and valid', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const tn = newTrackingNumber();
      expect(isValidTrackingNumber(tn)).toBe(true);
      seen.add(tn);
    }
    expect(seen.size).toBe(2000);
  });

  it('catch a one-character typo', () => {
    const tn = newTrackingNumber();
    const pos = 5;
    const other = tn[pos] === 'X' ? 'Y' : 'X';
    expect(isValidTrackingNumber(tn.slice(0, pos) + other + tn.slice(pos + 1))).toBe(false);
    expect(isValidTrackingNumber('RD123')).toBe(false);
  });
});
