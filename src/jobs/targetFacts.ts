import { HOLDING_PERMIT_STATES } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';

/**
 * What the store says about an author or a target, for the checks that run at discovery,
 * when the scheduler picks, and right before the poster's call.
 */

/** `('pending', …, 'used')`: the states in which a permit holds its target. */
export const HOLDING_STATES_SQL = `(${HOLDING_PERMIT_STATES.map((s) => `'${s}'`).join(', ')})`;

export function isOptedOut(store: Store, platform: string, author: string): boolean {
  return (
    store
      .statement('select 1 from opt_outs where platform = ? and author = ? collate nocase')
      .get(platform, author) !== undefined
  );
}

/** When the latest permit that holds a target of this author was granted. */
export function authorLastRepliedAt(store: Store, platform: string, author: string): number | null {
  const row = store
    .statement(
      `select max(created_at) as at from permits where platform = ? and target_author = ? and state in ${HOLDING_STATES_SQL}`,
    )
    .get(platform, author) as { at: number | null };
  return row.at;
}

export function hasHoldingPermit(store: Store, platform: string, postId: string): boolean {
  return (
    store
      .statement(
        `select 1 from permits where platform = ? and target_post_id = ? and state in ${HOLDING_STATES_SQL}`,
      )
      .get(platform, postId) !== undefined
  );
}

/**
 * Times of the permits that count against the caps: granted or spent in the last 24 h
 * (a permit awaiting approval or in flight is a reply on its way). The scheduler caps on these
 * and the dashboard's budget shows them, so the two always agree.
 */
export function permitTimesAgainstCaps(store: Store, now: number): number[] {
  return (
    store
      .statement(
        `select created_at as at from permits where created_at > ? and state in ${HOLDING_STATES_SQL} order by created_at`,
      )
      .all(now - 24 * 3_600_000) as { at: number }[]
  ).map((r) => r.at);
}
