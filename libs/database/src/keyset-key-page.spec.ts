import { DomainError, DomainErrorCode } from '@rd/domain';
import { decodeKeyCursor, encodeKeyCursor, SERIAL_KEY, toKeyPage } from './keyset-page';

describe('keyset pages over one key', () => {
  it('cuts limit + 1 rows into a page whose cursor names its last key, and none on the last page', () => {
    const rows = [9, 8, 7, 6].map((id) => ({ id }));
    const first = toKeyPage(rows, 3, (r) => String(r.id));
    expect(first.items.map((r) => r.id)).toEqual([9, 8, 7]);
    expect(decodeKeyCursor(first.nextCursor ?? undefined, SERIAL_KEY)).toBe('7');
    expect(toKeyPage(rows.slice(0, 3), 3, (r) => String(r.id)).nextCursor).toBeNull();
    expect(toKeyPage([], 3, String)).toEqual({ items: [], nextCursor: null });
  });

  it('reads no cursor as the first page and refuses a key its pattern does not allow', () => {
    expect(decodeKeyCursor(undefined, SERIAL_KEY)).toBeNull();
    expect(decodeKeyCursor('', SERIAL_KEY)).toBeNull();
    for (const forged of [
      'nope',
      encodeKeyCursor('1 OR 1=1'),
      encodeKeyCursor('9'.repeat(19)), // beyond int8: would be a cast error in SQL
      Buffer.from('7').toString('base64url'), // not a key cursor
    ]) {
      let error: unknown;
      try {
        decodeKeyCursor(forged, SERIAL_KEY);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: DomainErrorCode.Validation, details: [{ field: 'cursor' }] });
    }
  });
});
