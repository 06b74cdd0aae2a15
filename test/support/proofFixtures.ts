import type { Store } from '../../db/store.ts';
import type { Clock, TimerHandle } from '../../src/runtime/clock.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';

/**
 * Realistic rows for the proof report, the diagnosis and the HTTP API: job runs with their
 * start/end events, candidates and queue entries stepped through real candidate actors,
 * decisions, permits stepped through real permit actors with the poster's events, SLO
 * events and ghosts. Every chain is written the way the pipeline writes it.
 */
export const REPORT_NOW = Date.UTC(2026, 0, 9, 15, 20, 0);
export const MIN = 60_000;

/** A clock the fixture sets by hand; timers never fire. */
export class ManualClock implements Clock {
  #now: number;
  constructor(now: number) {
    this.#now = now;
  }
  now(): number {
    return this.#now;
  }
  set(now: number): void {
    this.#now = now;
  }
  setTimeout(): TimerHandle {
    return { cancel() {} };
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

type Job = 'fetch' | 'scheduler' | 'poster' | 'reconciler';

export interface ChainIds {
  candidateId: string;
  queueEntryId: string;
  schedulerRunId: string;
  decisionId: string;
  permitId: string;
  postId: string | null;
  targetPostId: string;
}

export class ProofFixture {
  readonly store: Store;
  readonly clock: ManualClock;
  readonly host: EntityHost;
  #seq = 0;

  constructor(store: Store, clock = new ManualClock(REPORT_NOW), host?: EntityHost) {
    this.store = store;
    this.clock = clock;
    this.host = host ?? new EntityHost(store, clock);
  }

  id(prefix: string): string {
    this.#seq++;
    return `${prefix}_${String(this.#seq).padStart(4, '0')}`;
  }

  event(
    type: string,
    at: number,
    fields: {
      severity?: 'debug' | 'info' | 'warn' | 'error' | 'critical';
      candidateId?: string;
      schedulerRunId?: string;
      fetchRunId?: string;
      permitId?: string;
      postId?: string;
      decisionId?: string;
      data?: Record<string, unknown>;
    } = {},
  ): void {
    const { data, ...rest } = fields;
    this.store.tx(() => this.store.event({ at, type, ...rest, data: data ? JSON.stringify(data) : null }));
  }

  /** One run: its job_runs row, `<job>_started`, and (unless running) its end event. */
  jobRun(
    job: Job,
    startedAt: number,
    end: {
      status: 'completed' | 'failed' | 'running';
      endedAt?: number;
      reason?: string;
      deadlineMs?: number;
    } = {
      status: 'completed',
    },
  ): string {
    const id = this.id(`${job}run`);
    const endedAt = end.status === 'running' ? null : (end.endedAt ?? startedAt + 2_000);
    const ids = job === 'scheduler' ? { schedulerRunId: id } : job === 'fetch' ? { fetchRunId: id } : {};
    this.store.tx(() => {
      this.store
        .statement(
          `insert into job_runs (id, job, status, started_at, deadline_at, ended_at, reason, stats)
           values (?, ?, ?, ?, ?, ?, ?, null)`,
        )
        .run(
          id,
          job,
          end.status,
          startedAt,
          startedAt + (end.deadlineMs ?? 60_000),
          endedAt,
          end.reason ?? null,
        );
      this.store.event({
        at: startedAt,
        type: `${job}_started`,
        ...ids,
        data: JSON.stringify({ runId: id }),
      });
      if (endedAt !== null) {
        this.store.event({
          at: endedAt,
          type: `${job}_${end.status}`,
          severity: end.status === 'failed' ? 'warn' : 'info',
          ...ids,
          data: JSON.stringify({ runId: id, reason: end.reason ?? null, count: 1 }),
        });
      }
    });
    return id;
  }

  /** A discovered candidate (the `discovered` state writes no event). */
  candidate(at: number, fields: { author?: string; text?: string; isRoot?: boolean | null } = {}): string {
    const id = this.id('cand');
    this.clock.set(at);
    this.store.tx(() => {
      this.store
        .statement(
          `insert into candidates (id, platform, post_id, author, text, post_created_at, in_reply_to_post_id, is_root,
             source, consent, state, discovered_at, updated_at)
           values (?, 'sandbox', ?, ?, ?, ?, null, ?, 'mentions', 'mention', 'discovered', ?, ?)`,
        )
        .run(
          id,
          `17900000${String(this.#seq).padStart(8, '0')}`,
          fields.author ?? `author${this.#seq}`,
          fields.text ?? `Does anyone know how to make replies provable? (#${this.#seq})`,
          at - MIN,
          fields.isRoot === undefined ? 1 : fields.isRoot === null ? null : fields.isRoot ? 1 : 0,
          at,
          at,
        );
      this.host.create('candidate', id, { candidateId: id });
    });
    return id;
  }

  queue(candidateId: string, at: number, expiresAt: number, tier = 1, score = 70): string {
    const id = this.id('queue');
    this.clock.set(at);
    this.store.tx(() => {
      this.store
        .statement(
          `insert into queue_entries (id, candidate_id, tier, score, status, enqueued_at, expires_at, updated_at)
           values (?, ?, ?, ?, 'queued', ?, ?, ?)`,
        )
        .run(id, candidateId, tier, score, at, expiresAt, at);
      this.host.send('candidate', candidateId, [
        { type: 'EVALUATE' },
        { type: 'QUEUE', queueEntryId: id, tier, score, expiresAt },
      ]);
    });
    return id;
  }

  reject(candidateId: string, at: number, reasonCode: string): void {
    this.clock.set(at);
    this.store.tx(() =>
      this.host.send('candidate', candidateId, [{ type: 'EVALUATE' }, { type: 'REJECT', reasonCode }]),
    );
  }

  expire(candidateId: string, at: number): void {
    this.clock.set(at);
    this.store.tx(() => this.host.send('candidate', candidateId, { type: 'EXPIRE' }));
  }

  slo(
    schedulerRunId: string,
    at: number,
    reason: string,
    queueSize: number,
    ids: Partial<ChainIds> = {},
    detail?: string,
  ): void {
    this.store
      .statement(
        `insert into slo_events (scheduler_run_id, at, posted, reason, queue_size, candidate_id, queue_entry_id,
           decision_id, permit_id, detail) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         on conflict(scheduler_run_id) do update set reason = excluded.reason, posted = excluded.posted`,
      )
      .run(
        schedulerRunId,
        at,
        reason === 'posted' ? 1 : 0,
        reason,
        queueSize,
        ids.candidateId ?? null,
        ids.queueEntryId ?? null,
        ids.decisionId ?? null,
        ids.permitId ?? null,
        detail ?? null,
      );
  }

  /** A scheduler run that finds nothing to do and says why. */
  idleSchedulerRun(at: number, reason: string, queueSize: number, detail?: string): string {
    const run = this.jobRun('scheduler', at, { status: 'completed', endedAt: at + 500 });
    this.slo(run, at + 400, reason, queueSize, {}, detail);
    return run;
  }

  /**
   * A scheduler run that selects a queued candidate, decides, and grants a permit
   * (auto: approved; manual: awaiting_approval). Returns the chain's ids.
   */
  permitted(
    candidateId: string,
    queueEntryId: string,
    at: number,
    mode: 'auto' | 'manual' = 'auto',
    queueSize = 0,
  ): ChainIds {
    const run = this.jobRun('scheduler', at, { status: 'completed', endedAt: at + 1_500 });
    const decisionId = this.id('dec');
    const permitId = this.id('permit');
    const target = this.store.statement('select post_id from candidates where id = ?').get(candidateId) as {
      post_id: string;
    };
    this.clock.set(at + 500);
    this.store.tx(() => {
      this.host.send('candidate', candidateId, { type: 'SELECT', schedulerRunId: run });
      this.store
        .statement(
          `insert into decisions (id, candidate_id, queue_entry_id, scheduler_run_id, platform, target_post_id,
             target_root_post_id, text, content_hash, generator, latency_ms, created_at)
           values (?, ?, ?, ?, 'sandbox', ?, ?, ?, ?, 'template', 4, ?)`,
        )
        .run(
          decisionId,
          candidateId,
          queueEntryId,
          run,
          target.post_id,
          target.post_id,
          'Thanks — here is how.',
          `hash-${decisionId}`,
          at + 500,
        );
      this.host.send('candidate', candidateId, { type: 'DECIDE', decisionId });
      this.store
        .statement(
          `insert into permits (id, decision_id, candidate_id, queue_entry_id, scheduler_run_id, pipeline_source, platform,
             target_post_id, target_author, target_is_root, target_in_reply_to_post_id, text, content_hash, idempotency_key,
             state, attempts, created_at, updated_at, expires_at)
           values (?, ?, ?, ?, ?, 'scheduler', 'sandbox', ?, 'alice', 1, null, 'Thanks — here is how.', ?, ?, 'pending', 0, ?, ?, ?)`,
        )
        .run(
          permitId,
          decisionId,
          candidateId,
          queueEntryId,
          run,
          target.post_id,
          `hash-${decisionId}`,
          `idem-${permitId}`,
          at + 500,
          at + 500,
          at + 120 * MIN,
        );
      this.host.create(
        'permit',
        permitId,
        {
          permitId,
          candidateId,
          decisionId,
          approvalMode: mode,
          targetIsRoot: true,
          targetInReplyToPostId: null,
          targetRootPostId: target.post_id,
          expiresAt: at + 120 * MIN,
        },
        [{ type: 'SUBMIT' }],
      );
      this.host.send('candidate', candidateId, { type: 'PERMIT', permitId });
    });
    const ids: ChainIds = {
      candidateId,
      queueEntryId,
      schedulerRunId: run,
      decisionId,
      permitId,
      postId: null,
      targetPostId: target.post_id,
    };
    this.slo(run, at + 1_000, mode === 'manual' ? 'awaiting_approval' : 'permitted', queueSize, ids);
    return ids;
  }

  /** A poster run that claims the permit, clicks, and records the post. */
  post(ids: ChainIds, at: number): ChainIds {
    const postId = `1800000000${String(++this.#seq).padStart(9, '0')}`;
    this.jobRun('poster', at, { status: 'completed', endedAt: at + 1_800 });
    this.clock.set(at + 200);
    this.store.tx(() => {
      this.host.send('permit', ids.permitId, {
        type: 'CLAIM',
        target: { exists: true, isRoot: true, inReplyToPostId: null },
        postingDeadlineAt: at + MIN,
      });
      this.store.event({
        at: at + 300,
        type: 'post_reply_click_attempt',
        permitId: ids.permitId,
        candidateId: ids.candidateId,
      });
    });
    this.clock.set(at + 1_500);
    this.store.tx(() => {
      this.host.send('permit', ids.permitId, { type: 'POSTED', postId });
      this.host.send('candidate', ids.candidateId, { type: 'POSTED', postId });
      this.store.event({
        at: at + 1_500,
        type: 'posting_success',
        permitId: ids.permitId,
        candidateId: ids.candidateId,
        postId,
      });
    });
    this.slo(ids.schedulerRunId, at, 'posted', 0, ids);
    return { ...ids, postId };
  }

  /** A poster run whose platform call failed with an error class. */
  postFailed(ids: ChainIds, at: number, errorClass: string): void {
    this.jobRun('poster', at, { status: 'completed', endedAt: at + 800 });
    this.clock.set(at + 200);
    this.store.tx(() => {
      this.host.send('permit', ids.permitId, {
        type: 'CLAIM',
        target: { exists: true, isRoot: true, inReplyToPostId: null },
        postingDeadlineAt: at + MIN,
      });
      this.store.event({ at: at + 300, type: 'post_reply_click_attempt', permitId: ids.permitId });
      this.host.send('permit', ids.permitId, { type: 'POST_FAILED', reasonCode: errorClass });
      this.host.send('candidate', ids.candidateId, { type: 'FAIL', reasonCode: errorClass });
      this.store.event({
        at: at + 400,
        type: 'posting_failed',
        severity: 'error',
        permitId: ids.permitId,
        data: JSON.stringify({ errorClass }),
      });
    });
  }

  ghost(postId: string, detectedAt: number): void {
    const id = this.id('ghost');
    this.store.tx(() => {
      this.store
        .statement(
          `insert into ghosts (id, platform, post_id, text, in_reply_to_post_id, posted_at, detected_at, kind, permit_id)
           values (?, 'sandbox', ?, 'an unexplained reply', null, ?, ?, 'unexplained_post', null)`,
        )
        .run(id, postId, detectedAt - MIN, detectedAt);
      this.store.event({ at: detectedAt, type: 'ghost_detected', severity: 'critical', postId });
    });
  }
}

/**
 * The seed report's state at 15:20: four fetch runs started in 30 minutes and only one
 * completed (three never ended), two candidates queued, two scheduler runs that found the
 * queue empty, no permits, and six old ghosts from before the window.
 */
export function seedStarvedState(f: ProofFixture, now = REPORT_NOW): void {
  f.jobRun('fetch', now - 25 * MIN, { status: 'completed', endedAt: now - 25 * MIN + 4_000 });
  for (const ago of [18, 11, 4]) f.jobRun('fetch', now - ago * MIN, { status: 'running' });
  const found = [0, 1, 2, 3].map(() => f.candidate(now - 24 * MIN));
  f.queue(found[0]!, now - 24 * MIN, now + 30 * MIN, 2, 41);
  f.queue(found[1]!, now - 24 * MIN, now + 30 * MIN, 2, 38);
  f.reject(found[2]!, now - 24 * MIN, 'too_old');
  f.reject(found[3]!, now - 24 * MIN, 'low_score');
  f.idleSchedulerRun(now - 15 * MIN, 'queue_empty', 2);
  f.idleSchedulerRun(now - 10 * MIN, 'queue_empty', 2);
  for (let i = 0; i < 6; i++) f.ghost(`20096109986433765${String(i).padStart(2, '0')}`, now - 33 * MIN);
  f.clock.set(now);
}

/** A healthy half hour: every run ends, a full queue, two replies posted with full trace chains. */
export function seedHealthyState(f: ProofFixture, now = REPORT_NOW): { posted: ChainIds[] } {
  for (const ago of [28, 21, 14, 7])
    f.jobRun('fetch', now - ago * MIN, { status: 'completed', endedAt: now - ago * MIN + 3_000 });
  const queued: { candidateId: string; queueEntryId: string }[] = [];
  for (let i = 0; i < 14; i++) {
    const candidateId = f.candidate(now - 27 * MIN + i * 1_000);
    queued.push({
      candidateId,
      queueEntryId: f.queue(candidateId, now - 27 * MIN + i * 1_000, now + 40 * MIN, 1, 90 - i),
    });
  }
  f.reject(f.candidate(now - 26 * MIN), now - 26 * MIN, 'too_short');
  const posted = [queued[0]!, queued[1]!].map((q, i) => {
    const ids = f.permitted(q.candidateId, q.queueEntryId, now - (20 - i * 8) * MIN, 'auto', 13 - i);
    return f.post(ids, now - (20 - i * 8) * MIN + 30_000);
  });
  f.idleSchedulerRun(now - 4 * MIN, 'spacing', 12);
  f.jobRun('reconciler', now - 15 * MIN);
  f.jobRun('reconciler', now - 5 * MIN);
  f.ghost('1700000000000000001', now - 3 * 60 * MIN);
  f.clock.set(now);
  return { posted };
}
