import { desc, eq } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { Hono } from 'hono';
import { z } from 'zod';
import { type EventRow, events as eventsTable } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { AppHandle } from '../../src/app/types.ts';
import { eventData } from '../../src/proof/queries.ts';
import { actorWithSnapshot, listActors } from '../../src/runtime/actorListing.ts';
import type { HttpEnv } from '../env.ts';
import { HttpError } from '../errors.ts';
import { idSchema, params, query } from '../validate.ts';

/**
 * `GET /api/actors?kind=&state=&limit=&cursor=` pages persisted actors by id (cursor = last id
 * seen); `GET /api/actors/:id` shows one actor's snapshot and its latest events.
 */
const listQuery = z.object({
  kind: z
    .string()
    .regex(/^[a-z_]{1,32}$/, 'expected a kind such as candidate or permit')
    .optional(),
  state: z
    .string()
    .regex(/^[a-z_.]{1,64}$/, 'expected a state name')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: idSchema.optional(),
});

const EVENT_LIMIT = 500;

/** The latest events of one actor, newest first, found through one of the indexed id columns. */
function latestEventsBy(store: Store, column: SQLiteColumn, id: string): EventRow[] {
  return store.db
    .select()
    .from(eventsTable)
    .where(eq(column, id))
    .orderBy(desc(eventsTable.id))
    .limit(EVENT_LIMIT)
    .all();
}

export function actorRoutes(app: AppHandle): Hono<HttpEnv> {
  const { store } = app;
  return new Hono<HttpEnv>()
    .get('/api/actors', (c) => {
      const q = query(c, listQuery);
      const rows = listActors(store, { kind: q.kind, state: q.state, after: q.cursor, limit: q.limit + 1 });
      const items = rows.slice(0, q.limit);
      return c.json({ items, nextCursor: rows.length > q.limit ? items.at(-1)!.id : null });
    })
    .get('/api/actors/:id', (c) => {
      const { id } = params(c, z.object({ id: idSchema }));
      const actor = actorWithSnapshot(store, id);
      if (!actor) throw new HttpError(404, 'not_found', `no actor ${id}`);
      // An entity's events carry its id in its kind's indexed column (its own steps and its
      // quarantine alike); actor_id has no index, so it is read only for a kind without one.
      const column =
        actor.kind === 'permit'
          ? eventsTable.permitId
          : actor.kind === 'candidate'
            ? eventsTable.candidateId
            : eventsTable.actorId;
      const events = latestEventsBy(store, column, id).reverse().map(toEventJson);
      return c.json({ ...actor, events });
    });
}

function toEventJson(e: EventRow) {
  return {
    id: e.id,
    at: e.at,
    type: e.type,
    severity: e.severity,
    actorId: e.actorId,
    candidateId: e.candidateId,
    queueEntryId: e.queueEntryId,
    schedulerRunId: e.schedulerRunId,
    decisionId: e.decisionId,
    permitId: e.permitId,
    postId: e.postId,
    data: eventData(e.data),
  };
}
