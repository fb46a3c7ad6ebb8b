import { progressBar } from './progress';

describe('progressBar', () => {
  it('draws a bar in place on a terminal and ends with a plain line', () => {
    const out: string[] = [];
    const bar = progressBar('planning', { tty: true, write: (t) => out.push(t) });
    bar.update(0.5, 'solving: best cost 1234');
    bar.done('plan stored');
    expect(out[0]).toContain('[############------------] 50% solving: best cost 1234');
    expect(out[0].startsWith('\r')).toBe(true);
    expect(out.at(-1)).toBe('[main-job] planning: plan stored\n');
  });

  it('prints plain lines when not a terminal: each new stage, and the same stage at most every lineEveryMs', () => {
    const out: string[] = [];
    const bar = progressBar('map', { tty: false, write: (t) => out.push(t), lineEveryMs: 60_000 });
    bar.update(null, 'reading');
    bar.update(0.25, 'contracting van, 0 of 2 profiles done');
    bar.update(0.3, 'contracting van, 0 of 2 profiles done');
    bar.update(0.5, 'contracting motorbike, 1 of 2 profiles done');
    bar.update(0.6, 'contracting motorbike, 1 of 2 profiles done');
    bar.update(null, 'saving');
    expect(out).toEqual([
      '[main-job] map: reading\n',
      '[main-job] map 25%: contracting van, 0 of 2 profiles done\n',
      '[main-job] map 50%: contracting motorbike, 1 of 2 profiles done\n',
      '[main-job] map: saving\n',
    ]);
    // Numbers alone do not make a new stage: "12 parcels" after "11 parcels" waits for lineEveryMs.
    out.length = 0;
    bar.update(0.1, '11 parcels out for delivery');
    bar.update(0.2, '12 parcels out for delivery');
    expect(out).toHaveLength(1);
  });
});
