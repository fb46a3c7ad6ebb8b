import { randomInt } from 'node:crypto';

// No 0/O, 1/I/L: tracking numbers are read aloud and typed on phones.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** `RD` + 11 random characters + a check character (weighted sum mod 31) that catches one-character typos. */
export function newTrackingNumber(): string {
  let body = '';
  for (let i = 0; i < 11; i++) body += ALPHABET[randomInt(ALPHABET.length)];
  return `RD${body}${checkChar(body)}`;
}

export function isValidTrackingNumber(value: string): boolean {
  const match = /^RD([2-9A-HJKMNP-Z]{11})([2-9A-HJKMNP-Z])$/.exec(value);
  return !!match && checkChar(match[1]) === match[2];
}

function checkChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += (i + 1) * ALPHABET.indexOf(body[i]);
  return ALPHABET[sum % ALPHABET.length];
}
