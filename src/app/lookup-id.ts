import { randomBytes } from 'node:crypto';

// Crockford's base32: no I, L, O or U, so a code read aloud or retyped is not misread.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short, hard-to-guess code for an access request: 10 symbols (50 random bits), e.g. `7KQ2M-X9D4P`. */
export function newLookupId(): string {
  const bytes = randomBytes(10);
  const symbols = [...bytes].map((byte) => ALPHABET[byte & 31]).join('');
  return `${symbols.slice(0, 5)}-${symbols.slice(5)}`;
}
