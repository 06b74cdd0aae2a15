import { createWebSocketInspector } from '@statelyai/inspect';
import { and, asc, gt, like, max, or } from 'drizzle-orm';
import type { InspectionEvent, Observer } from 'xstate';
import { events } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { Logger } from '../logging.ts';
import { entityKinds } from './entityKinds.ts';

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
  let lastId =
    deps.store.db
      .select({ id: max(events.id) })
      .from(events)
      .get()?.id ?? 0;
  const seen = new Set<string>();
  const unsubscribe = deps.store.onEventsCommitted(() => {
    const rows = deps.store.db
      .select({ id: events.id, type: events.type, actorId: events.actorId, data: events.data })
      .from(events)
      .where(and(gt(events.id, lastId), or(...KINDS.map((kind) => like(events.type, `${kind}_%`)))))
      .orderBy(asc(events.id))
      .all();
    for (const row of rows) {
      lastId = row.id;
      if (!row.actorId) continue;
      const [kind, ...state] = row.type.split('_');
      const value = state.join('_');
      const cause = causeOf(row.data) ?? 'xstate.init';
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

/** The entity kinds: their transition events are typed `<kind>_<state>`. */
const KINDS = Object.keys(entityKinds);

/** The event that caused a transition, from its event row's data. */
function causeOf(data: string | null): string | null {
  const parsed: unknown = JSON.parse(data ?? '{}');
  if (parsed === null || typeof parsed !== 'object' || !('cause' in parsed)) return null;
  return typeof parsed.cause === 'string' ? parsed.cause : null;
}
