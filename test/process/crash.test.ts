import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../db/store.ts';
import { type EntityKind, entityMachines } from '../../machines/registry.ts';
import { CANDIDATE_GROUPS, sqlList } from '../../machines/stateGroups.ts';
import { silentLogger } from '../../src/logging.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { EntityHost, type EventOf } from '../../src/runtime/entityHost.ts';
import { QUEUE_STATUS } from '../../src/runtime/projections.ts';
import { seededRandom } from '../../src/runtime/random.ts';
import { restoreActors } from '../../src/runtime/restore.ts';
import { parsePersisted, reviveSnapshot } from '../../src/runtime/snapshotCodec.ts';
import { CANDIDATE_ROW_SQL, type CandidateRow, candidateRowContext } from '../support/candidateRows.ts';
import { waitFor } from '../support/waitFor.ts';

/**
 * kill -9 at random instants (invariant 9): a worker process streams transitions through
 * EntityHost + DurableTimers on a file DB; the test SIGKILLs it 22 times (seeded), restarts it
 * each time, and checks that nothing reported committed is lost, that actors (a permit's
 * `actors` row, a candidate's `candidates` row — its snapshot), domain rows, events and timers
 * agree, that every live actor restores and steps, and that every timer
 * overdue at a crash fires exactly once at the next start.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKER = join(ROOT, 'test/support/crashWorker.ts');
const SEED = 20260109;
const KILLS = 22;

interface Ready {
  quarantined: number;
  active: number;
  startedAt: number;
  fired: number;
}

interface Worker {
  child: ChildProcess;
  commits(): number;
  ready: Promise<Ready>;
  /** Resolves once `predicate` holds, checked after every line. */
  until(predicate: () => boolean): Promise<void>;
  kill(): Promise<void>;
  stderr(): string;
}

function startWorker(dbPath: string, seed: number, reported: Set<number>): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dbPath, String(seed)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let commits = 0;
  let buffer = '';
  let stderr = '';
  let killed = false;
  const waiters: { predicate: () => boolean; resolve: () => void }[] = [];
  let onReady: (r: Ready) => void = () => {};
  let onFail: (e: Error) => void = () => {};
  const ready = new Promise<Ready>((resolve, reject) => {
    onReady = resolve;
    onFail = reject;
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('committed ')) {
        reported.add(Number(line.slice('committed '.length)));
        commits++;
      } else if (line.startsWith('ready ')) {
        onReady(JSON.parse(line.slice('ready '.length)) as Ready);
      }
      for (const w of waiters.splice(0)) {
        if (w.predicate()) w.resolve();
        else waiters.push(w);
      }
    }
  });
  child.on('exit', (code, signal) => {
    if (!killed) onFail(new Error(`worker exited on its own (code ${code}, signal ${signal}): ${stderr}`));
  });
  return {
    child,
    commits: () => commits,
    ready,
    until: (predicate) =>
      predicate() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ predicate, resolve })),
    async kill() {
      killed = true;
      child.kill('SIGKILL');
      await closed;
    },
    stderr: () => stderr,
  };
}

/** A random kill instant: the sleep is the behaviour under test, not a wait for something. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long the final worker runs (on its own clock) while its timers come due. */
const FINAL_RUN_MS = 1_000;
/** How late a timer may fire, counted while the worker is demonstrably running. */
const TIMER_SLACK_MS = 1_000;

interface WatchedTimer {
  actor: string;
  event: string;
  dueAt: number;
  /** When it fired (its transition's event row), or null while it is still a row in `timers`. */
  firedAt: number | null;
}

/**
 * Timer punctuality measured against the worker's own commits since `startedAt`, not the
 * wall clock: on a loaded machine the worker can be descheduled for seconds, and a timer
 * that comes due then is not late until the worker runs again. The worker commits once per
 * event-loop turn, and each turn passes the timers phase, so a timer that is still unfired
 * after two commits made more than `slackMs` after its due time (or after the worker's start,
 * for a timer that came due while no worker ran) waited while the worker ran.
 */
function timerWatch(db: Database.Database, startedAt: number) {
  const commits = (
    db
      .prepare(
        "select min(at) as at from events where at >= ? and json_extract(data, '$.n') is not null group by json_extract(data, '$.n') order by at",
      )
      .all(startedAt) as { at: number }[]
  ).map((c) => c.at);
  const fired = db
    .prepare(
      `select actor_id as actor, json_extract(data, '$.timer') as event, json_extract(data, '$.dueAt') as dueAt,
         at as firedAt from events where at >= ? and type like 'permit_%' and json_extract(data, '$.timer') is not null`,
    )
    .all(startedAt) as WatchedTimer[];
  const pending = db
    .prepare('select actor_id as actor, event, due_at as dueAt, null as firedAt from timers')
    .all() as WatchedTimer[];
  const commitsBetween = (from: number, to: number | null) =>
    commits.filter((at) => at > from && (to === null || at < to)).length;
  return {
    /** The worker committed for `ms` after its start and at least one timer came due and fired meanwhile. */
    ranFor: (ms: number) =>
      (commits.at(-1) ?? startedAt) - startedAt >= ms && fired.some((t) => t.dueAt > startedAt),
    /** Timers that missed a turn of the worker's event loop more than `slackMs` after coming due. */
    waitedPast: (slackMs: number) =>
      [...fired, ...pending]
        // a timer that came due before this worker started is late only from the worker's start
        .map((t) => ({
          ...t,
          commitsSinceLate: commitsBetween(Math.max(t.dueAt, startedAt) + slackMs, t.firedAt),
        }))
        .filter((t) => t.commitsSinceLate >= 2),
  };
}

interface ActorRow {
  id: string;
  kind: EntityKind;
  machine: string;
  version: number;
  state: string;
  status: string;
  snapshot: string;
}

/** One persisted actor, revived: from its `actors` row (a permit) or its `candidates` row. */
interface PersistedActor {
  id: string;
  kind: EntityKind;
  state: string;
  /** From the revived snapshot: a final state is `done`. */
  status: 'active' | 'done';
  context: Record<string, unknown>;
}

/** The states the candidate machine has: anything else in `candidates.state` cannot be revived. */
const CANDIDATE_STATES = new Set(Object.keys(entityMachines.candidate.machine.root.states));

/**
 * Every actor as its snapshot persists it, revived; what cannot be revived is a problem. A
 * candidate's snapshot is its `candidates` row (state + context columns), read here by the
 * checker's own SQL; an `actors` row for a candidate is itself a problem.
 */
function persistedActors(db: Database.Database, problems: string[]): PersistedActor[] {
  const out: PersistedActor[] = [];
  const actors = db
    .prepare('select id, kind, machine, version, state, status, snapshot from actors')
    .all() as ActorRow[];
  for (const a of actors) {
    const entry = entityMachines[a.kind];
    const where = `${a.kind} ${a.id} (${a.state})`;
    if (a.kind === 'candidate') {
      problems.push(`${where}: an actors row for a candidate (its candidates row is its snapshot)`);
      continue;
    }
    if (!entry || entry.name !== a.machine || a.version !== entry.version) {
      problems.push(`${where}: unknown machine ${a.machine} v${a.version}`);
      continue;
    }
    let snapshot: ReturnType<typeof reviveSnapshot>;
    try {
      snapshot = reviveSnapshot(entry, parsePersisted(a.snapshot));
    } catch (error) {
      problems.push(`${where}: snapshot does not revive: ${(error as Error).message}`);
      continue;
    }
    if (snapshot.value !== a.state) problems.push(`${where}: snapshot says ${String(snapshot.value)}`);
    const status = snapshot.status === 'done' ? 'done' : 'active';
    if (a.status !== status) problems.push(`${where}: status ${a.status}, expected ${status}`);
    out.push({ id: a.id, kind: a.kind, state: a.state, status, context: snapshot.context });
  }
  const rows = db.prepare(CANDIDATE_ROW_SQL).all() as CandidateRow[];
  for (const row of rows) {
    const where = `candidate ${row.id} (${row.state})`;
    if (!CANDIDATE_STATES.has(row.state)) {
      problems.push(`${where}: not a state of the candidate machine`);
      continue;
    }
    const context = candidateRowContext(row);
    const snapshot = reviveSnapshot(entityMachines.candidate, { value: row.state, context });
    const status = snapshot.status === 'done' ? 'done' : 'active';
    out.push({ id: row.id, kind: 'candidate', state: row.state, status, context });
  }
  return out;
}

/** Every disagreement between actors, domain rows, events and timers; empty when consistent. */
function agreementProblems(db: Database.Database, reported: Set<number>): string[] {
  const problems: string[] = [];
  const committed = new Set(
    (
      db
        .prepare("select distinct json_extract(data, '$.n') as n from events where data like '%\"n\":%'")
        .all() as {
        n: number | null;
      }[]
    ).map((r) => r.n),
  );
  const lost = [...reported].filter((n) => !committed.has(n));
  if (lost.length > 0)
    problems.push(`reported committed but missing: ${lost.slice(0, 10).join(', ')} (${lost.length})`);

  const actors = persistedActors(db, problems);
  const byId = new Map(actors.map((a) => [a.id, a]));
  const events = new Map<string, { type: string; from: string | null }[]>();
  for (const e of db
    .prepare('select actor_id, type, data from events where actor_id is not null order by id')
    .all() as {
    actor_id: string;
    type: string;
    data: string;
  }[]) {
    const list = events.get(e.actor_id) ?? [];
    list.push({ type: e.type, from: (JSON.parse(e.data) as { from: string | null }).from });
    events.set(e.actor_id, list);
  }
  const permits = new Map(
    (
      db.prepare('select id, candidate_id, state, attempts, actual_post_id from permits').all() as {
        id: string;
        candidate_id: string;
        state: string;
        attempts: number;
        actual_post_id: string | null;
      }[]
    ).map((r) => [r.id, r]),
  );
  const queue = new Map(
    (
      db.prepare('select id, candidate_id, status from queue_entries').all() as {
        id: string;
        candidate_id: string;
        status: string;
      }[]
    ).map((r) => [r.candidate_id, r]),
  );
  const decisions = new Map(
    (
      db.prepare('select id, candidate_id from decisions').all() as { id: string; candidate_id: string }[]
    ).map((r) => [r.id, r]),
  );
  const timerRows = new Set(
    (
      db.prepare('select actor_id, event, due_at from timers').all() as {
        actor_id: string;
        event: string;
        due_at: number;
      }[]
    ).map((t) => `${t.actor_id} ${t.event} ${t.due_at}`),
  );
  const wantedTimers = new Set<string>();
  const contexts = new Map<string, Record<string, unknown>>();

  for (const a of actors) {
    const entry = entityMachines[a.kind];
    const where = `${a.kind} ${a.id} (${a.state})`;
    const { context } = a;
    contexts.set(a.id, context);
    if (entry.quietStates.includes(a.state)) problems.push(`${where}: a transient state was committed`);

    const chain = events.get(a.id) ?? [];
    const last = chain.at(-1);
    if (!last || last.type !== `${a.kind}_${a.state}`)
      problems.push(`${where}: last event is ${last?.type ?? 'missing'}`);
    chain.forEach((e, i) => {
      const previous = chain[i - 1];
      const expectedFrom = previous ? previous.type.slice(a.kind.length + 1) : undefined;
      const ok = previous ? e.from === expectedFrom : e.from === null || entry.quietStates.includes(e.from);
      if (!ok)
        problems.push(`${where}: event ${i} ${e.type} from ${e.from}, previous ${previous?.type ?? 'none'}`);
    });
    if (a.status === 'active') {
      for (const t of entry.timers?.(a.state, context as never) ?? [])
        wantedTimers.add(`${a.id} ${t.event} ${t.dueAt}`);
    }

    if (a.kind === 'candidate') {
      const entryRow = queue.get(a.id);
      if (context.queueEntryId !== null) {
        if (entryRow?.id !== context.queueEntryId || entryRow?.status !== QUEUE_STATUS[a.state]) {
          problems.push(`${where}: queue entry ${entryRow?.id ?? 'missing'} is ${entryRow?.status}`);
        }
      } else if (entryRow) {
        problems.push(`${where}: queue entry ${entryRow.id} for a candidate never queued`);
      }
      if (
        ['decided', 'permitted', 'posted'].includes(a.state) &&
        !decisions.has(context.decisionId as string)
      ) {
        problems.push(`${where}: no decision row ${String(context.decisionId)}`);
      }
      if (['permitted', 'posted'].includes(a.state) || (a.state === 'failed' && context.permitId)) {
        const permit = permits.get(context.permitId as string);
        const expected =
          a.state === 'posted'
            ? ['used']
            : a.state === 'failed'
              ? ['rejected', 'expired', 'failed']
              : ['awaiting_approval', 'approved', 'posting', 'unconfirmed'];
        if (!permit || permit.candidate_id !== a.id || !expected.includes(permit.state)) {
          problems.push(`${where}: permit ${String(context.permitId)} is ${permit?.state ?? 'missing'}`);
        }
        if (a.state === 'posted' && permit?.actual_post_id !== context.postedPostId) {
          problems.push(
            `${where}: posted ${String(context.postedPostId)}, permit says ${permit?.actual_post_id}`,
          );
        }
      }
    } else {
      const row = permits.get(a.id);
      if (
        !row ||
        row.state !== a.state ||
        row.attempts !== context.attempts ||
        row.actual_post_id !== context.actualPostId
      ) {
        problems.push(`${where}: permits row ${JSON.stringify(row)} vs context`);
      }
      if (a.state === 'used' && !context.actualPostId) problems.push(`${where}: used without a post id`);
    }
  }
  for (const [id, p] of permits) {
    if (byId.get(id)?.kind !== 'permit') problems.push(`permit row ${id} without actor`);
    const candidate = byId.get(p.candidate_id);
    if (!candidate || !['permitted', 'posted', 'failed'].includes(candidate.state)) {
      problems.push(`permit ${id}: its candidate ${p.candidate_id} is ${candidate?.state ?? 'missing'}`);
    }
  }
  for (const [id, d] of decisions) {
    const candidate = byId.get(d.candidate_id);
    if (!candidate || contexts.get(d.candidate_id)?.decisionId !== id) {
      problems.push(
        `decision ${id}: candidate ${d.candidate_id} (${candidate?.state ?? 'missing'}) does not hold it`,
      );
    }
  }
  for (const [candidateId, q] of queue) {
    if (!byId.has(candidateId)) problems.push(`queue entry ${q.id} for a candidate without actor`);
  }
  const twice = db
    .prepare(
      `select actor_id, json_extract(data, '$.cause') as cause, count(*) as n from events
       where type like 'permit_%' and json_extract(data, '$.timer') is not null group by 1, 2 having n > 1`,
    )
    .all() as { actor_id: string; cause: string; n: number }[];
  for (const t of twice) problems.push(`timer ${t.cause} of ${t.actor_id} fired ${t.n} times`);
  for (const t of timerRows)
    if (!wantedTimers.has(t)) problems.push(`timer row ${t} no actor state asks for`);
  for (const t of wantedTimers) if (!timerRows.has(t)) problems.push(`missing timer row ${t}`);
  return problems.slice(0, 25);
}

const STEP_EVENTS: { [K in EntityKind]: ((id: string) => EventOf<K>)[] } = {
  candidate: [
    () => ({ type: 'EVALUATE' }),
    () => ({ type: 'REJECT', reasonCode: 'step_check' }),
    (id) => ({ type: 'SELECT', schedulerRunId: `step-${id}` }),
    (id) => ({ type: 'DECIDE', decisionId: `step-${id}` }),
    (id) => ({ type: 'PERMIT', permitId: `step-${id}` }),
    (id) => ({ type: 'POSTED', postId: `step-${id}` }),
  ],
  permit: [
    () => ({ type: 'SUBMIT' }),
    () => ({ type: 'APPROVE' }),
    () => ({
      type: 'CLAIM',
      target: { exists: true, isRoot: true, inReplyToPostId: null },
      postingDeadlineAt: Date.now(),
    }),
    (id) => ({ type: 'POSTED', postId: `step-${id}` }),
    (id) => ({ type: 'FOUND', postId: `step-${id}` }),
  ],
};

class RollBack extends Error {}

/** With the worker dead: restores every actor, steps each live one (rolled back), lists overdue timers. */
async function offlineCheck(dbPath: string, reported: Set<number>) {
  const store = await openStore(dbPath);
  try {
    const problems = agreementProblems(store.driver as unknown as Database.Database, reported);
    const restored = restoreActors(store, systemClock, silentLogger);
    const host = new EntityHost(store, systemClock);
    // A candidate has no actors row: its candidates row's state says whether it is live.
    const live = store
      .statement(
        `select id, kind, state from actors where status = 'active'
         union all select id, 'candidate', state from candidates where state in ${sqlList(CANDIDATE_GROUPS.open)}`,
      )
      .all() as { id: string; kind: EntityKind; state: string }[];
    const stuck: string[] = [];
    try {
      store.tx(() => {
        for (const a of live) {
          const stepped = STEP_EVENTS[a.kind].some(
            (make) => host.trySend(a.kind, a.id, make(a.id) as EventOf<typeof a.kind>) !== null,
          );
          if (!stepped) stuck.push(`${a.kind} ${a.id} in ${a.state}`);
        }
        throw new RollBack();
      });
    } catch (error) {
      if (!(error instanceof RollBack)) throw error;
    }
    const now = Date.now();
    const overdue = store
      .statement('select actor_id, event, due_at from timers where due_at <= ?')
      .all(now) as {
      actor_id: string;
      event: string;
      due_at: number;
    }[];
    return { problems, quarantined: restored.quarantined, live: live.length, stuck, overdue };
  } finally {
    store.close();
  }
}

describe('crash safety (kill -9)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replywright-crash-'));
  const dbPath = join(dir, 'crash.db');
  let finalReported = new Set<number>();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`loses and duplicates nothing across ${KILLS} SIGKILLs at random instants`, async () => {
    const rng = seededRandom(SEED);
    const reported = new Set<number>();
    let overdue: { actor_id: string; event: string; due_at: number }[] = [];
    const stats = { kills: 0, killedBeforeReady: 0, overdueChecked: 0, maxLive: 0 };
    finalReported = reported;

    for (let round = 0; round <= KILLS; round++) {
      const last = round === KILLS;
      const worker = startWorker(dbPath, SEED + round, reported);
      const mode = last ? 'final' : round > 0 && rng() < 0.15 ? 'startup' : rng() < 0.5 ? 'commits' : 'delay';
      if (mode === 'startup') {
        // anywhere in migrate / restore / overdue timers / first commits
        await Promise.race([
          sleep(Math.floor(rng() * 350)),
          worker.ready.then(() => sleep(Math.floor(rng() * 30))),
        ]);
        const sawReady = await Promise.race([worker.ready.then(() => true), sleep(0).then(() => false)]);
        if (!sawReady) stats.killedBeforeReady++;
      } else {
        const ready = await worker.ready;
        expect(ready.quarantined, `round ${round}: restore quarantined actors`).toBe(0);
        // every timer overdue at the crash fired at start, exactly once
        const db = new Database(dbPath, { readonly: true, fileMustExist: true });
        try {
          db.exec('begin');
          const stillThere = db
            .prepare('select count(*) as n from timers where due_at <= ?')
            .get(ready.startedAt) as { n: number };
          expect(stillThere.n, `round ${round}: overdue timer rows left after start`).toBe(0);
          const fired = db.prepare(
            "select count(*) as n from events where actor_id = ? and json_extract(data, '$.cause') = ?",
          );
          for (const t of overdue) {
            expect(
              (fired.get(t.actor_id, t.event) as { n: number }).n,
              `round ${round}: ${t.event} of ${t.actor_id}`,
            ).toBe(1);
          }
          stats.overdueChecked += overdue.length;
          db.exec('commit');
        } finally {
          db.close();
        }
        if (mode === 'commits') {
          const target = worker.commits() + 1 + Math.floor(rng() * 600);
          await worker.until(() => worker.commits() >= target);
        } else if (mode === 'delay') {
          await sleep(Math.floor(rng() * 400));
        } else {
          // the final run: let live timers come due and fire while it runs
          const db2 = new Database(dbPath, { readonly: true, fileMustExist: true });
          try {
            await waitFor(() => timerWatch(db2, ready.startedAt).ranFor(FINAL_RUN_MS), {
              what: `the final worker to commit for ${FINAL_RUN_MS} ms with timers firing`,
              timeoutMs: 60_000,
              intervalMs: 50,
            });
            expect(
              timerWatch(db2, ready.startedAt).waitedPast(TIMER_SLACK_MS),
              `timers left waiting while the worker kept committing more than ${TIMER_SLACK_MS} ms after they came due`,
            ).toEqual([]);
          } finally {
            db2.close();
          }
        }
      }
      await worker.kill();
      if (!last) stats.kills++;
      expect(worker.stderr(), `round ${round} stderr`).toBe('');

      const check = await offlineCheck(dbPath, reported);
      expect(
        check.problems,
        `round ${round} (${mode}): actors, domain rows, events and timers agree`,
      ).toEqual([]);
      expect(check.quarantined, `round ${round}: every actor restores`).toEqual([]);
      expect(check.stuck, `round ${round}: every live actor can be stepped`).toEqual([]);
      stats.maxLive = Math.max(stats.maxLive, check.live);
      overdue = check.overdue;
    }

    expect(stats.kills).toBeGreaterThanOrEqual(20);
    expect(reported.size).toBeGreaterThan(500);
    expect(stats.overdueChecked, 'some timers were overdue at a crash').toBeGreaterThan(0);
    expect(stats.maxLive).toBeGreaterThan(0);
    // 23 worker processes, each booting tsx and migrating: about 5 s apiece on a loaded
    // 2-core machine, so 120 s was not enough there.
  }, 240_000);

  it.each<[string, string, RegExp]>([
    ['a reported commit that is not there', '', /reported committed but missing: 999999999/],
    [
      'a permits row without its actor',
      "delete from actors where id = (select id from actors where kind = 'permit' and state = 'used' limit 1)",
      /permit row \S+ without actor/,
    ],
    [
      'a permits row behind its actor',
      "update permits set state = 'posting' where id = (select id from permits where state = 'used' limit 1)",
      /permits row .* vs context/,
    ],
    [
      'a candidates row (its snapshot) out of step with its queue entry',
      "update candidates set state = 'queued' where id = (select id from candidates where state = 'posted' limit 1)",
      /candidate \S+ \(queued\): queue entry \S+ is done/,
    ],
    [
      'a candidates row in a state its machine does not have',
      "update candidates set state = 'archived_v9' where id = (select id from candidates where state = 'posted' limit 1)",
      /candidate \S+ \(archived_v9\): not a state of the candidate machine/,
    ],
    [
      'a candidates row that lost a context column',
      "update candidates set decision_id = null where id = (select id from candidates where state = 'posted' limit 1)",
      /candidate \S+ \(posted\): no decision row null/,
    ],
    [
      'an actors row for a candidate',
      `insert into actors (id, kind, machine, version, state, status, snapshot, updated_at)
       select id, 'candidate', 'candidate', 1, state, 'done', '{}', updated_at from candidates where state = 'posted' limit 1`,
      /candidate \S+ \(posted\): an actors row for a candidate/,
    ],
    [
      'a lost event row',
      "delete from events where id = (select max(id) from events where type = 'candidate_posted')",
      /last event is/,
    ],
    [
      'a queue entry out of step',
      "update queue_entries set status = 'queued' where id = (select id from queue_entries where status = 'done' limit 1)",
      /queue entry \S+ is queued/,
    ],
    [
      'a timer that fired twice',
      `insert into events (at, type, actor_id, data) select at, type, actor_id, data from events
       where type = 'permit_expired' and json_extract(data, '$.timer') is not null limit 1`,
      /timer EXPIRE of \S+ fired 2 times/,
    ],
    [
      'a stray timer',
      "insert into timers (actor_id, event, due_at) select id, 'EXPIRE', 1 from actors where kind = 'permit' and state = 'used' limit 1",
      /timer row .* no actor state asks for/,
    ],
    [
      'a missing timer',
      'delete from timers where rowid = (select min(rowid) from timers)',
      /missing timer row/,
    ],
  ])('the checker notices %s', (_name, sql, problem) => {
    expect(finalReported.size, 'runs after the crash test').toBeGreaterThan(0);
    const copy = join(dir, `copy-${Math.random().toString(36).slice(2)}.db`);
    copyFileSync(dbPath, copy);
    const db = new Database(copy);
    try {
      if (sql) expect(db.prepare(sql).run().changes, 'the corruption applies').toBe(1);
      const reported = sql ? finalReported : new Set([...finalReported, 999_999_999]);
      expect(agreementProblems(db, reported).join('\n')).toMatch(problem);
    } finally {
      db.close();
    }
  });
});
