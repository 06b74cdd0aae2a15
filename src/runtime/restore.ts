import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { actors, candidates } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { Logger } from '../logging.ts';
import { decodeActorRow, decodeDomainRow, type QuarantineCode } from './actorRow.ts';
import { candidateStatusOf, candidatesPerState } from './candidateRow.ts';
import type { Clock } from './clock.ts';
import { entityKind } from './entityKinds.ts';
import { quarantineActor } from './quarantine.ts';

export interface RestoreReport {
  active: number;
  byKindState: Record<string, number>;
  quarantined: { id: string; reason: string; code: QuarantineCode }[];
  durationMs: number;
}

/**
 * Boot-time check of every non-terminal persisted actor. Actors stay passivated (rows, not
 * objects): restoring means proving each snapshot can be revived — known machine, known
 * version (or migratable), parseable JSON, a state the machine has (for a candidate, whose
 * row is its snapshot: a state the machine has) — and quarantining any
 * that cannot (see quarantineActor: its domain row leaves every job's selection, with an
 * `actor_quarantined` event), so one bad row never stops the rest, nor the boot.
 */
export function restoreActors(store: Store, clock: Clock, log: Logger): RestoreReport {
  const started = clock.now();
  const report: RestoreReport = { active: 0, byKindState: {}, quarantined: [], durationMs: 0 };
  let after = '';
  for (;;) {
    const rows = activeActorsAfter.all(store, { after });
    if (rows.length === 0) break;
    for (const row of rows) {
      after = row.id;
      const decoded = decodeActorRow(row);
      if (!decoded.ok) {
        report.quarantined.push({ id: row.id, ...decoded.problem });
        continue;
      }
      report.active++;
      const key = `${row.kind}.${row.state}`;
      report.byKindState[key] = (report.byKindState[key] ?? 0) + 1;
    }
  }
  checkCandidateRows(store, report);
  if (report.quarantined.length > 0) {
    store.tx(() => {
      const at = clock.now();
      for (const { id, reason, code } of report.quarantined) quarantineActor(store, at, id, { reason, code });
    });
    log.error(
      { quarantined: report.quarantined.length, ids: report.quarantined.slice(0, 20).map((q) => q.id) },
      'quarantined actors that could not be restored',
    );
  }
  report.durationMs = clock.now() - started;
  return report;
}

/**
 * Candidates live in their rows (src/runtime/candidateRow.ts): the columns are typed, so the
 * one thing to prove is that each live row's state is one this build's machine has. Read per
 * state through `candidates_state`, so a large settled history costs one index scan.
 */
function checkCandidateRows(store: Store, report: RestoreReport): void {
  const { entry } = entityKind('candidate');
  for (const { state, n } of candidatesPerState(store)) {
    if (candidateStatusOf(state) !== 'active') continue;
    const decoded = decodeDomainRow(entry, { state, context: {} });
    if (decoded.ok) {
      report.active += n;
      report.byKindState[`candidate.${state}`] = n;
      continue;
    }
    for (const { id } of candidatesInState.all(store, { state })) {
      report.quarantined.push({ id, ...decoded.problem });
    }
  }
}

const candidatesInState = prepared<{ state: string }>()((db, p) =>
  db.select({ id: candidates.id }).from(candidates).where(sql`${candidates.state} = ${p.state}`).prepare(),
);

const activeActorsAfter = prepared<{ after: string }>()((db, p) =>
  db
    .select({
      id: actors.id,
      kind: actors.kind,
      machine: actors.machine,
      version: actors.version,
      state: actors.state,
      snapshot: actors.snapshot,
    })
    .from(actors)
    .where(and(eq(actors.status, 'active'), gt(actors.id, p.after)))
    .orderBy(asc(actors.id))
    .limit(5000)
    .prepare(),
);
