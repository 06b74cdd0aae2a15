import { entityMachines, type EntityKind } from '../../machines/registry.ts';
import type { Store } from '../../db/store.ts';
import type { Logger } from '../logging.ts';
import type { Clock } from './clock.ts';
import { leafStates, parsePersisted } from './snapshotCodec.ts';

export interface RestoreReport {
  active: number;
  byKindState: Record<string, number>;
  quarantined: { id: string; reason: string }[];
  durationMs: number;
}

/**
 * Boot-time check of every non-terminal persisted actor. Actors stay passivated (rows, not
 * objects): restoring means proving each snapshot can be revived — known machine, known
 * version (or migratable), parseable JSON, a state the machine has — and quarantining, with
 * an `actor_quarantined` event, any that cannot, so one bad row never stops the rest.
 */
export function restoreActors(store: Store, clock: Clock, log: Logger): RestoreReport {
  const started = clock.now();
  const states = new Map<string, Set<string>>();
  for (const [kind, entry] of Object.entries(entityMachines)) states.set(kind, leafStates(entry.machine));

  const report: RestoreReport = { active: 0, byKindState: {}, quarantined: [], durationMs: 0 };
  const select = store.statement(
    "select id, kind, machine, version, state, snapshot from actors where status = 'active' and id > ? order by id limit 5000",
  );
  let after = '';
  for (;;) {
    const rows = select.all(after) as {
      id: string;
      kind: string;
      machine: string;
      version: number;
      state: string;
      snapshot: string;
    }[];
    if (rows.length === 0) break;
    for (const row of rows) {
      after = row.id;
      const reason = problemWith(row, states);
      if (reason) {
        report.quarantined.push({ id: row.id, reason });
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
      for (const q of report.quarantined) {
        store.statement("update actors set status = 'quarantined', updated_at = ? where id = ?").run(at, q.id);
        store.event({
          at,
          type: 'actor_quarantined',
          severity: 'error',
          actorId: q.id,
          data: JSON.stringify({ reason: q.reason }),
        });
      }
    });
    log.error({ quarantined: report.quarantined.length }, 'quarantined actors that could not be restored');
  }
  report.durationMs = clock.now() - started;
  return report;
}

function problemWith(
  row: { kind: string; machine: string; version: number; snapshot: string },
  states: Map<string, Set<string>>,
): string | null {
  const entry = entityMachines[row.kind as EntityKind];
  if (!entry || entry.name !== row.machine) return `unknown machine ${row.machine}`;
  let shape: ReturnType<typeof parsePersisted>;
  try {
    shape = parsePersisted(row.snapshot);
  } catch (error) {
    return (error as Error).message;
  }
  if (row.version !== entry.version) {
    const migrated = 'migrate' in entry && entry.migrate ? entry.migrate(row.version, shape) : null;
    if (!migrated) return `unknown version ${row.version} of ${row.machine} (current ${entry.version})`;
    shape = migrated;
  }
  if (!states.get(row.kind)?.has(shape.value)) return `state ${shape.value} is not in ${row.machine}`;
  return null;
}
