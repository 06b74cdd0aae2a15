import { createWebSocketInspector } from '@statelyai/inspect';
import type { InspectionEvent, Observer } from 'xstate';
import type { Store } from '../../db/store.ts';
import type { Logger } from '../logging.ts';

export interface Inspection {
  /** For createActor's `inspect` option (the live job and supervisor actors). */
  readonly inspect: Observer<InspectionEvent>;
  stop(): void;
}

/**
 * `INSPECT=1`: reports to a Stately inspector server. Live actors (jobs, supervisor) report
 * through XState's own inspection; candidates and permits have no live actor (they are
 * passivated), so every committed transition event is reported as a snapshot of that actor.
 */
export function startInspection(deps: { store: Store; url: string; log: Logger }): Inspection {
  // Starts itself (autoStart); a second start() would open a second socket.
  const inspector = createWebSocketInspector({ url: deps.url });
  let lastId = (deps.store.statement('select coalesce(max(id), 0) as id from events').get() as { id: number }).id;
  const seen = new Set<string>();
  const unsubscribe = deps.store.onEventsCommitted(() => {
    const rows = deps.store
      .statement(
        "select id, type, actor_id as actorId, data from events where id > ? and (type like 'candidate_%' or type like 'permit_%') order by id",
      )
      .all(lastId) as { id: number; type: string; actorId: string | null; data: string | null }[];
    for (const row of rows) {
      lastId = row.id;
      if (!row.actorId) continue;
      const [kind, ...state] = row.type.split('_');
      const value = state.join('_');
      const cause = (JSON.parse(row.data ?? '{}') as { cause?: string }).cause ?? 'xstate.init';
      if (!seen.has(row.actorId)) {
        seen.add(row.actorId);
        inspector.actor(row.actorId, { value, status: 'active' }, { definition: kind });
      }
      inspector.snapshot(row.actorId, { value, status: 'active' }, { event: { type: cause } });
    }
  });
  deps.log.info({ url: deps.url }, 'reporting actors to the Stately inspector');
  return {
    inspect: inspector.inspect,
    stop() {
      unsubscribe();
      inspector.stop();
    },
  };
}
