import type { EventRow } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { EVENT, JOB_EVENT } from '../events.ts';

/**
 * The trace chain of one posted reply: candidate → queue entry → scheduler run → decision →
 * permit → posted post id, with each link's ids and times, every event of the chain, and the
 * seed's per-reply verification list as named checks.
 *
 * @example
 * const chain = traceChain(store, 'permit_01jk…') ?? traceChain(store, '1790000000000000001');
 * if (chain && !chain.complete) console.log(chain.checks.filter((c) => !c.pass));
 */
export interface TraceCheck {
  name: string;
  pass: boolean;
  detail: string;
}

export interface TraceChain {
  permitId: string;
  postedPostId: string | null;
  links: {
    candidate: {
      id: string;
      platform: string;
      targetPostId: string;
      author: string;
      state: string;
      reasonCode: string | null;
      discoveredAt: number;
    } | null;
    queueEntry: { id: string; status: string; enqueuedAt: number; expiresAt: number; selectedByRunId: string | null } | null;
    schedulerRun: {
      id: string;
      status: string | null;
      startedAt: number | null;
      endedAt: number | null;
      sloReason: string | null;
    } | null;
    decision: { id: string; generator: string; model: string | null; text: string; createdAt: number } | null;
    permit: {
      id: string;
      state: string;
      pipelineSource: string;
      reasonCode: string | null;
      targetIsRoot: number | null;
      targetInReplyToPostId: string | null;
      createdAt: number;
      postingStartedAt: number | null;
      usedAt: number | null;
    };
    post: { id: string; at: number | null } | null;
  };
  events: Pick<EventRow, 'id' | 'at' | 'type' | 'severity' | 'candidateId' | 'schedulerRunId' | 'permitId' | 'postId'>[];
  checks: TraceCheck[];
  complete: boolean;
}

interface PermitRecord {
  id: string;
  decision_id: string;
  candidate_id: string;
  queue_entry_id: string;
  scheduler_run_id: string;
  pipeline_source: string;
  platform: string;
  target_post_id: string;
  target_is_root: number | null;
  target_in_reply_to_post_id: string | null;
  state: string;
  reason_code: string | null;
  actual_post_id: string | null;
  created_at: number;
  posting_started_at: number | null;
  used_at: number | null;
}

type TraceEvent = TraceChain['events'][number];

/** Finds a permit by its id, else by the post id it produced. Null when neither is known. */
export function findPermit(store: Store, idOrPostId: string): PermitRecord | null {
  const byId = store.statement('select * from permits where id = ?').get(idOrPostId) as PermitRecord | undefined;
  if (byId) return byId;
  const byPost = store
    .statement("select * from permits where actual_post_id = ? order by (state = 'used') desc, used_at desc limit 1")
    .get(idOrPostId) as PermitRecord | undefined;
  return byPost ?? null;
}

/** The id of the latest used permit (optionally used at or after `since`), or null. */
export function latestPostedPermitId(store: Store, since = Number.NEGATIVE_INFINITY): string | null {
  const row = store
    .statement(
      "select id from permits where state = 'used' and actual_post_id is not null and used_at >= ? order by used_at desc, id desc limit 1",
    )
    .get(Number.isFinite(since) ? since : -1) as { id: string } | undefined;
  return row?.id ?? null;
}

export function traceChain(store: Store, idOrPostId: string): TraceChain | null {
  const p = findPermit(store, idOrPostId);
  if (!p) return null;

  const candidate = store
    .statement('select id, platform, post_id, author, state, reason_code, discovered_at from candidates where id = ?')
    .get(p.candidate_id) as
    | { id: string; platform: string; post_id: string; author: string; state: string; reason_code: string | null; discovered_at: number }
    | undefined;
  const queueEntry = store
    .statement('select id, status, enqueued_at, expires_at, selected_by_run_id from queue_entries where id = ?')
    .get(p.queue_entry_id) as
    | { id: string; status: string; enqueued_at: number; expires_at: number; selected_by_run_id: string | null }
    | undefined;
  const run = store
    .statement("select status, started_at, ended_at from job_runs where id = ? and job = 'scheduler'")
    .get(p.scheduler_run_id) as { status: string; started_at: number; ended_at: number | null } | undefined;
  const slo = store.statement('select reason from slo_events where scheduler_run_id = ?').get(p.scheduler_run_id) as
    | { reason: string }
    | undefined;
  const decision = store
    .statement('select id, generator, model, text, created_at from decisions where id = ?')
    .get(p.decision_id) as { id: string; generator: string; model: string | null; text: string; created_at: number } | undefined;

  const events = chainEvents(store, p, run);
  const postedPostId = p.actual_post_id;
  const success = events.find((e) => e.type === EVENT.postingSuccess && e.permitId === p.id);

  const has = (type: string, match: (e: TraceEvent) => boolean) => events.some((e) => e.type === type && match(e));
  const checks: TraceCheck[] = [
    check('candidate linked', candidate !== undefined, p.candidate_id),
    check('queue entry linked', queueEntry !== undefined, p.queue_entry_id),
    check('scheduler run linked', run !== undefined || slo !== undefined, p.scheduler_run_id),
    check('decision linked', decision !== undefined, p.decision_id),
    check("permit.state = 'used'", p.state === 'used', p.state),
    check("pipeline_source = 'scheduler'", p.pipeline_source === 'scheduler', p.pipeline_source),
    check('reason_code is null', p.reason_code === null, String(p.reason_code)),
    check('target_is_root = 1', p.target_is_root === 1, String(p.target_is_root)),
    check('target_in_reply_to_post_id is null', p.target_in_reply_to_post_id === null, String(p.target_in_reply_to_post_id)),
    check('posted post id recorded', postedPostId !== null, String(postedPostId)),
    check(
      `events include ${JOB_EVENT.scheduler.started}`,
      has(JOB_EVENT.scheduler.started, (e) => e.schedulerRunId === p.scheduler_run_id),
      p.scheduler_run_id,
    ),
    check(
      `events include ${EVENT.postReplyClickAttempt}`,
      has(EVENT.postReplyClickAttempt, (e) => e.permitId === p.id),
      p.id,
    ),
    check(
      `events include ${EVENT.postingSuccess}`,
      success !== undefined && (postedPostId === null || success.postId === null || success.postId === postedPostId),
      success ? `post ${success.postId ?? 'unknown'}` : 'missing',
    ),
  ];

  return {
    permitId: p.id,
    postedPostId,
    links: {
      candidate: candidate
        ? {
            id: candidate.id,
            platform: candidate.platform,
            targetPostId: candidate.post_id,
            author: candidate.author,
            state: candidate.state,
            reasonCode: candidate.reason_code,
            discoveredAt: candidate.discovered_at,
          }
        : null,
      queueEntry: queueEntry
        ? {
            id: queueEntry.id,
            status: queueEntry.status,
            enqueuedAt: queueEntry.enqueued_at,
            expiresAt: queueEntry.expires_at,
            selectedByRunId: queueEntry.selected_by_run_id,
          }
        : null,
      schedulerRun:
        run || slo
          ? {
              id: p.scheduler_run_id,
              status: run?.status ?? null,
              startedAt: run?.started_at ?? null,
              endedAt: run?.ended_at ?? null,
              sloReason: slo?.reason ?? null,
            }
          : null,
      decision: decision
        ? {
            id: decision.id,
            generator: decision.generator,
            model: decision.model,
            text: decision.text,
            createdAt: decision.created_at,
          }
        : null,
      permit: {
        id: p.id,
        state: p.state,
        pipelineSource: p.pipeline_source,
        reasonCode: p.reason_code,
        targetIsRoot: p.target_is_root,
        targetInReplyToPostId: p.target_in_reply_to_post_id,
        createdAt: p.created_at,
        postingStartedAt: p.posting_started_at,
        usedAt: p.used_at,
      },
      post: postedPostId ? { id: postedPostId, at: success?.at ?? p.used_at } : null,
    },
    events,
    checks,
    complete: checks.every((c) => c.pass),
  };
}

function check(name: string, pass: boolean, detail: string): TraceCheck {
  return { name, pass, detail };
}

const EVENT_COLUMNS = `id, at, type, severity, candidate_id as candidateId, scheduler_run_id as schedulerRunId,
  permit_id as permitId, post_id as postId`;

/**
 * The chain's events: everything written for its permit or candidate (both indexed), plus the
 * scheduler run's own job events, found through events_type_at near the run's start.
 */
function chainEvents(
  store: Store,
  p: PermitRecord,
  run: { started_at: number; ended_at: number | null } | undefined,
): TraceEvent[] {
  const byId = new Map<number, TraceEvent>();
  const add = (rows: unknown[]) => {
    for (const row of rows as TraceEvent[]) byId.set(row.id, row);
  };
  add(store.statement(`select ${EVENT_COLUMNS} from events where permit_id = ?`).all(p.id));
  add(store.statement(`select ${EVENT_COLUMNS} from events where candidate_id = ?`).all(p.candidate_id));
  const runTypes = Object.values(JOB_EVENT.scheduler);
  for (const type of runTypes) {
    const rows = run
      ? store
          .statement(
            `select ${EVENT_COLUMNS} from events where type = ? and at >= ? and at <= ? and scheduler_run_id = ?`,
          )
          .all(type, run.started_at - 1_000, (run.ended_at ?? Number.MAX_SAFE_INTEGER) + 1_000, p.scheduler_run_id)
      : store.statement(`select ${EVENT_COLUMNS} from events where type = ? and scheduler_run_id = ?`).all(type, p.scheduler_run_id);
    add(rows);
  }
  return [...byId.values()].sort((a, b) => a.at - b.at || a.id - b.id);
}
