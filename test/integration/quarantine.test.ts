import { afterEach, describe, expect, it } from 'vitest';
import type { JobName } from '../../machines/job.ts';
import { createReplywright, type Replywright } from '../../src/app/replywright.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createTemplateGenerator } from '../../src/generators/template.ts';
import { silentLogger } from '../../src/logging.ts';
import { createSandboxInProcessAdapter } from '../../src/platforms/sandbox/inProcessAdapter.ts';
import { diagnose } from '../../src/proof/diagnosis.ts';
import { checkInvariants } from '../../src/proof/invariants.ts';
import { renderProof } from '../../src/proof/render.ts';
import { buildProofReport } from '../../src/proof/report.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { seededIds } from '../../src/runtime/ids.ts';
import { quarantineActor } from '../../src/runtime/quarantine.ts';
import { seededRandom } from '../../src/runtime/random.ts';
import { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { CANDIDATE_STATES, isTerminal, PERMIT_STATES, seedChain } from '../support/actorStates.ts';
import { ADMIN_TOKEN, httpHarness } from '../support/httpHarness.ts';
import { TEST_INTERVALS } from '../support/pipeline.ts';
import { REPORT_NOW, seedHealthyState } from '../support/proofFixtures.ts';
import { tempStore } from '../support/tempStore.ts';

/**
 * Issue #12, "quarantine cannot stop the pipeline": a snapshot that cannot be revived (say,
 * after rolling back to a build that does not know a newer machine version) must not stop
 * anything. Its domain row becomes `quarantined` (terminal, with the reason and an
 * `actor_quarantined` event), its timers go, every job skips it and boot never crash-loops.
 * Before, the row kept its state: jobs selected it and EntityHost threw ActorNotFound — a
 * permit in `posting` crash-looped the boot, one in `approved` failed every poster run, one in
 * `unconfirmed` every reconciler run (before ghost detection), a candidate in `selected` every
 * boot.
 *
 * A permit's snapshot is JSON in `actors` (bad JSON, unknown machine, unknown version, unknown
 * state); a candidate's is its `candidates` row, so for a candidate "unreadable" means a state
 * this build's machine does not have, as a newer build might write.
 */
const MIN = 60_000;
const JOBS: JobName[] = ['fetch', 'scheduler', 'poster', 'reconciler'];

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function world() {
  const clock = new SimulatedClock();
  const t = await tempStore();
  const config = loadConfig({
    REPLYWRIGHT_MIN_SPACING_SEC: '0',
    REPLYWRIGHT_CAP_PER_HOUR: '100',
    REPLYWRIGHT_CAP_PER_DAY: '1000',
    REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: '0',
  });
  const platform = await SandboxPlatform.open(':memory:', {
    clock,
    seed: 7,
    account: config.REPLYWRIGHT_ACCOUNT,
  });
  const adapter = createSandboxInProcessAdapter({ platform, clock });
  const host = new EntityHost(t.store, clock);
  const T0 = clock.now();
  const timing = { expiresAt: T0 + 24 * 60 * MIN, postingDeadlineAt: T0 + MIN, resolveBy: T0 + 60 * MIN };
  // One id source across boots: a restart continues, it does not replay ids.
  const ids = seededIds(seededRandom(7), () => clock.now());
  let app: Replywright | null = null;
  let seeded = 0;
  cleanups.push(async () => {
    await app?.stop();
    platform.close();
    t.cleanup();
  });
  return {
    store: t.store,
    clock,
    platform,
    host,
    T0,
    timing,
    config,
    /** Chain `n` with `subject` in its state, its target a real root post that mentions the bot. */
    seed(n: string, subject: Parameters<typeof seedChain>[4]) {
      platform.ensureUser({ handle: 'alice', displayName: 'alice' });
      const target = platform.createPost({
        author: 'alice',
        text: `@${config.REPLYWRIGHT_ACCOUNT} how do I stop double replies? (${n})`,
      });
      // Seeded a millisecond apart, so "the oldest approved permit" is the first one seeded.
      return seedChain(t.store, host, T0 + seeded++, n, subject, timing, target.post.id);
    },
    /** A process start on this DB: migrate, restore, recover, timers. */
    async boot(): Promise<Replywright> {
      app?.abandon();
      app = await createReplywright({
        config,
        log: silentLogger,
        platform: adapter,
        generator: createTemplateGenerator(),
        clock,
        ids,
        intervals: TEST_INTERVALS,
        store: t.store,
        supervise: false,
      });
      await app.start();
      return app;
    },
    /** Runs one job to its end on the simulated clock; throws what the run threw. */
    async run(job: JobName): Promise<void> {
      const running = app!.runOnce(job);
      await clock.settleWhileAdvancing(running);
      await running;
    },
    /** A permit snapshot written by a newer build: this build has no way to read version 99. */
    corrupt(id: string) {
      t.store.statement('update actors set version = 99 where id = ?').run(id);
    },
    /**
     * A candidate written by a newer build. Its row is its snapshot (typed columns, no JSON,
     * no version), so the one thing this build can fail to read is a state its machine lacks.
     */
    corruptCandidate(id: string) {
      t.store.statement('update candidates set state = ? where id = ?').run(NEWER_STATE, id);
    },
    failedRuns: () =>
      t.store.statement("select job, reason from job_runs where status = 'failed'").all() as {
        job: string;
        reason: string;
      }[],
    rowState: (table: 'candidates' | 'permits', id: string) =>
      t.store.statement(`select state, reason_code as reasonCode from ${table} where id = ?`).get(id) as {
        state: string;
        reasonCode: string | null;
      },
    actorStatus: (id: string) =>
      (t.store.statement('select status from actors where id = ?').get(id) as { status: string } | undefined)
        ?.status,
    queueEntryStatus: (candidateId: string) =>
      (
        t.store.statement('select status from queue_entries where candidate_id = ?').get(candidateId) as
          | { status: string }
          | undefined
      )?.status,
    quarantineEvents: (id: string) =>
      (
        t.store
          .statement("select data from events where type = 'actor_quarantined' and actor_id = ?")
          .all(id) as {
          data: string;
        }[]
      ).map((e) => JSON.parse(e.data) as Record<string, unknown>),
    timersOf: (id: string) => t.store.statement('select event from timers where actor_id = ?').all(id),
  };
}

type World = Awaited<ReturnType<typeof world>>;

/** Boots (twice: a restart after the quarantine is an ordinary boot) and runs every job twice. */
async function bootAndRunEverything(w: World): Promise<void> {
  await w.clock.advance(20 * MIN);
  await w.boot();
  for (const job of JOBS) await w.run(job);
  await w.boot();
  for (const job of JOBS) await w.run(job);
}

/** What `corruptCandidate` writes: a state only a newer build's candidate machine has. */
const NEWER_STATE = 'archived_v9';

function expectQuarantined(w: World, table: 'candidates' | 'permits', id: string, from: string): void {
  const problem =
    table === 'permits'
      ? { code: 'unknown_version', reason: 'unknown version 99 of permit (current 1)' }
      : { code: 'unknown_state', reason: `state ${NEWER_STATE} is not in candidate` };
  expect(w.rowState(table, id)).toEqual({ state: 'quarantined', reasonCode: problem.code });
  // A permit's actors row is marked; a candidate has none (its row, now `quarantined`, is all).
  expect(w.actorStatus(id)).toBe(table === 'permits' ? 'quarantined' : undefined);
  const events = w.quarantineEvents(id);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ ...problem, state: from });
  expect(w.timersOf(id)).toEqual([]);
}

describe('quarantine cannot stop the pipeline (issue #12)', () => {
  for (const state of PERMIT_STATES) {
    it(`regression: a permit in ${state} with a snapshot this build cannot read — boot and every job run complete`, async () => {
      const w = await world();
      const chain = w.seed('x', { kind: 'permit', state });
      const healthy = w.seed('ok', { kind: 'permit', state: 'approved' });
      w.corrupt(chain.permitId);
      await bootAndRunEverything(w);
      expect(w.failedRuns()).toEqual([]);
      // The pipeline goes on around it: the next permit is posted.
      expect(w.rowState('permits', healthy.permitId).state).toBe('used');
      if (isTerminal(state)) {
        // A final row needs no snapshot (nothing revives it; `used` stays the proof of its post).
        expect(w.rowState('permits', chain.permitId).state).toBe(state);
        expect(w.quarantineEvents(chain.permitId)).toEqual([]);
      } else {
        expectQuarantined(w, 'permits', chain.permitId, state);
      }
    });
  }

  for (const state of CANDIDATE_STATES) {
    it(`regression: a candidate seeded in ${state}, then written in a state this build does not know — boot and every job run complete`, async () => {
      const w = await world();
      const chain = w.seed('x', { kind: 'candidate', state });
      const healthy = w.seed('ok', { kind: 'permit', state: 'approved' });
      const entryBefore = w.queueEntryStatus(chain.candidateId);
      w.corruptCandidate(chain.candidateId);
      await bootAndRunEverything(w);
      expect(w.failedRuns()).toEqual([]);
      // The pipeline goes on around it: the next permit is posted.
      expect(w.rowState('permits', healthy.permitId).state).toBe('used');
      expect(w.rowState('candidates', healthy.candidateId).state).toBe('posted');
      // An unknown state may be a live one (whatever the seeded state was): quarantined alike.
      expectQuarantined(w, 'candidates', chain.candidateId, NEWER_STATE);
      // Out of the queue for good: neither picked nor counted; a settled entry stays as it was.
      const waiting = entryBefore === 'queued' || entryBefore === 'selected';
      expect(w.queueEntryStatus(chain.candidateId)).toBe(waiting ? 'dropped' : entryBefore);
    });
  }

  it('quarantines each kind of unreadable snapshot: bad JSON, unknown machine, unknown version, unknown state', async () => {
    const w = await world();
    const ids = ['json', 'machine', 'version', 'state'].map(
      (n) => w.seed(n, { kind: 'permit', state: 'approved' }).permitId,
    );
    const sql = (q: string, id: string) => w.store.statement(q).run(id);
    sql(`update actors set snapshot = '{"value":"approved","context":' where id = ?`, ids[0]!);
    sql(`update actors set machine = 'permit_v0' where id = ?`, ids[1]!);
    sql('update actors set version = 99 where id = ?', ids[2]!);
    sql(`update actors set snapshot = json_set(snapshot, '$.value', 'teleported') where id = ?`, ids[3]!);
    await bootAndRunEverything(w);
    expect(w.failedRuns()).toEqual([]);
    expect(ids.map((id) => w.rowState('permits', id).reasonCode)).toEqual([
      'unreadable_snapshot',
      'unknown_machine',
      'unknown_version',
      'unknown_state',
    ]);
  });

  it('regression: an actor that becomes unreadable after boot is quarantined at first touch; later runs complete', async () => {
    const w = await world();
    const approved = w.seed('a', { kind: 'permit', state: 'approved' });
    const unconfirmed = w.seed('u', { kind: 'permit', state: 'unconfirmed' });
    const queued = w.seed('q', { kind: 'candidate', state: 'queued' });
    await w.clock.advance(20 * MIN);
    await w.boot();
    for (const id of [approved.permitId, unconfirmed.permitId]) w.corrupt(id);
    w.corruptCandidate(queued.candidateId);
    // The run that first touches one may fail (its transaction rolls back), but the quarantine
    // is written after that rollback, so no later run meets it: at most one failed run each.
    for (let i = 0; i < 4; i++) for (const job of JOBS) await w.run(job).catch(() => {});
    const failed = w.failedRuns().length;
    expect(failed).toBeLessThanOrEqual(3);
    for (let i = 0; i < 2; i++) for (const job of JOBS) await w.run(job);
    expect(w.failedRuns()).toHaveLength(failed);
    expect(w.rowState('permits', approved.permitId).state).toBe('quarantined');
    expect(w.rowState('permits', unconfirmed.permitId).state).toBe('quarantined');
    expect(w.rowState('candidates', queued.candidateId)).toEqual({
      state: 'quarantined',
      reasonCode: 'unknown_state',
    });
    // Its queue entry no longer waits: the scheduler will not pick it again.
    expect(w.queueEntryStatus(queued.candidateId)).toBe('dropped');
    expect(w.timersOf(unconfirmed.permitId)).toEqual([]);
    for (const id of [approved.permitId, unconfirmed.permitId, queued.candidateId]) {
      expect(w.quarantineEvents(id)).toHaveLength(1);
    }
  });

  it("regression: an opt-out whose author's permit has a quarantined candidate — fetch still completes, the permit is rejected", async () => {
    const w = await world();
    const chain = w.seed('x', { kind: 'candidate', state: 'permitted' });
    w.corruptCandidate(chain.candidateId);
    await w.boot();
    w.platform.createPost({ author: 'alice', text: `@${w.config.REPLYWRIGHT_ACCOUNT} stop` });
    // The opt-out, the permit's rejection and its candidate's follow-up are one transaction:
    // before, the quarantined candidate threw there, and every fetch of that page failed.
    await w.run('fetch');
    expect(w.failedRuns()).toEqual([]);
    expect(w.rowState('permits', chain.permitId)).toEqual({ state: 'rejected', reasonCode: 'opted_out' });
    expect(w.rowState('candidates', chain.candidateId).state).toBe('quarantined');
  });

  it('a terminal actor found unreadable later is quarantined, its final row kept', async () => {
    const w = await world();
    const chain = w.seed('u', { kind: 'permit', state: 'used' });
    await w.boot();
    w.corrupt(chain.permitId);
    expect(w.host.get('permit', chain.permitId)).toBeNull();
    expect(w.actorStatus(chain.permitId)).toBe('quarantined');
    expect(w.rowState('permits', chain.permitId).state).toBe('used');
    expect(w.quarantineEvents(chain.permitId)).toMatchObject([{ code: 'unknown_version', state: 'used' }]);
  });

  it('a settled candidate is never quarantined: its final row is its whole snapshot, nothing to revive', async () => {
    const w = await world();
    const chain = w.seed('s', { kind: 'candidate', state: 'posted' });
    await w.boot();
    const problem = { code: 'unknown_state', reason: 'state archived_v9 is not in candidate' } as const;
    expect(quarantineActor(w.store, w.clock.now(), chain.candidateId, problem)).toBe(false);
    expect(w.rowState('candidates', chain.candidateId)).toEqual({ state: 'posted', reasonCode: null });
    expect(w.queueEntryStatus(chain.candidateId)).toBe('done');
    expect(w.quarantineEvents(chain.candidateId)).toEqual([]);
    expect(w.host.get('candidate', chain.candidateId)?.state).toBe('posted');
  });

  it('a quarantined permit still holds its target: no second permit, no second reply', async () => {
    const w = await world();
    const chain = w.seed('h', { kind: 'permit', state: 'posting' });
    w.corrupt(chain.permitId);
    await bootAndRunEverything(w);
    expect(w.rowState('permits', chain.permitId).state).toBe('quarantined');
    // The partial unique index over holding states refuses another permit for the target.
    expect(() =>
      w.store.tx(() =>
        w.store
          .statement(
            `insert into permits (id, decision_id, candidate_id, queue_entry_id, scheduler_run_id, pipeline_source, platform,
               target_post_id, target_author, text, content_hash, idempotency_key, state, created_at, updated_at, expires_at)
             values ('pm-2', ?, ?, 'q', 'r', 'scheduler', 'sandbox', ?, 'alice', 't', 'h', 'k-2', 'approved', 0, 0, 0)`,
          )
          .run(chain.decisionId, chain.candidateId, chain.targetPostId),
      ),
    ).toThrow(/UNIQUE constraint failed: permits/);
  });

  it('the proof shows quarantined actors as a failing row with their ids; the invariant checker does not call them lost', async () => {
    const w = await world();
    const permit = w.seed('p', { kind: 'permit', state: 'approved' });
    const candidate = w.seed('c', { kind: 'candidate', state: 'queued' });
    w.corrupt(permit.permitId);
    w.corruptCandidate(candidate.candidateId);
    await bootAndRunEverything(w);
    const now = w.clock.now();
    const report = buildProofReport(w.store, { now, windowMs: 30 * MIN });
    const row = report.rows.find((r) => r.key === 'quarantined');
    expect(row).toMatchObject({ actual: 2, pass: false, target: '= 0' });
    expect(row?.detail).toContain(permit.permitId);
    expect(row?.detail).toContain(candidate.candidateId);
    const markdown = renderProof(
      report,
      diagnose(w.store, { now, windowMs: 30 * MIN, lowWatermark: 1, caps: { perHour: 100, perDay: 1000 } }),
    );
    expect(markdown).toMatch(/\| Quarantined actors \| = 0 \| 2 \(.*pm-p.*\) \| FAIL \|/);
    const invariants = checkInvariants(w.store, [], { account: w.config.REPLYWRIGHT_ACCOUNT, now });
    expect(invariants.lostPermits).toEqual([]);
  });

  it('the dashboard shows them as a failing proof row with their ids', async () => {
    const h = await httpHarness();
    cleanups.push(() => h.cleanup());
    seedHealthyState(h.fixture);
    const c = h.fixture.candidate(REPORT_NOW - 2 * MIN);
    h.fixture.queue(c, REPORT_NOW - 2 * MIN, REPORT_NOW + 30 * MIN);
    quarantineActor(h.fixture.store, REPORT_NOW, c, {
      code: 'unknown_version',
      reason: 'unknown version 99 of candidate (current 1)',
    });
    const html = await (await h.request('/', { token: ADMIN_TOKEN })).text();
    const row = /<tr data-testid="proof-row-quarantined" data-pass="false">[\s\S]*?<\/tr>/.exec(html)?.[0];
    expect(row).toContain('Quarantined actors');
    expect(row).toContain(`${c} (candidate, was queued: unknown_version)`);
    expect(row).toContain('FAIL');
  });
});
