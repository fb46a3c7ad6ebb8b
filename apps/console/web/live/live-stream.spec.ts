import { parseSseChunk } from './live-stream';

describe('parseSseChunk', () => {
  it('reads events split across chunks, skips comments and keeps the unfinished tail', () => {
    const seen: Array<[string, string]> = [];
    const on = (event: string, data: string) => seen.push([event, data]);
    let rest = parseSseChunk('retry: 3000\n: live\n\nevent: positions\ndata: [1', on);
    expect(seen).toEqual([]);
    rest = parseSseChunk(`${rest}]\n\n: keep-alive\n\nevent: alert\r\ndata: {"a":1}\r\n\r\nevent: x`, on);
    expect(seen).toEqual([
      ['positions', '[1]'],
      ['alert', '{"a":1}'],
    ]);
    expect(rest).toBe('event: x');
  });
});
