import { outOfTime } from './out-of-time';

describe('outOfTime', () => {
  // a stop open 10:00–12:00 (36,000–43,200 s) with 300 s of service
  const open = 36_000;
  const close = 43_200;
  const serv = 300;

  it('rules out a position the route leaves after the last window closes', () => {
    expect(outOfTime(close + 1, Infinity, open, serv, close)).toBe(true);
    expect(outOfTime(close, Infinity, open, serv, close)).toBe(false);
  });

  it('rules out a position whose next stop must start before the stop could even be served', () => {
    // left at 09:00: the stop waits for 10:00 and is done at 10:05
    expect(outOfTime(32_400, open + serv - 1, open, serv, close)).toBe(true);
    expect(outOfTime(32_400, open + serv, open, serv, close)).toBe(false);
    // left at 11:00: done at 11:05 at the earliest
    expect(outOfTime(39_600, 39_600 + serv - 1, open, serv, close)).toBe(true);
    expect(outOfTime(39_600, 39_600 + serv, open, serv, close)).toBe(false);
  });

  it('keeps a position that legs of zero would make feasible', () => {
    expect(outOfTime(40_000, 50_000, open, serv, close)).toBe(false);
  });
});
