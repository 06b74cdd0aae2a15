import type { Store } from '../../db/store.ts';
import { JOB_EVENT } from '../events.ts';
import { checkInvariants, type GroundTruthPost, type InvariantReport } from '../proof/invariants.ts';
import { FORBIDDEN_ORIGINS } from '../sim/simulation.ts';
import type { JobBalance } from './types.ts';

export interface Verdict {
  report: InvariantReport;
  replies: number;
  ghostsDetected: number;
  unconfirmed: { total: number; resolved: number; found: number };
  jobs: JobBalance[];
}

/**
 * The invariants (src/proof/invariants.ts) against the sandbox's ground truth, plus the
 * figures the chaos table shows. `now` is when the pipeline was told to stop.
 */
export function verify(store: Store, truth: GroundTruthPost[], options: { account: string; now: number }): Verdict {
  const report = checkInvariants(store, truth, {
    account: options.account,
    now: options.now,
    // A timer due in the last moments before the stop may not have had its tick.
    graceMs: 5_000,
    caps: { perHour: 1000, perDay: 10_000, minSpacingMs: 0 },
    forbiddenOrigins: FORBIDDEN_ORIGINS,
  });
  const n = (sql: string, ...params: unknown[]) => (store.statement(sql).get(...params) as { n: number }).n;
  const unconfirmedPermits = `select distinct permit_id from events where type = 'permit_unconfirmed'`;
  const unconfirmed = {
    total: n(`select count(*) as n from (${unconfirmedPermits})`),
    resolved: n(
      `select count(*) as n from permits where id in (${unconfirmedPermits})
       and state in ('used', 'failed', 'rejected', 'expired')`,
    ),
    found: n(`select count(*) as n from permits where id in (${unconfirmedPermits}) and state = 'used'`),
  };
  const jobs = Object.entries(JOB_EVENT).map(([job, names]) => {
    const count = (type: string) => n('select count(*) as n from events where type = ?', type);
    return {
      job,
      started: count(names.started),
      completed: count(names.completed),
      failed: count(names.failed),
      running: n("select count(*) as n from job_runs where job = ? and status = 'running'", job),
    };
  });
  const account = options.account.toLowerCase();
  const replies = truth.filter((p) => p.author.toLowerCase() === account && p.origin !== 'ghost').length;
  return {
    report,
    replies,
    ghostsDetected: report.injectedGhosts - report.undetectedGhosts.length,
    unconfirmed,
    jobs,
  };
}
