/**
 * AT Protocol record keys of type TID: 13 characters of base32-sortable, a 64-bit number
 * whose top bit is 0, then 53 bits of microseconds since the epoch, then a 10-bit clock id.
 * A post's record key must be one; choosing it ourselves is what makes a repeated create
 * harmless (the same key, the same record: `putRecord` answers with the same cid).
 *
 * @example tidFromTime(Date.parse('2025-01-01T00:00:00Z') * 1000, 7) // '3lejpy4s2aa27'
 */
const ALPHABET = '234567abcdefghijklmnopqrstuvwxyz';
const TID_PATTERN = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;

export function tidFromTime(microseconds: number, clockId: number): string {
  if (!Number.isSafeInteger(microseconds) || microseconds < 0)
    throw new RangeError(`bad TID time ${microseconds}`);
  if (!Number.isInteger(clockId) || clockId < 0 || clockId > 1023)
    throw new RangeError(`bad TID clock id ${clockId}`);
  let n = (BigInt(microseconds) << 10n) | BigInt(clockId);
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = ALPHABET[Number(n & 31n)] + out;
    n >>= 5n;
  }
  return out;
}

export function isTid(value: string): boolean {
  return TID_PATTERN.test(value);
}

/** The microseconds since the epoch a TID carries. */
export function tidMicros(tid: string): number {
  if (!isTid(tid)) throw new RangeError(`not a TID: ${tid}`);
  let n = 0n;
  for (const char of tid) n = (n << 5n) | BigInt(ALPHABET.indexOf(char));
  return Number(n >> 10n);
}
