import { and, count, eq, inArray, ne, type SQL } from 'drizzle-orm';
import { events, jobRuns, permits } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { PERMIT, PERMIT_GROUPS, QUARANTINED } from '../../machines/stateGroups.ts';
import { JOB_EVENT } from '../events.ts';
import { checkInvariants, type GroundTruthPost, type InvariantReport } from '../proof/invariants.ts';
import { countEventsEver, countRows, JOB_NAMES } from '../proof/queries.ts';
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
export function verify(
  store: Store,
  truth: GroundTruthPost[],
  options: { account: string; now: number },
): Verdict {
  const report = checkInvariants(store, truth, {
    account: options.account,
    now: options.now,
    // A timer due in the last moments before the stop may not have had its tick.
    graceMs: 5_000,
    caps: { perHour: 1000, perDay: 10_000, minSpacingMs: 0 },
    forbiddenOrigins: FORBIDDEN_ORIGINS,
  });
  const unconfirmedPermits = store.db
    .selectDistinct({ permitId: events.permitId })
    .from(events)
    .where(eq(events.type, `permit_${PERMIT.unconfirmed}`));
  const unconfirmedIn = (where?: SQL) =>
    countRows(store, permits, and(inArray(permits.id, unconfirmedPermits), where));
  const unconfirmed = {
    total: store.db.select({ n: count() }).from(unconfirmedPermits.as('unconfirmed')).get()?.n ?? 0,
    // Settled by the machine: a final state, not quarantined.
    resolved: unconfirmedIn(
      and(inArray(permits.state, PERMIT_GROUPS.terminal), ne(permits.state, QUARANTINED)),
    ),
    found: unconfirmedIn(eq(permits.state, PERMIT.used)),
  };
  const jobs = JOB_NAMES.map((job) => ({
    job,
    started: countEventsEver(store, JOB_EVENT[job].started),
    completed: countEventsEver(store, JOB_EVENT[job].completed),
    failed: countEventsEver(store, JOB_EVENT[job].failed),
    running: countRows(store, jobRuns, and(eq(jobRuns.job, job), eq(jobRuns.status, 'running'))),
  }));
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
