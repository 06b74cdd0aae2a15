import { Hono } from 'hono';
import { z } from 'zod';
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
  kind: z.string().regex(/^[a-z_]{1,32}$/, 'expected a kind such as candidate or permit').optional(),
  state: z.string().regex(/^[a-z_.]{1,64}$/, 'expected a state name').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: idSchema.optional(),
});

interface ActorListRow {
  id: string;
  kind: string;
  machine: string;
  version: number;
  state: string;
  status: string;
  updatedAt: number;
}

interface EventDbRow {
  id: number;
  at: number;
  type: string;
  severity: string;
  actor_id: string | null;
  candidate_id: string | null;
  queue_entry_id: string | null;
  scheduler_run_id: string | null;
  decision_id: string | null;
  permit_id: string | null;
  post_id: string | null;
  data: string | null;
}

const EVENT_LIMIT = 500;

export function actorRoutes(app: AppHandle): Hono<HttpEnv> {
  const { store } = app;
  return new Hono<HttpEnv>()
    .get('/api/actors', (c) => {
      const q = query(c, listQuery);
      const where: string[] = [];
      const args: unknown[] = [];
      if (q.kind) {
        where.push('kind = ?');
        args.push(q.kind);
      }
      if (q.state) {
        where.push('state = ?');
        args.push(q.state);
      }
      if (q.cursor) {
        where.push('id > ?');
        args.push(q.cursor);
      }
      const sql = `select id, kind, machine, version, state, status, updated_at as updatedAt from actors
        ${where.length ? `where ${where.join(' and ')}` : ''} order by id limit ?`;
      const rows = store.statement(sql).all(...args, q.limit + 1) as ActorListRow[];
      const items = rows.slice(0, q.limit);
      return c.json({ items, nextCursor: rows.length > q.limit ? items.at(-1)!.id : null });
    })
    .get('/api/actors/:id', (c) => {
      const { id } = params(c, z.object({ id: idSchema }));
      const row = store
        .statement('select id, kind, machine, version, state, status, snapshot, updated_at as updatedAt from actors where id = ?')
        .get(id) as (ActorListRow & { snapshot: string }) | undefined;
      if (!row) throw new HttpError(404, 'not_found', `no actor ${id}`);
      const byId = new Map<number, EventDbRow>();
      const add = (rows: unknown[]) => {
        for (const e of rows as EventDbRow[]) byId.set(e.id, e);
      };
      add(store.statement('select * from events where actor_id = ? order by id desc limit ?').all(id, EVENT_LIMIT));
      if (row.kind === 'permit') {
        add(store.statement('select * from events where permit_id = ? order by id desc limit ?').all(id, EVENT_LIMIT));
      }
      if (row.kind === 'candidate') {
        add(store.statement('select * from events where candidate_id = ? order by id desc limit ?').all(id, EVENT_LIMIT));
      }
      const events = [...byId.values()]
        .sort((a, b) => a.id - b.id)
        .slice(-EVENT_LIMIT)
        .map(toEventJson);
      const { snapshot, ...actor } = row;
      return c.json({ ...actor, snapshot: JSON.parse(snapshot) as unknown, events });
    });
}

function toEventJson(e: EventDbRow) {
  return {
    id: e.id,
    at: e.at,
    type: e.type,
    severity: e.severity,
    actorId: e.actor_id,
    candidateId: e.candidate_id,
    queueEntryId: e.queue_entry_id,
    schedulerRunId: e.scheduler_run_id,
    decisionId: e.decision_id,
    permitId: e.permit_id,
    postId: e.post_id,
    data: eventData(e.data),
  };
}
