import { count, lte } from 'drizzle-orm';
import { migrate } from '../../db/migrate.ts';
import { timers as timersTable } from '../../db/schema.ts';
import { openStore } from '../../db/store.ts';
import type { CandidateContext } from '../../machines/candidate.ts';
import { CANDIDATE_GROUPS, sqlList } from '../../machines/stateGroups.ts';
import { silentLogger } from '../../src/logging.ts';
import { systemClock } from '../../src/runtime/clock.ts';
import { type DueTimer, DurableTimers } from '../../src/runtime/durableTimers.ts';
import { EntityHost, type StepOptions } from '../../src/runtime/entityHost.ts';
import { seededRandom } from '../../src/runtime/random.ts';
import { restoreActors } from '../../src/runtime/restore.ts';
import { insertCandidateRow, insertDecisionRow, insertPermitRow, insertQueueEntryRow } from './fixtures.ts';
import { waitFor } from './waitFor.ts';

/**
 * The child process of test/process/crash.test.ts. Opens a file DB, migrates, restores,
 * starts the durable timers and then streams transitions forever: candidates driven from
 * discovered to posted (or to a fate: rejected, released, permit expired, posting deadline,
 * manual approval, not root), each step one transaction holding the actor snapshots (a
 * candidate's is its candidates row), the domain rows and the events. After each commit it
 * prints `committed <n>`; every event row of that commit carries `n` in its data. The parent
 * kills it with SIGKILL at random instants.
 *
 *   node --import tsx test/support/crashWorker.ts <db path> <seed>
 */
type Fate = 'post' | 'reject' | 'release' | 'expire' | 'deadline' | 'manual' | 'notRoot' | 'missingRoot';
const FATES: Fate[] = [
  'post',
  'post',
  'post',
  'reject',
  'release',
  'expire',
  'deadline',
  'manual',
  'notRoot',
  'missingRoot',
];
const LONG_MS = 10 * 60_000;
const LIVE_TARGET = 40;

const fateOf = (candidateId: string): Fate =>
  FATES[((Number(candidateId.slice(1)) * 2654435761) % FATES.length) >>> 0]!;

async function main(): Promise<void> {
  const [path, seedArg] = process.argv.slice(2);
  if (!path) throw new Error('usage: crashWorker.ts <db path> <seed>');
  const clock = systemClock;
  const rng = seededRandom(Number(seedArg ?? 1));
  const shortMs = () => 20 + Math.floor(rng() * 250);
  const store = await openStore(path);
  migrate(store, () => clock.now());
  const restored = restoreActors(store, clock, silentLogger);
  const host = new EntityHost(store, clock);
  const print = (line: string) => process.stdout.write(`${line}\n`);

  let counter =
    (store.statement("select max(json_extract(data, '$.n')) as n from events").get() as { n: number | null })
      .n ?? 0;

  function commit(work: (tag: StepOptions, n: number) => void, durable = false): void {
    const n = ++counter;
    const tag: StepOptions = { data: { n } };
    if (durable) store.durableTx(() => work(tag, n));
    else store.tx(() => work(tag, n));
    print(`committed ${n}`);
  }

  // Timer transitions commit inside DurableTimers' transaction; they are reported once that
  // transaction is known to be committed (their n is in the events table).
  const timerReports: { n: number; actorId: string }[] = [];
  const reportTimers = () => {
    for (const r of timerReports.splice(0)) {
      const found = store
        .statement("select 1 from events where actor_id = ? and json_extract(data, '$.n') = ? limit 1")
        .get(r.actorId, r.n);
      if (found) print(`committed ${r.n}`);
    }
  };
  const dispatch = (timer: DueTimer) => {
    if (timer.kind !== 'permit') return;
    const permit = host.get('permit', timer.actorId);
    if (!permit) return;
    const n = counter + 1;
    // dueAt lets the parent measure how long a timer waited while this process ran
    const tag: StepOptions = { data: { n, timer: timer.event, dueAt: timer.dueAt } };
    const candidateId = permit.context.candidateId;
    if (timer.event === 'EXPIRE') {
      host.send('permit', timer.actorId, { type: 'EXPIRE' }, tag);
      host.send('candidate', candidateId, { type: 'FAIL', reasonCode: 'permit_expired' }, tag);
    } else if (timer.event === 'POSTING_DEADLINE') {
      host.send(
        'permit',
        timer.actorId,
        { type: 'POSTING_DEADLINE', resolveBy: clock.now() + shortMs() },
        tag,
      );
    } else if (timer.event === 'UNRESOLVED') {
      host.send('permit', timer.actorId, { type: 'UNRESOLVED' }, tag);
      host.send('candidate', candidateId, { type: 'FAIL', reasonCode: 'unresolved_outcome' }, tag);
    } else {
      return;
    }
    counter = n;
    timerReports.push({ n, actorId: timer.actorId });
    queueMicrotask(reportTimers);
  };
  const timers = new DurableTimers(store, clock, silentLogger, dispatch);
  host.onTimerScheduled((dueAt) => timers.scheduled(dueAt));
  const startedAt = clock.now();
  timers.start();
  // Every timer overdue at the crash fires at start (the parent checks that none is left).
  const overdueAtStart = () =>
    store.db.select({ n: count() }).from(timersTable).where(lte(timersTable.dueAt, startedAt)).get()?.n ?? 0;
  await waitFor(() => overdueAtStart() === 0, {
    what: 'the timers overdue at start to fire',
    timeoutMs: 10_000,
    intervalMs: 5,
  });
  print(
    `ready ${JSON.stringify({ quarantined: restored.quarantined.length, active: restored.active, startedAt, fired: timers.fired })}`,
  );

  // A candidate has no actors row: its candidates row's state says whether it is still live.
  const live = (
    store
      .statement(`select id from candidates where state in ${sqlList(CANDIDATE_GROUPS.open)} order by id`)
      .all() as { id: string }[]
  ).map((r) => r.id);

  function createCandidate(): void {
    commit((tag, n) => {
      const id = `c${n}`;
      const at = clock.now();
      insertCandidateRow(store, id, at, { postId: `post${n}` });
      if (fateOf(id) === 'reject') {
        host.create(
          'candidate',
          id,
          { candidateId: id },
          [{ type: 'EVALUATE' }, { type: 'REJECT', reasonCode: 'low_score' }],
          tag,
        );
        return;
      }
      const queueEntryId = `q${n}`;
      const score = Math.round(rng() * 100);
      insertQueueEntryRow(store, {
        id: queueEntryId,
        candidateId: id,
        tier: 1,
        score,
        expiresAt: at + LONG_MS,
        at,
      });
      host.create(
        'candidate',
        id,
        { candidateId: id },
        [{ type: 'EVALUATE' }, { type: 'QUEUE', queueEntryId, tier: 1, score, expiresAt: at + LONG_MS }],
        tag,
      );
      live.push(id);
    });
  }

  /** One step of one candidate (and its permit); 'parked' when only a timer moves it on. */
  function advance(id: string): 'progress' | 'parked' | 'done' {
    const candidate = host.get('candidate', id);
    if (!candidate || candidate.done) return 'done';
    const c: CandidateContext = candidate.context;
    const fate = fateOf(id);
    switch (candidate.state) {
      case 'queued':
        commit((tag, n) => host.send('candidate', id, { type: 'SELECT', schedulerRunId: `run${n}` }, tag));
        return 'progress';
      case 'selected':
        if (fate === 'release' && rng() < 0.5) {
          commit((tag) =>
            host.send('candidate', id, { type: 'RELEASE', reasonCode: 'generation_failed' }, tag),
          );
          return 'progress';
        }
        commit((tag, n) => {
          const row = store.statement('select post_id from candidates where id = ?').get(id) as {
            post_id: string;
          };
          insertDecisionRow(store, {
            id: `d${n}`,
            candidateId: id,
            queueEntryId: c.queueEntryId!,
            schedulerRunId: c.schedulerRunId!,
            targetPostId: row.post_id,
            targetRootPostId: fate === 'missingRoot' ? null : row.post_id,
            at: clock.now(),
          });
          host.send('candidate', id, { type: 'DECIDE', decisionId: `d${n}` }, tag);
        });
        return 'progress';
      case 'decided':
        commit((tag, n) => {
          const at = clock.now();
          const decision = store
            .statement('select target_post_id, target_root_post_id from decisions where id = ?')
            .get(c.decisionId) as { target_post_id: string; target_root_post_id: string | null };
          const permitId = `p${n}`;
          const input = {
            permitId,
            candidateId: id,
            decisionId: c.decisionId!,
            approvalMode: fate === 'manual' ? ('manual' as const) : ('auto' as const),
            targetIsRoot: fate === 'notRoot' ? null : true,
            targetInReplyToPostId: null,
            targetRootPostId: decision.target_root_post_id,
            expiresAt: at + (fate === 'expire' ? shortMs() : LONG_MS),
          };
          insertPermitRow(store, input, {
            queueEntryId: c.queueEntryId!,
            schedulerRunId: c.schedulerRunId!,
            targetPostId: decision.target_post_id,
            at,
          });
          const permit = host.create('permit', permitId, input, [{ type: 'SUBMIT' }], tag);
          host.send('candidate', id, { type: 'PERMIT', permitId }, tag);
          if (permit.state === 'rejected') {
            host.send(
              'candidate',
              id,
              { type: 'FAIL', reasonCode: permit.context.reasonCode ?? 'rejected' },
              tag,
            );
          }
        });
        return 'progress';
      case 'permitted': {
        const permitId = c.permitId!;
        const permit = host.get('permit', permitId);
        switch (permit?.state) {
          case 'awaiting_approval':
            commit((tag) => host.send('permit', permitId, { type: 'APPROVE' }, tag));
            return 'progress';
          case 'approved':
            if (fate === 'expire') return 'parked';
            // intent before effect: the posting state is fsync'd before the (simulated) platform call
            commit(
              (tag) =>
                host.send(
                  'permit',
                  permitId,
                  {
                    type: 'CLAIM',
                    target: { exists: true, isRoot: true, inReplyToPostId: null },
                    postingDeadlineAt: clock.now() + (fate === 'deadline' ? shortMs() : LONG_MS),
                  },
                  tag,
                ),
              true,
            );
            return 'progress';
          case 'posting':
            if (fate === 'deadline') return 'parked';
            commit((tag) => {
              const postId = `reply-${permitId}`;
              host.send('permit', permitId, { type: 'POSTED', postId }, tag);
              host.send('candidate', id, { type: 'POSTED', postId }, tag);
            });
            return 'done';
          default:
            return 'parked';
        }
      }
      default:
        return 'done';
    }
  }

  for (;;) {
    if (live.length === 0 || (live.length < LIVE_TARGET && rng() < 0.4)) {
      createCandidate();
    } else {
      const index = Math.floor(rng() * live.length);
      const outcome = advance(live[index]!);
      if (outcome !== 'progress') live.splice(index, 1);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
