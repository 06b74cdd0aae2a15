import { and, asc, eq, gt } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { actors } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { Logger } from '../logging.ts';
import { decodeActorRow, type QuarantineCode } from './actorRow.ts';
import type { Clock } from './clock.ts';
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
 * version (or migratable), parseable JSON, a state the machine has — and quarantining any
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
