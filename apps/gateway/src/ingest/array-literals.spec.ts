import { numberArrayLiteral, textArrayLiteral } from './telemetry.repository';

describe('PostgreSQL array literals of a batch', () => {
  it('writes numbers at full precision and null (or a non-finite value) as NULL', () => {
    expect(numberArrayLiteral([1, 0.1 + 0.2, -115.123456789, null, NaN, 1764230400123])).toBe(
      '{1,0.30000000000000004,-115.123456789,NULL,NULL,1764230400123}',
    );
    expect(numberArrayLiteral([])).toBe('{}');
  });

  it('quotes every string and escapes quotes and backslashes, so no value reads as NULL or splits', () => {
    expect(textArrayLiteral(['B-1', 'NULL', 'a"b', 'c\\d', 'x,y', null])).toBe(
      '{"B-1","NULL","a\\"b","c\\\\d","x,y",NULL}',
    );
  });
});
