import { asc, eq } from 'drizzle-orm';
import { type SandboxDb, sandboxQuery } from './sandboxDb.ts';
import { sandboxUsers } from './schema.ts';
import type { SandboxUser } from './types.ts';

/** The sandbox's accounts: the bot, traffic's authors, anyone the admin API adds. */
export interface NewUser {
  handle: string;
  displayName: string;
  isBot?: boolean;
  isParody?: boolean;
  followers?: number;
}

const insertUser = sandboxQuery<{
  handle: string;
  displayName: string;
  isBot: boolean;
  isParody: boolean;
  followers: number;
  createdAt: number;
}>()((db, q) =>
  db
    .insert(sandboxUsers)
    .values({
      handle: q.handle,
      displayName: q.displayName,
      isBot: q.isBot,
      isParody: q.isParody,
      followers: q.followers,
      createdAt: q.createdAt,
    })
    .onConflictDoNothing()
    .prepare(),
);

/** Adds `user` unless its handle exists (then nothing changes). */
export function ensureUser(db: SandboxDb, user: NewUser, now: number): void {
  insertUser.run(db, {
    handle: user.handle.toLowerCase(),
    displayName: user.displayName,
    isBot: user.isBot ?? false,
    isParody: user.isParody ?? false,
    followers: user.followers ?? 0,
    createdAt: now,
  });
}

const userByHandle = sandboxQuery<{ handle: string }>()((db, q) =>
  db.select().from(sandboxUsers).where(eq(sandboxUsers.handle, q.handle)).prepare(),
);

export function userByName(db: SandboxDb, handle: string): SandboxUser | null {
  return userByHandle.get(db, { handle: handle.toLowerCase() }) ?? null;
}

export function allUsers(db: SandboxDb): SandboxUser[] {
  return db.select().from(sandboxUsers).orderBy(asc(sandboxUsers.handle)).all();
}
