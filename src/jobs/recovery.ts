import { eq } from 'drizzle-orm';
import { permits } from '../../db/schema.ts';
import { PERMIT } from '../../machines/stateGroups.ts';
import { EVENT } from '../events.ts';
import type { Logger } from '../logging.ts';
import { closeOrphanRuns } from '../runtime/jobRun.ts';
import { type RestoreReport, restoreActors } from '../runtime/restore.ts';
import type { PipelineDeps } from './deps.ts';
import { releaseStranded } from './queue.ts';
import { writeSlo } from './schedule.ts';

export interface RecoveryReport {
  restore: RestoreReport;
  orphanRuns: number;
  postingToUnconfirmed: number;
  released: number;
}

/**
 * What a boot does before any job runs, so a `kill -9` at any instant loses and duplicates
 * nothing: close runs the dead process left open (each scheduler run still gets its one SLO
 * event), turn every permit caught in `posting` into `unconfirmed` (its call may have
 * reached the platform), put candidates stranded in `selected`/`decided` back in the queue,
 * and check every persisted actor (quarantining any that cannot be revived).
 */
export function recoverAtBoot(deps: PipelineDeps & { resolveWindowMs: number }, log: Logger): RecoveryReport {
  const restore = restoreActors(deps.store, deps.clock, log);
  const orphans = closeOrphanRuns(deps);
  for (const run of orphans) {
    if (run.job === 'scheduler')
      writeSlo(deps, run.id, { reason: 'error', posted: false, detail: { runFailure: run.reason } });
  }
  const posting = deps.store.db
    .select({ id: permits.id, candidateId: permits.candidateId })
    .from(permits)
    .where(eq(permits.state, PERMIT.posting))
    .all();
  const now = deps.clock.now();
  deps.store.tx(() => {
    for (const permit of posting) {
      deps.host.send('permit', permit.id, {
        type: 'OUTCOME_UNKNOWN',
        reasonCode: 'crash_recovery',
        resolveBy: now + deps.resolveWindowMs,
      });
      deps.store.event({
        at: now,
        type: EVENT.crashRecovery,
        severity: 'warn',
        permitId: permit.id,
        candidateId: permit.candidateId,
        data: JSON.stringify({ from: 'posting', to: 'unconfirmed' }),
      });
    }
  });
  const released = releaseStranded(deps, 'run_crashed');
  if (orphans.length || posting.length || released || restore.quarantined.length) {
    log.warn(
      {
        orphanRuns: orphans.length,
        postingToUnconfirmed: posting.length,
        released,
        quarantined: restore.quarantined.length,
      },
      'recovered from an unclean stop',
    );
  }
  return { restore, orphanRuns: orphans.length, postingToUnconfirmed: posting.length, released };
}
