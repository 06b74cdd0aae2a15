import { createHash, randomBytes } from 'node:crypto';
import type { SqliteDriver } from '../../db/drivers/types.ts';
import type { Clock } from '../runtime/clock.ts';

const SESSION_TTL_MS = 7 * 24 * 3600_000;

/** Web login sessions. The cookie carries a random token; only its hash is stored. */
export class SandboxSessions {
  readonly #db: SqliteDriver;
  readonly #clock: Clock;

  constructor(db: SqliteDriver, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** A new session for `handle`; returns the cookie value. */
  create(handle: string, ttlMs = SESSION_TTL_MS): string {
    const token = randomBytes(24).toString('base64url');
    const now = this.#clock.now();
    this.#db
      .prepare(
        'INSERT INTO sandbox_sessions (token_hash, handle, created_at, expires_at) VALUES (?, ?, ?, ?)',
      )
      .run(hashToken(token), handle.toLowerCase(), now, now + ttlMs);
    return token;
  }

  /** The logged-in handle, or null when the token is unknown or expired. */
  handle(token: string): string | null {
    const row = this.#db
      .prepare('SELECT handle FROM sandbox_sessions WHERE token_hash = ? AND expires_at > ?')
      .get(hashToken(token), this.#clock.now()) as { handle: string } | undefined;
    return row?.handle ?? null;
  }

  delete(token: string): void {
    this.#db.prepare('DELETE FROM sandbox_sessions WHERE token_hash = ?').run(hashToken(token));
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
