import { DomainError } from '@rd/domain';
import { decodeCursor, encodeCursor } from './keyset-page';

const ID = '0f8b7c1e-3a4d-4e5f-8a9b-0c1d2e3f4a5b';
const raw = (text: string) => Buffer.from(text).toString('base64url');

describe('keyset cursors', () => {
  it('decodes what it encodes', () => {
    const cursor = { createdAt: '2026-11-23T09:00:00.123Z', id: ID };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(undefined)).toBeNull();
  });

  // Each of these parses in JavaScript but not as a PostgreSQL timestamptz: reaching the query it was a 500.
  it.each([
    ['a bare number', '1'],
    ['year 0000', '0000-01-01T00:00:00.000Z'],
    ['a day that does not exist', '2026-02-30T00:00:00.000Z'],
    ['a year past 9999', '+275760-09-13T00:00:00.000Z'],
    ['a date in words', 'Tue Mar 01 2022'],
  ])('refuses a cursor whose time is %s (400 naming the cursor)', (_what, time) => {
    expect(() => decodeCursor(raw(`${time}|${ID}`))).toThrow(DomainError);
    expect(() => decodeCursor(raw(`${time}|${ID}`))).toThrow(/cursor|not valid/);
  });

  it('refuses garbage and a malformed id', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow(DomainError);
    expect(() => decodeCursor(raw(`2026-11-23T09:00:00.000Z|${ID.slice(1)}`))).toThrow(DomainError);
  });
});
