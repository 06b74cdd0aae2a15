import { type RootFacts, rootStatusOf } from './rootStatus.ts';

/**
 * "May we reply to this target?" — the one answer for evaluation at discovery, the
 * scheduler's re-check after it picks, and the poster's look right before a click. Checks run
 * in `TARGET_REASONS` order and the first failing one is the reason. It fails closed: an
 * unknown root is not a root; a NaN time or cooldown counts as "just replied".
 */

/** Every reason a target is refused, in the order the checks run. */
export const TARGET_REASONS = [
  'target_deleted',
  'already_replied',
  'opted_out',
  'not_root',
  'root_unknown',
  'author_cooldown',
] as const;

export type TargetReason = (typeof TARGET_REASONS)[number];

/** What our records say about the target and its author. */
export interface TargetRecords {
  authorOptedOut: boolean;
  /** A permit already holds this target (or the account replied to it). */
  alreadyReplied: boolean;
  /** When the account last replied to this author (any target), or null: never. */
  authorLastRepliedAt: number | null;
  /** How long after a reply to an author the next may follow (the configured cooldown). */
  authorCooldownMs: number;
}

/**
 * The records of a check made for the permit that holds this target (the pre-click look): its
 * own hold is not "already replied", and opt-out and cooldown were checked by the spend
 * verdict in the transaction that claimed it.
 */
export const HELD_BY_CALLER = 'held_by_caller';

export interface TargetVerdictFacts {
  now: number;
  /** The platform still has it: false when it is deleted or was not found. */
  exists: boolean;
  root: RootFacts;
  records: TargetRecords | typeof HELD_BY_CALLER;
}

export type TargetVerdict = { allowed: true } | { allowed: false; reason: TargetReason };

const allow: TargetVerdict = { allowed: true };
const deny = (reason: TargetReason): TargetVerdict => ({ allowed: false, reason });

/**
 * @example targetVerdict({ now, exists: true, root: { isRoot: null, inReplyToId: null }, records: {
 *   authorOptedOut: false, alreadyReplied: false, authorLastRepliedAt: null, authorCooldownMs: 3_600_000 } })
 * // { allowed: false, reason: 'root_unknown' }
 */
export function targetVerdict(facts: TargetVerdictFacts): TargetVerdict {
  if (facts.exists !== true) return deny('target_deleted');
  const records = facts.records === HELD_BY_CALLER ? null : facts.records;
  if (records && records.alreadyReplied !== false) return deny('already_replied');
  if (records && records.authorOptedOut !== false) return deny('opted_out');
  const root = rootStatusOf(facts.root);
  if (root !== 'root') return deny(root);
  if (records && inAuthorCooldown(facts.now, records.authorLastRepliedAt, records.authorCooldownMs)) {
    return deny('author_cooldown');
  }
  return allow;
}

/**
 * Written as negations so that NaN fails closed: a NaN or negative cooldown, or a NaN or
 * future time of the last reply, counts as "in cooldown". Null: never replied to this author.
 */
export function inAuthorCooldown(now: number, lastRepliedAt: number | null, cooldownMs: number): boolean {
  if (!(cooldownMs >= 0)) return true;
  if (lastRepliedAt === null) return false;
  return !(now - lastRepliedAt >= cooldownMs);
}
