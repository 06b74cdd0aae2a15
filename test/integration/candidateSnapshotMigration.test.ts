import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../db/migrate.ts';
import { openStore, type Store } from '../../db/store.ts';
import type { CandidateContext } from '../../machines/candidate.ts';
import { silentLogger } from '../../src/logging.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { restoreActors } from '../../src/runtime/restore.ts';

/**
 * Migration 0007 moves each candidate actor's snapshot from its `actors` row (JSON) into its
 * `candidates` row. A database written before it must come out with every context field in
 * the new columns, no candidate left in `actors`, and the candidates this build could not
 * have read (bad JSON, a version it does not know) quarantined as the boot check would have
 * done — the candidates that moved must then step on exactly the context they had.
 */
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** The last migration before the candidate's snapshot moved: 0006, the 7th. */
const BEFORE_0007 = 7;
const AT = Date.UTC(2026, 0, 9);
const EXPIRES_AT = AT + 3_600_000;

/** A store on a temp file with only the first `count` migrations, recorded the way migrate does. */
async function storeAtMigration(count: number): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'replywright-0007-'));
  const store = await openStore(join(dir, 'old.db'));
  cleanup = () => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  for (const m of listMigrations().slice(0, count)) {
    store.tx(() => {
      for (const statement of m.sql.split('--> statement-breakpoint')) {
        if (statement.trim()) store.driver.exec(statement);
      }
      store.driver
        .prepare('insert into schema_migrations (version, name, checksum, applied_at) values (?, ?, ?, ?)')
        .run(m.version, m.name, m.checksum, AT);
    });
  }
  return store;
}

/** The candidate actor's context as the old build held it in its JSON snapshot. */
function context(id: string, fields: Partial<CandidateContext>): CandidateContext {
  return {
    candidateId: id,
    queueEntryId: null,
    schedulerRunId: null,
    decisionId: null,
    permitId: null,
    postedPostId: null,
    reasonCode: null,
    tier: null,
    score: null,
    expiresAt: null,
    ...fields,
  };
}

interface OldCandidate {
  id: string;
  state: string;
  /** The old `actors` row: status, version and snapshot JSON (as text: it may not be JSON). */
  actor: { status: 'active' | 'done'; version: number; snapshot: string };
  tier: number | null;
  score: number | null;
  entry: { status: string; runId: string | null } | null;
}

/** What the old build wrote for one candidate: candidates row (state, reason, tier, score), actor, queue entry. */
function insertOld(store: Store, c: OldCandidate): void {
  store.tx(() => {
    store
      .statement(
        `insert into candidates (id, platform, post_id, author, text, post_created_at, is_root, source, consent,
           state, tier, score, discovered_at, updated_at)
         values (?, 'sandbox', ?, 'alice', 'a post worth answering', ?, 1, 'mentions', 'mention', ?, ?, ?, ?, ?)`,
      )
      .run(c.id, `post-${c.id}`, AT, c.state, c.tier, c.score, AT, AT);
    store
      .statement(
        `insert into actors (id, kind, machine, version, state, status, snapshot, updated_at)
         values (?, 'candidate', 'candidate', ?, ?, ?, ?, ?)`,
      )
      .run(c.id, c.actor.version, c.state, c.actor.status, c.actor.snapshot, AT);
    if (c.entry) {
      store
        .statement(
          `insert into queue_entries (id, candidate_id, tier, score, status, enqueued_at, expires_at,
             selected_by_run_id, updated_at)
           values (?, ?, 1, 80, ?, ?, ?, ?, ?)`,
        )
        .run(`q-${c.id}`, c.id, c.entry.status, AT, EXPIRES_AT, c.entry.runId, AT);
    }
  });
}

const queuedContext = context('c-queued', {
  queueEntryId: 'q-c-queued',
  tier: 1,
  score: 80,
  expiresAt: EXPIRES_AT,
});
const decidedContext = context('c-decided', {
  queueEntryId: 'q-c-decided',
  tier: 1,
  score: 80,
  expiresAt: EXPIRES_AT,
  schedulerRunId: 'run-1',
  decisionId: 'd-1',
});
const postedContext = context('c-posted', {
  queueEntryId: 'q-c-posted',
  tier: 1,
  score: 80,
  expiresAt: EXPIRES_AT,
  schedulerRunId: 'run-1',
  decisionId: 'd-posted',
  permitId: 'pm-posted',
  postedPostId: 'reply-posted',
});
const snapshot = (value: string, c: CandidateContext) => JSON.stringify({ value, context: c });

const OLD: OldCandidate[] = [
  {
    id: 'c-queued',
    state: 'queued',
    actor: { status: 'active', version: 1, snapshot: snapshot('queued', queuedContext) },
    tier: 1,
    score: 80,
    entry: { status: 'queued', runId: null },
  },
  {
    id: 'c-decided',
    state: 'decided',
    actor: { status: 'active', version: 1, snapshot: snapshot('decided', decidedContext) },
    tier: 1,
    score: 80,
    entry: { status: 'selected', runId: 'run-1' },
  },
  {
    id: 'c-posted',
    state: 'posted',
    actor: { status: 'done', version: 1, snapshot: snapshot('posted', postedContext) },
    tier: 1,
    score: 80,
    entry: { status: 'done', runId: 'run-1' },
  },
  {
    id: 'c-garbled',
    state: 'queued',
    actor: { status: 'active', version: 1, snapshot: '{"value":"queued","context":{"candidateId":' },
    tier: 1,
    score: 80,
    entry: { status: 'queued', runId: null },
  },
  {
    id: 'c-v7',
    state: 'selected',
    actor: {
      status: 'active',
      version: 7,
      snapshot: snapshot('selected', context('c-v7', { queueEntryId: 'q-c-v7', schedulerRunId: 'run-1' })),
    },
    tier: 1,
    score: 80,
    entry: { status: 'selected', runId: 'run-1' },
  },
];

/** The old database, then migrate: returns the store and what migrate applied. */
async function migratedOldStore() {
  const store = await storeAtMigration(BEFORE_0007);
  for (const c of OLD) insertOld(store, c);
  // A candidate timer (none is armed today, but the table allows one): it goes with its actor.
  store
    .statement("insert into timers (actor_id, event, due_at) values ('c-queued', 'EXPIRE', ?)")
    .run(EXPIRES_AT);
  // A permit's actors row is not a candidate's: it stays.
  store
    .statement(
      `insert into actors (id, kind, machine, version, state, status, snapshot, updated_at)
       values ('pm-1', 'permit', 'permit', 1, 'approved', 'active', '{"value":"approved","context":{}}', ?)`,
    )
    .run(AT);
  const applied = migrate(store, () => AT + 1);
  return { store, applied };
}

const contextColumns = (store: Store, id: string) =>
  store
    .statement(
      `select state, reason_code as reasonCode, queue_entry_id as queueEntryId, expires_at as expiresAt,
         scheduler_run_id as schedulerRunId, decision_id as decisionId, permit_id as permitId,
         posted_post_id as postedPostId
       from candidates where id = ?`,
    )
    .get(id);

const entryStatus = (store: Store, candidateId: string) =>
  (
    store.statement('select status from queue_entries where candidate_id = ?').get(candidateId) as {
      status: string;
    }
  ).status;

const quarantineEvents = (store: Store) =>
  (
    store
      .statement(
        "select actor_id, candidate_id, severity, data from events where type = 'actor_quarantined' order by actor_id",
      )
      .all() as { actor_id: string; candidate_id: string; severity: string; data: string }[]
  ).map((e) => ({ ...e, data: JSON.parse(e.data) as Record<string, unknown> }));

const moved = (id: string, state: string, c: CandidateContext) => ({
  id,
  kind: 'candidate',
  state,
  context: c,
});

describe('migration 0007: a candidate actor moves from actors into its candidates row', () => {
  it('applies only 0007 on a database at 0006', async () => {
    const { applied } = await migratedOldStore();
    expect(applied).toEqual([{ version: 8, name: '0007_candidate_snapshot_in_row' }]);
  });

  it('backfills each readable candidate context into the new columns', async () => {
    const { store } = await migratedOldStore();
    expect(contextColumns(store, 'c-queued')).toEqual({
      state: 'queued',
      reasonCode: null,
      queueEntryId: 'q-c-queued',
      expiresAt: EXPIRES_AT,
      schedulerRunId: null,
      decisionId: null,
      permitId: null,
      postedPostId: null,
    });
    expect(contextColumns(store, 'c-decided')).toMatchObject({
      state: 'decided',
      queueEntryId: 'q-c-decided',
      schedulerRunId: 'run-1',
      decisionId: 'd-1',
      permitId: null,
    });
    expect(contextColumns(store, 'c-posted')).toMatchObject({
      state: 'posted',
      schedulerRunId: 'run-1',
      decisionId: 'd-posted',
      permitId: 'pm-posted',
      postedPostId: 'reply-posted',
    });
  });

  it('leaves no candidate in actors, nor its timers; other actors stay', async () => {
    const { store } = await migratedOldStore();
    expect(store.statement('select id, kind from actors').all()).toEqual([{ id: 'pm-1', kind: 'permit' }]);
    expect(store.statement('select actor_id from timers').all()).toEqual([]);
  });

  it('quarantines the live candidates this build could not have read: bad JSON, an unknown version', async () => {
    const { store } = await migratedOldStore();
    expect(contextColumns(store, 'c-garbled')).toMatchObject({
      state: 'quarantined',
      reasonCode: 'unreadable_snapshot',
    });
    expect(contextColumns(store, 'c-v7')).toMatchObject({
      state: 'quarantined',
      reasonCode: 'unknown_version',
    });
    expect(entryStatus(store, 'c-garbled')).toBe('dropped');
    expect(entryStatus(store, 'c-v7')).toBe('dropped');
    const events = quarantineEvents(store);
    expect(events).toEqual([
      {
        actor_id: 'c-garbled',
        candidate_id: 'c-garbled',
        severity: 'error',
        data: expect.objectContaining({
          code: 'unreadable_snapshot',
          kind: 'candidate',
          machine: 'candidate',
          version: 1,
          state: 'queued',
          status: 'active',
        }),
      },
      {
        actor_id: 'c-v7',
        candidate_id: 'c-v7',
        severity: 'error',
        data: expect.objectContaining({
          code: 'unknown_version',
          kind: 'candidate',
          machine: 'candidate',
          version: 7,
          state: 'selected',
          status: 'active',
        }),
      },
    ]);
    // The rest keep their queue entries as they were.
    expect(entryStatus(store, 'c-queued')).toBe('queued');
    expect(entryStatus(store, 'c-decided')).toBe('selected');
    expect(entryStatus(store, 'c-posted')).toBe('done');
  });

  it('the next boot finds nothing more to quarantine, and a quarantined candidate is not loaded', async () => {
    const { store } = await migratedOldStore();
    const clock = new SimulatedClock();
    const report = restoreActors(store, clock, silentLogger);
    expect(report.quarantined).toEqual([]);
    expect(report.byKindState).toMatchObject({ 'candidate.queued': 1, 'candidate.decided': 1 });
    expect(new EntityHost(store, clock).get('candidate', 'c-garbled')).toBeNull();
    expect(quarantineEvents(store)).toHaveLength(2);
  });

  it('a moved candidate is read with the context its old snapshot had, and steps on from it', async () => {
    const { store } = await migratedOldStore();
    const host = new EntityHost(store, new SimulatedClock());
    const read = (id: string) => host.get('candidate', id);
    expect(read('c-queued')).toEqual({ ...moved('c-queued', 'queued', queuedContext), done: false });
    expect(read('c-decided')).toEqual({ ...moved('c-decided', 'decided', decidedContext), done: false });
    expect(read('c-posted')).toEqual({ ...moved('c-posted', 'posted', postedContext), done: true });

    const permitted = store.tx(() =>
      host.send('candidate', 'c-queued', [
        { type: 'SELECT', schedulerRunId: 'run-2' },
        { type: 'DECIDE', decisionId: 'd-2' },
        { type: 'PERMIT', permitId: 'pm-2' },
      ]),
    );
    const permittedContext = {
      ...queuedContext,
      schedulerRunId: 'run-2',
      decisionId: 'd-2',
      permitId: 'pm-2',
    };
    expect(permitted.state).toBe('permitted');
    expect(permitted.context).toEqual(permittedContext);
    // Persisted in its row (and its queue entry), still with no actors row.
    expect(contextColumns(store, 'c-queued')).toMatchObject({
      state: 'permitted',
      queueEntryId: 'q-c-queued',
      expiresAt: EXPIRES_AT,
      schedulerRunId: 'run-2',
      decisionId: 'd-2',
      permitId: 'pm-2',
    });
    expect(entryStatus(store, 'c-queued')).toBe('done');
    expect(read('c-queued')?.context).toEqual(permittedContext);
    expect(store.statement("select count(*) n from actors where kind = 'candidate'").get()).toEqual({ n: 0 });
  });
});
