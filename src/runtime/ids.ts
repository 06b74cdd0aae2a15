import { randomBytes } from 'node:crypto';

/** Makes ids such as `permit_01jk…`. Time-ordered prefix, random suffix; seeded in simulations. */
export interface IdSource {
  next(prefix: string): string;
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function encodeTime(ms: number): string {
  let out = '';
  let n = Math.floor(ms);
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[n % 32] + out;
    n = Math.floor(n / 32);
  }
  return out;
}

export function randomIds(now: () => number): IdSource {
  // One randomBytes call per 512 ids instead of one per id (it showed up in the ingest profile).
  let pool = randomBytes(4096);
  let offset = 0;
  return {
    next(prefix) {
      if (offset + 8 > pool.length) {
        pool = randomBytes(4096);
        offset = 0;
      }
      let tail = '';
      for (let i = 0; i < 8; i++) tail += ALPHABET[pool[offset++]! % 32];
      return `${prefix}_${encodeTime(now())}${tail}`;
    },
  };
}

/** Deterministic ids for simulations: same seed, same ids. */
export function seededIds(random: () => number, now: () => number): IdSource {
  return {
    next(prefix) {
      let tail = '';
      for (let i = 0; i < 8; i++) tail += ALPHABET[Math.floor(random() * 32)];
      return `${prefix}_${encodeTime(now())}${tail}`;
    },
  };
}
