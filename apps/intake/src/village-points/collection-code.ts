import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

/** A fresh six-digit collection code (uniform, from the system's secure generator). */
export function newCollectionCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** What the database keeps instead of the code: a hash bound to the parcel. */
export function hashCollectionCode(parcelId: string, code: string): string {
  return createHash('sha256').update(`${parcelId}:${code}`).digest('hex');
}

export function collectionCodeMatches(parcelId: string, code: string, storedHash: string): boolean {
  const given = Buffer.from(hashCollectionCode(parcelId, code), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
