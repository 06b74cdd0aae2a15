import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Secret comparison and bearer parsing, shared by replywright's HTTP edge and the sandbox.
 * Tokens are compared in constant time over their SHA-256 digests, so neither the content nor
 * the length of the expected token leaks through timing.
 */
export function tokenMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
}
