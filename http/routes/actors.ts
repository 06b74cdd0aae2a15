import { and, asc, desc, eq, gt } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { Hono } from 'hono';
import { z } from 'zod';
import { actors, type EventRow, events as eventsTable } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { AppHandle } from '../../src/app/types.ts';
import { eventData } from '../../src/proof/queries.ts';
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

const ACTOR_FIELDS = {
  id: actors.id,
  kind: actors.kind,
  machine: actors.machine,
  version: actors.version,
  state: actors.state,
  status: actors.status,
  updatedAt: actors.updatedAt,
};

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
      const rows = store.db
        .select(ACTOR_FIELDS)
        .from(actors)
        .where(
          and(
            q.kind ? eq(actors.kind, q.kind) : undefined,
            q.state ? eq(actors.state, q.state) : undefined,
            q.cursor ? gt(actors.id, q.cursor) : undefined,
          ),
        )
        .orderBy(asc(actors.id))
        .limit(q.limit + 1)
        .all();
      const items = rows.slice(0, q.limit);
      return c.json({ items, nextCursor: rows.length > q.limit ? items.at(-1)!.id : null });
    })
    .get('/api/actors/:id', (c) => {
      const { id } = params(c, z.object({ id: idSchema }));
      const row = store.db
        .select({ ...ACTOR_FIELDS, snapshot: actors.snapshot })
        .from(actors)
        .where(eq(actors.id, id))
        .get();
      if (!row) throw new HttpError(404, 'not_found', `no actor ${id}`);
      const byId = new Map<number, EventRow>();
      const add = (rows: readonly EventRow[]) => {
        for (const e of rows) byId.set(e.id, e);
      };
      // An entity's events carry its id in its kind's indexed column (its own steps and its
      // quarantine alike); actor_id has no index, so it is read only for a kind without one.
      if (row.kind === 'permit') add(latestEventsBy(store, eventsTable.permitId, id));
      else if (row.kind === 'candidate') add(latestEventsBy(store, eventsTable.candidateId, id));
      else add(latestEventsBy(store, eventsTable.actorId, id));
      const events = [...byId.values()]
        .sort((a, b) => a.id - b.id)
        .slice(-EVENT_LIMIT)
        .map(toEventJson);
      const { snapshot, ...actor } = row;
      return c.json({ ...actor, snapshot: JSON.parse(snapshot) as unknown, events });
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
