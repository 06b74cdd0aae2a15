import { and, desc, eq, gte, isNotNull, lte } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import {
  candidates,
  decisions,
  type EventRow,
  events,
  jobRuns,
  type PermitRow,
  permits,
  queueEntries,
  sloEvents,
} from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { PERMIT } from '../../machines/stateGroups.ts';
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
    queueEntry: {
      id: string;
      status: string;
      enqueuedAt: number;
      expiresAt: number;
      selectedByRunId: string | null;
    } | null;
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
  events: Pick<
    EventRow,
    'id' | 'at' | 'type' | 'severity' | 'candidateId' | 'schedulerRunId' | 'permitId' | 'postId'
  >[];
  checks: TraceCheck[];
  complete: boolean;
}

type TraceEvent = TraceChain['events'][number];

/** Finds a permit by its id, else by the post id it produced. Null when neither is known. */
export function findPermit(store: Store, idOrPostId: string): PermitRow | null {
  return permitById.get(store, { id: idOrPostId }) ?? permitByPost.get(store, { postId: idOrPostId }) ?? null;
}

const permitById = prepared<{ id: string }>()((db, p) =>
  db.select().from(permits).where(eq(permits.id, p.id)).prepare(),
);

/** A post id two permits claim (it should not happen) resolves to the used one, newest first. */
const permitByPost = prepared<{ postId: string }>()((db, p) =>
  db
    .select()
    .from(permits)
    .where(eq(permits.actualPostId, p.postId))
    .orderBy(desc(eq(permits.state, PERMIT.used)), desc(permits.usedAt))
    .limit(1)
    .prepare(),
);

/** The id of the latest used permit (optionally used at or after `since`), or null. */
export function latestPostedPermitId(store: Store, since = Number.NEGATIVE_INFINITY): string | null {
  return latestPosted.get(store, { since: Number.isFinite(since) ? since : -1 })?.id ?? null;
}

const latestPosted = prepared<{ since: number }>()((db, p) =>
  db
    .select({ id: permits.id })
    .from(permits)
    .where(and(eq(permits.state, PERMIT.used), isNotNull(permits.actualPostId), gte(permits.usedAt, p.since)))
    .orderBy(desc(permits.usedAt), desc(permits.id))
    .limit(1)
    .prepare(),
);

const candidateLink = prepared<{ id: string }>()((db, p) =>
  db
    .select({
      id: candidates.id,
      platform: candidates.platform,
      targetPostId: candidates.postId,
      author: candidates.author,
      state: candidates.state,
      reasonCode: candidates.reasonCode,
      discoveredAt: candidates.discoveredAt,
    })
    .from(candidates)
    .where(eq(candidates.id, p.id))
    .prepare(),
);

const queueEntryLink = prepared<{ id: string }>()((db, p) =>
  db
    .select({
      id: queueEntries.id,
      status: queueEntries.status,
      enqueuedAt: queueEntries.enqueuedAt,
      expiresAt: queueEntries.expiresAt,
      selectedByRunId: queueEntries.selectedByRunId,
    })
    .from(queueEntries)
    .where(eq(queueEntries.id, p.id))
    .prepare(),
);

const schedulerRunLink = prepared<{ id: string }>()((db, p) =>
  db
    .select({ status: jobRuns.status, startedAt: jobRuns.startedAt, endedAt: jobRuns.endedAt })
    .from(jobRuns)
    .where(and(eq(jobRuns.id, p.id), eq(jobRuns.job, 'scheduler')))
    .prepare(),
);

const sloOfRun = prepared<{ runId: string }>()((db, p) =>
  db
    .select({ reason: sloEvents.reason })
    .from(sloEvents)
    .where(eq(sloEvents.schedulerRunId, p.runId))
    .prepare(),
);

const decisionLink = prepared<{ id: string }>()((db, p) =>
  db
    .select({
      id: decisions.id,
      generator: decisions.generator,
      model: decisions.model,
      text: decisions.text,
      createdAt: decisions.createdAt,
    })
    .from(decisions)
    .where(eq(decisions.id, p.id))
    .prepare(),
);

export function traceChain(store: Store, idOrPostId: string): TraceChain | null {
  const p = findPermit(store, idOrPostId);
  if (!p) return null;

  const candidate = candidateLink.get(store, { id: p.candidateId });
  const queueEntry = queueEntryLink.get(store, { id: p.queueEntryId });
  const run = schedulerRunLink.get(store, { id: p.schedulerRunId });
  const slo = sloOfRun.get(store, { runId: p.schedulerRunId });
  const decision = decisionLink.get(store, { id: p.decisionId });

  const events = chainEvents(store, p, run);
  const postedPostId = p.actualPostId;
  const success = events.find((e) => e.type === EVENT.postingSuccess && e.permitId === p.id);

  const has = (type: string, match: (e: TraceEvent) => boolean) =>
    events.some((e) => e.type === type && match(e));
  const checks: TraceCheck[] = [
    check('candidate linked', candidate !== undefined, p.candidateId),
    check('queue entry linked', queueEntry !== undefined, p.queueEntryId),
    check('scheduler run linked', run !== undefined || slo !== undefined, p.schedulerRunId),
    check('decision linked', decision !== undefined, p.decisionId),
    check("permit.state = 'used'", p.state === PERMIT.used, p.state),
    check("pipeline_source = 'scheduler'", p.pipelineSource === 'scheduler', p.pipelineSource),
    check('reason_code is null', p.reasonCode === null, String(p.reasonCode)),
    check('target_is_root = 1', p.targetIsRoot === 1, String(p.targetIsRoot)),
    check(
      'target_in_reply_to_post_id is null',
      p.targetInReplyToPostId === null,
      String(p.targetInReplyToPostId),
    ),
    check('posted post id recorded', postedPostId !== null, String(postedPostId)),
    check(
      `events include ${JOB_EVENT.scheduler.started}`,
      has(JOB_EVENT.scheduler.started, (e) => e.schedulerRunId === p.schedulerRunId),
      p.schedulerRunId,
    ),
    check(
      `events include ${EVENT.postReplyClickAttempt}`,
      has(EVENT.postReplyClickAttempt, (e) => e.permitId === p.id),
      p.id,
    ),
    check(
      `events include ${EVENT.postingSuccess}`,
      success !== undefined &&
        (postedPostId === null || success.postId === null || success.postId === postedPostId),
      success ? `post ${success.postId ?? 'unknown'}` : 'missing',
    ),
  ];

  return {
    permitId: p.id,
    postedPostId,
    links: {
      candidate: candidate ?? null,
      queueEntry: queueEntry ?? null,
      schedulerRun:
        run || slo
          ? {
              id: p.schedulerRunId,
              status: run?.status ?? null,
              startedAt: run?.startedAt ?? null,
              endedAt: run?.endedAt ?? null,
              sloReason: slo?.reason ?? null,
            }
          : null,
      decision: decision ?? null,
      permit: {
        id: p.id,
        state: p.state,
        pipelineSource: p.pipelineSource,
        reasonCode: p.reasonCode,
        targetIsRoot: p.targetIsRoot,
        targetInReplyToPostId: p.targetInReplyToPostId,
        createdAt: p.createdAt,
        postingStartedAt: p.postingStartedAt,
        usedAt: p.usedAt,
      },
      post: postedPostId ? { id: postedPostId, at: success?.at ?? p.usedAt } : null,
    },
    events,
    checks,
    complete: checks.every((c) => c.pass),
  };
}

function check(name: string, pass: boolean, detail: string): TraceCheck {
  return { name, pass, detail };
}

const EVENT_FIELDS = {
  id: events.id,
  at: events.at,
  type: events.type,
  severity: events.severity,
  candidateId: events.candidateId,
  schedulerRunId: events.schedulerRunId,
  permitId: events.permitId,
  postId: events.postId,
};

const eventsOfPermit = prepared<{ permitId: string }>()((db, p) =>
  db.select(EVENT_FIELDS).from(events).where(eq(events.permitId, p.permitId)).prepare(),
);

const eventsOfCandidate = prepared<{ candidateId: string }>()((db, p) =>
  db.select(EVENT_FIELDS).from(events).where(eq(events.candidateId, p.candidateId)).prepare(),
);

/** A scheduler run's events of one type, near its start and end (events_type_at). */
const runEventsNear = prepared<{ type: string; from: number; to: number; runId: string }>()((db, p) =>
  db
    .select(EVENT_FIELDS)
    .from(events)
    .where(
      and(
        eq(events.type, p.type),
        gte(events.at, p.from),
        lte(events.at, p.to),
        eq(events.schedulerRunId, p.runId),
      ),
    )
    .prepare(),
);

const runEvents = prepared<{ type: string; runId: string }>()((db, p) =>
  db
    .select(EVENT_FIELDS)
    .from(events)
    .where(and(eq(events.type, p.type), eq(events.schedulerRunId, p.runId)))
    .prepare(),
);

/**
 * The chain's events: everything written for its permit or candidate (both indexed), plus the
 * scheduler run's own job events, found through events_type_at near the run's start.
 */
function chainEvents(
  store: Store,
  p: PermitRow,
  run: { startedAt: number; endedAt: number | null } | undefined,
): TraceEvent[] {
  const byId = new Map<number, TraceEvent>();
  const add = (rows: readonly TraceEvent[]) => {
    for (const row of rows) byId.set(row.id, row);
  };
  add(eventsOfPermit.all(store, { permitId: p.id }));
  add(eventsOfCandidate.all(store, { candidateId: p.candidateId }));
  const runId = p.schedulerRunId;
  for (const type of Object.values(JOB_EVENT.scheduler)) {
    add(
      run
        ? runEventsNear.all(store, {
            type,
            from: run.startedAt - 1_000,
            to: (run.endedAt ?? Number.MAX_SAFE_INTEGER) + 1_000,
            runId,
          })
        : runEvents.all(store, { type, runId }),
    );
  }
  return [...byId.values()].sort((a, b) => a.at - b.at || a.id - b.id);
}
