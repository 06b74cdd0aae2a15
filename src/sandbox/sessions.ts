import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import type { Clock } from '../runtime/clock.ts';
import { type SandboxDb, sandboxQuery } from './sandboxDb.ts';
import { sandboxSessions } from './schema.ts';

const SESSION_TTL_MS = 7 * 24 * 3600_000;

const insertSession = sandboxQuery<{
  tokenHash: string;
  handle: string;
  createdAt: number;
  expiresAt: number;
}>()((db, q) =>
  db
    .insert(sandboxSessions)
    .values({ tokenHash: q.tokenHash, handle: q.handle, createdAt: q.createdAt, expiresAt: q.expiresAt })
    .prepare(),
);

const liveSession = sandboxQuery<{ tokenHash: string; now: number }>()((db, q) =>
  db
    .select({ handle: sandboxSessions.handle })
    .from(sandboxSessions)
    .where(and(eq(sandboxSessions.tokenHash, q.tokenHash), gt(sandboxSessions.expiresAt, q.now)))
    .prepare(),
);

const deleteSession = sandboxQuery<{ tokenHash: string }>()((db, q) =>
  db.delete(sandboxSessions).where(eq(sandboxSessions.tokenHash, q.tokenHash)).prepare(),
);

/** Web login sessions. The cookie carries a random token; only its hash is stored. */
export class SandboxSessions {
  readonly #db: SandboxDb;
  readonly #clock: Clock;

  constructor(db: SandboxDb, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** A new session for `handle`; returns the cookie value. */
  create(handle: string, ttlMs = SESSION_TTL_MS): string {
    const token = randomBytes(24).toString('base64url');
    const now = this.#clock.now();
    insertSession.run(this.#db, {
      tokenHash: hashToken(token),
      handle: handle.toLowerCase(),
      createdAt: now,
      expiresAt: now + ttlMs,
    });
    return token;
  }

  /** The logged-in handle, or null when the token is unknown or expired. */
  handle(token: string): string | null {
    return liveSession.get(this.#db, { tokenHash: hashToken(token), now: this.#clock.now() })?.handle ?? null;
  }

  delete(token: string): void {
    deleteSession.run(this.#db, { tokenHash: hashToken(token) });
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
