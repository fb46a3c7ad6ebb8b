import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Mosquitto 2's password-file hash: PBKDF2-HMAC-SHA512 with a 12-byte salt, `$7$<iterations>$<salt>$<hash>`. */
const ITERATIONS = 101;
const KEY_BYTES = 64;

export function hashDeviceSecret(secret: string, salt = randomBytes(12), iterations = ITERATIONS): string {
  const hash = pbkdf2Sync(secret, salt, iterations, KEY_BYTES, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyDeviceSecret(secret: string, stored: string): boolean {
  const m = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[3], 'base64');
  const actual = pbkdf2Sync(secret, Buffer.from(m[2], 'base64'), Number(m[1]), expected.length, 'sha512');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A new device secret: 24 random bytes, URL-safe. Shown once at provisioning, stored only hashed. */
export function newDeviceSecret(): string {
  return randomBytes(24).toString('base64url');
}
