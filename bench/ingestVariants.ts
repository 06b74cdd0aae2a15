import { join } from 'node:path';
import Database from 'better-sqlite3';
import { better, defineQueue, defineWorker, type Logger, type Queue } from 'plainjob';
import { createActor, initialTransition, transition } from 'xstate';
import { candidateMachine } from '../machines/candidate.ts';
import { candidateIdFor, emptyCounts, type IngestCounts, ingestPage } from '../src/jobs/ingest.ts';
import { toPostFacts } from '../src/jobs/toPostFacts.ts';
import type { PlatformPost } from '../src/platforms/contract.ts';
import { type EvaluationPolicy, evaluateCandidate } from '../src/policy/evaluate.ts';
import { systemClock } from '../src/runtime/clock.ts';
import { createFloorWriter, type FloorOptions } from './floorWriter.ts';
import { nowMs } from './stats.ts';
import { type PostMaker, pages } from './synthetic.ts';
import { freshRawDb, freshStore, ingestDepsFor } from './workspace.ts';

/**
 * The contenders of the ingest benchmark. Each processes candidates [start, start+count) and
 * returns the milliseconds its own work took (building the synthetic pages is not counted).
 */
export interface Variant {
  name: string;
  run(start: number, count: number): Promise<number>;
  close(): Promise<void>;
}

const PAGE = 1000;

type FloorLayout = NonNullable<FloorOptions['layout']>;

function timedPages(
  make: PostMaker,
  start: number,
  count: number,
  work: (page: PlatformPost[]) => void,
): number {
  let ms = 0;
  for (const page of pages(make, start, count, PAGE, () => systemClock.now())) {
    const t = nowMs();
    work(page);
    ms += nowMs() - t;
  }
  return ms;
}

/** replywright: `ingestPage`, every transition persisted, one transaction per page. */
export async function durableVariant(
  workDir: string,
  name: string,
  make: PostMaker,
): Promise<Variant & { counts: IngestCounts }> {
  const store = await freshStore(workDir, name);
  const deps = ingestDepsFor(store);
  const counts = emptyCounts();
  const source = { kind: 'mentions' as const, name: 'mentions' };
  return {
    name,
    counts,
    run: async (start, count) =>
      timedPages(make, start, count, (page) => ingestPage(deps, source, page, null, counts)),
    close: async () => store.close(),
  };
}

/**
 * (a) The floor: the same rows with raw better-sqlite3 batched inserts. `actorRow`: (a') the
 * four rows a candidate took before its snapshot moved into its candidates row.
 */
export async function floorVariant(
  workDir: string,
  make: PostMaker,
  layout: FloorLayout = 'candidateRow',
): Promise<Variant> {
  const name = layout === 'candidateRow' ? 'floor' : 'floor (actors row)';
  const db = await freshRawDb(workDir, layout === 'candidateRow' ? 'floor' : 'floor-actor-row');
  const writer = createFloorWriter(db, { layout });
  return {
    name,
    run: async (start, count) =>
      timedPages(make, start, count, (page) => writer.writePage(page, systemClock.now())),
    close: async () => {
      db.close();
    },
  };
}

/** (b) The engine's ceiling: XState's pure transition(), 2 transitions each, nothing persisted. */
export function xstateTransitionVariant(make: PostMaker): Variant {
  let sink = 0;
  return {
    name: 'xstate transition()',
    run: async (start, count) =>
      timedPages(make, start, count, (page) => {
        const expiresAt = systemClock.now() + 3_600_000;
        for (const post of page) {
          const candidateId = candidateIdFor('sandbox', post.id);
          const [s0] = initialTransition(candidateMachine, { candidateId });
          const [s1] = transition(candidateMachine, s0, { type: 'EVALUATE' });
          const [s2] = transition(candidateMachine, s1, {
            type: 'QUEUE',
            queueEntryId: `q_${post.id}`,
            tier: 2,
            score: 70,
            expiresAt,
          });
          if (s2.value === 'queued') sink++;
        }
      }),
    close: async () => {
      if (sink < 0) throw new Error('unreachable');
    },
  };
}

/** (b') The same with live actors: createActor, start, 2 sends, stop. */
export function xstateActorVariant(make: PostMaker): Variant {
  let sink = 0;
  return {
    name: 'xstate createActor',
    run: async (start, count) =>
      timedPages(make, start, count, (page) => {
        const expiresAt = systemClock.now() + 3_600_000;
        for (const post of page) {
          const actor = createActor(candidateMachine, {
            input: { candidateId: candidateIdFor('sandbox', post.id) },
          });
          actor.start();
          actor.send({ type: 'EVALUATE' });
          actor.send({ type: 'QUEUE', queueEntryId: `q_${post.id}`, tier: 2, score: 70, expiresAt });
          if (actor.getSnapshot().value === 'queued') sink++;
          actor.stop();
        }
      }),
    close: async () => {
      if (sink < 0) throw new Error('unreachable');
    },
  };
}

const quiet: Logger = { error() {}, warn() {}, info() {}, debug() {} };

/**
 * (c) The peer: plainjob on better-sqlite3. Enqueue the posts as jobs (addMany per page), a
 * worker takes each job, runs the evaluation policy on it and marks it done.
 */
export async function plainjobVariant(
  workDir: string,
  make: PostMaker,
  policy: EvaluationPolicy,
): Promise<Variant> {
  const db = new Database(join(workDir, 'plainjob.db'));
  const queue: Queue = defineQueue({ connection: better(db), logger: quiet, maintenanceInterval: 3_600_000 });
  let done = 0;
  let queued = 0;
  const evaluate = (post: PlatformPost) => {
    const evaluation = evaluateCandidate(
      {
        post: toPostFacts(post),
        source: 'mentions',
        now: systemClock.now(),
        optedOut: false,
        authorLastRepliedAt: null,
        alreadyReplied: false,
        account: policy.account,
      },
      policy,
    );
    if (evaluation.verdict === 'queue') queued++;
  };
  return {
    name: 'plainjob',
    async run(start, count) {
      const target = done + count;
      const batch = [...pages(make, start, count, PAGE, () => systemClock.now())];
      const t = nowMs();
      for (const page of batch) queue.addMany('candidate', page);
      await new Promise<void>((resolve, reject) => {
        const worker = defineWorker('candidate', (job) => evaluate(JSON.parse(job.data) as PlatformPost), {
          queue,
          logger: quiet,
          pollIntervall: 1,
          onCompleted: () => {
            if (++done === target) void worker.stop().then(resolve, reject);
          },
          onFailed: (_job, error) => reject(new Error(error)),
        });
        worker.start().catch(reject);
      });
      return nowMs() - t;
    },
    close: async () => {
      if (queued === 0) throw new Error('plainjob evaluated nothing into the queue');
      queue.close();
    },
  };
}
