import { EVENT } from '../events.ts';
import type { PipelineDeps } from './deps.ts';

interface PostedPermit {
  permitId: string;
  candidateId: string;
  schedulerRunId: string;
}

/**
 * The reply exists on the platform: the permit becomes `used` with its post id (POSTED from
 * `posting`, FOUND from `unconfirmed`), the candidate `posted`, a `posting_success` event, and
 * the run's SLO event turns to `posted` — all in one transaction.
 */
export function recordPosted(
  deps: Pick<PipelineDeps, 'store' | 'host' | 'clock'>,
  permit: PostedPermit,
  postId: string,
  detail: Record<string, unknown> = {},
): boolean {
  const { store, host, clock } = deps;
  return store.tx(() => {
    const current = host.get('permit', permit.permitId);
    if (!current) return false;
    if (current.state === 'posting') host.send('permit', permit.permitId, { type: 'POSTED', postId });
    else if (current.state === 'unconfirmed') host.send('permit', permit.permitId, { type: 'FOUND', postId });
    else return false;
    host.send('candidate', permit.candidateId, { type: 'POSTED', postId });
    const now = clock.now();
    store.event({
      at: now,
      type: EVENT.postingSuccess,
      permitId: permit.permitId,
      candidateId: permit.candidateId,
      schedulerRunId: permit.schedulerRunId,
      postId,
      data: JSON.stringify({ resolvedFrom: current.state, ...detail }),
    });
    store
      .statement(
        "update slo_events set posted = 1, reason = 'posted' where scheduler_run_id = ? and permit_id = ?",
      )
      .run(permit.schedulerRunId, permit.permitId);
    return true;
  });
}
