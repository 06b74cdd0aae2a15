import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import {
  type CandidateRowState,
  PERMIT_GROUPS,
  type PermitRowState,
  sqlList,
} from '../machines/stateGroups.ts';

/**
 * The one schema source. Times are epoch milliseconds (integer); ids are text.
 * Every id of the trace chain (candidate → queue entry → scheduler run → decision → permit →
 * posted post id) is a real, indexed column, in its own table and in `events`.
 */

export const schemaMigrations = sqliteTable('schema_migrations', {
  version: integer('version').primaryKey(),
  name: text('name').notNull(),
  checksum: text('checksum').notNull(),
  appliedAt: integer('applied_at').notNull(),
});

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    type: text('type').notNull(),
    severity: text('severity', { enum: ['debug', 'info', 'warn', 'error', 'critical'] })
      .notNull()
      .default('info'),
    actorId: text('actor_id'),
    fetchRunId: text('fetch_run_id'),
    candidateId: text('candidate_id'),
    queueEntryId: text('queue_entry_id'),
    schedulerRunId: text('scheduler_run_id'),
    decisionId: text('decision_id'),
    permitId: text('permit_id'),
    postId: text('post_id'),
    data: text('data'),
  },
  // No index on actor_id: an entity event's actor is its candidate_id or permit_id (both
  // indexed), and the one query by actor_id also names the type (events_type_at).
  (t) => [
    index('events_type_at').on(t.type, t.at),
    index('events_at').on(t.at),
    index('events_permit').on(t.permitId),
    index('events_candidate').on(t.candidateId),
  ],
);

export const actors = sqliteTable(
  'actors',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    machine: text('machine').notNull(),
    version: integer('version').notNull(),
    state: text('state').notNull(),
    status: text('status', { enum: ['active', 'done', 'quarantined'] }).notNull(),
    snapshot: text('snapshot').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  // actors_kind_state: the statechart catalog's counts per state of a kind, and /api/actors.
  (t) => [index('actors_kind_state').on(t.kind, t.state), index('actors_status').on(t.status, t.kind)],
);

export const timers = sqliteTable(
  'timers',
  {
    actorId: text('actor_id').notNull(),
    event: text('event').notNull(),
    dueAt: integer('due_at').notNull(),
  },
  (t) => [uniqueIndex('timers_actor_event').on(t.actorId, t.event), index('timers_due').on(t.dueAt)],
);

export const sourceCursors = sqliteTable('source_cursors', {
  source: text('source').primaryKey(),
  cursor: text('cursor'),
  backoffUntil: integer('backoff_until'),
  updatedAt: integer('updated_at').notNull(),
});

export const jobRuns = sqliteTable(
  'job_runs',
  {
    id: text('id').primaryKey(),
    job: text('job', { enum: ['fetch', 'scheduler', 'poster', 'reconciler'] }).notNull(),
    status: text('status', { enum: ['running', 'completed', 'failed'] }).notNull(),
    startedAt: integer('started_at').notNull(),
    deadlineAt: integer('deadline_at').notNull(),
    endedAt: integer('ended_at'),
    reason: text('reason'),
    stats: text('stats'),
  },
  (t) => [index('job_runs_job_started').on(t.job, t.startedAt), index('job_runs_status').on(t.status)],
);

export const candidates = sqliteTable(
  'candidates',
  {
    id: text('id').primaryKey(),
    platform: text('platform').notNull(),
    postId: text('post_id').notNull(),
    author: text('author').notNull(),
    text: text('text').notNull(),
    postCreatedAt: integer('post_created_at').notNull(),
    inReplyToPostId: text('in_reply_to_post_id'),
    /** 1 root, 0 not root, null unknown (treated as not root). */
    isRoot: integer('is_root'),
    conversationId: text('conversation_id'),
    source: text('source').notNull(),
    fetchRunId: text('fetch_run_id'),
    consent: text('consent', { enum: ['mention', 'reply_to_account', 'keyword', 'none'] }).notNull(),
    state: text('state').$type<CandidateRowState>().notNull(),
    reasonCode: text('reason_code'),
    score: real('score'),
    tier: integer('tier'),
    // The rest of the candidate actor's context: this row is its persisted snapshot (state +
    // context); candidates have no `actors` row (see src/runtime/candidateRow.ts).
    queueEntryId: text('queue_entry_id'),
    expiresAt: integer('expires_at'),
    schedulerRunId: text('scheduler_run_id'),
    decisionId: text('decision_id'),
    permitId: text('permit_id'),
    postedPostId: text('posted_post_id'),
    discoveredAt: integer('discovered_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('candidates_platform_post').on(t.platform, t.postId),
    index('candidates_state').on(t.state, t.updatedAt),
    // No index on author: the one query by author compares it `collate nocase`, which a
    // binary index cannot serve (it goes through candidates_state).
    index('candidates_discovered').on(t.discoveredAt),
  ],
);

export const queueEntries = sqliteTable(
  'queue_entries',
  {
    id: text('id').primaryKey(),
    candidateId: text('candidate_id')
      .notNull()
      .references(() => candidates.id),
    tier: integer('tier').notNull(),
    score: real('score').notNull(),
    status: text('status', { enum: ['queued', 'selected', 'expired', 'done', 'dropped'] }).notNull(),
    enqueuedAt: integer('enqueued_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    selectedByRunId: text('selected_by_run_id'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('queue_entries_candidate').on(t.candidateId),
    index('queue_pick').on(t.status, t.tier, t.score, t.expiresAt),
    index('queue_expiry').on(t.status, t.expiresAt),
  ],
);

export const sloEvents = sqliteTable(
  'slo_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    schedulerRunId: text('scheduler_run_id').notNull(),
    at: integer('at').notNull(),
    posted: integer('posted', { mode: 'boolean' }).notNull(),
    reason: text('reason').notNull(),
    queueSize: integer('queue_size').notNull(),
    candidateId: text('candidate_id'),
    queueEntryId: text('queue_entry_id'),
    decisionId: text('decision_id'),
    permitId: text('permit_id'),
    detail: text('detail'),
  },
  (t) => [uniqueIndex('slo_events_run').on(t.schedulerRunId), index('slo_events_at').on(t.at)],
);

export const decisions = sqliteTable(
  'decisions',
  {
    id: text('id').primaryKey(),
    candidateId: text('candidate_id')
      .notNull()
      .references(() => candidates.id),
    queueEntryId: text('queue_entry_id').notNull(),
    schedulerRunId: text('scheduler_run_id').notNull(),
    platform: text('platform').notNull(),
    targetPostId: text('target_post_id').notNull(),
    /** The root of the target's conversation. A decision without it can never be permitted. */
    targetRootPostId: text('target_root_post_id'),
    text: text('text').notNull(),
    contentHash: text('content_hash').notNull(),
    generator: text('generator').notNull(),
    model: text('model'),
    costUsd: real('cost_usd').notNull().default(0),
    latencyMs: integer('latency_ms').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('decisions_candidate').on(t.candidateId), index('decisions_run').on(t.schedulerRunId)],
);

export const permits = sqliteTable(
  'permits',
  {
    id: text('id').primaryKey(),
    decisionId: text('decision_id')
      .notNull()
      .references(() => decisions.id),
    candidateId: text('candidate_id').notNull(),
    queueEntryId: text('queue_entry_id').notNull(),
    schedulerRunId: text('scheduler_run_id').notNull(),
    pipelineSource: text('pipeline_source').notNull(),
    platform: text('platform').notNull(),
    targetPostId: text('target_post_id').notNull(),
    targetAuthor: text('target_author').notNull(),
    targetIsRoot: integer('target_is_root'),
    targetInReplyToPostId: text('target_in_reply_to_post_id'),
    text: text('text').notNull(),
    contentHash: text('content_hash').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    state: text('state').$type<PermitRowState>().notNull(),
    reasonCode: text('reason_code'),
    actualPostId: text('actual_post_id'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    postingStartedAt: integer('posting_started_at'),
    usedAt: integer('used_at'),
  },
  (t) => [
    // At most one permit per target in the states that hold it (PERMIT_GROUPS.holdsTarget; a
    // quarantined permit holds it too: it may have been posting). Built from the machine's tags,
    // so a migration that drifts from them fails test/integration/permitIndexGroup.test.ts.
    uniqueIndex('permits_one_per_target')
      .on(t.platform, t.targetPostId)
      .where(sql.raw(`state in ${sqlList(PERMIT_GROUPS.holdsTarget)}`)),
    uniqueIndex('permits_actual_post').on(t.platform, t.actualPostId).where(sql`actual_post_id is not null`),
    uniqueIndex('permits_idempotency_key').on(t.idempotencyKey),
    index('permits_state').on(t.state, t.updatedAt),
    index('permits_created').on(t.createdAt),
    index('permits_author_used').on(t.targetAuthor, t.usedAt),
  ],
);

export const ghosts = sqliteTable(
  'ghosts',
  {
    id: text('id').primaryKey(),
    platform: text('platform').notNull(),
    postId: text('post_id').notNull(),
    text: text('text').notNull(),
    inReplyToPostId: text('in_reply_to_post_id'),
    postedAt: integer('posted_at').notNull(),
    detectedAt: integer('detected_at').notNull(),
    kind: text('kind', { enum: ['unexplained_post', 'vanished_reply'] }).notNull(),
    permitId: text('permit_id'),
  },
  (t) => [
    uniqueIndex('ghosts_platform_post_kind').on(t.platform, t.postId, t.kind),
    index('ghosts_detected').on(t.detectedAt),
  ],
);

export const optOuts = sqliteTable(
  'opt_outs',
  {
    platform: text('platform').notNull(),
    author: text('author').notNull(),
    sourcePostId: text('source_post_id'),
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('opt_outs_platform_author').on(t.platform, t.author)],
);

/**
 * Who holds the instance lock (db/instanceLock.ts): one row, written by the process that holds
 * it and refreshed by its heartbeat, so a second process can say whom it found. The lock
 * itself is the operating system's, not this row.
 */
export const instanceHolder = sqliteTable('instance_holder', {
  id: integer('id').primaryKey(),
  pid: integer('pid').notNull(),
  host: text('host').notNull(),
  startedAt: integer('started_at').notNull(),
  heartbeatAt: integer('heartbeat_at').notNull(),
});

/**
 * Every call a paid platform's adapter made (X), priced: `billed` items at the unit's price.
 * Spend per window, cost per reply, /metrics and the daily budget read it (src/spend/).
 */
export const platformCalls = sqliteTable(
  'platform_calls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    platform: text('platform').notNull(),
    at: integer('at').notNull(),
    operation: text('operation').notNull(),
    outcome: text('outcome', { enum: ['ok', 'failed', 'unknown'] }).notNull(),
    unit: text('unit').notNull(),
    items: integer('items').notNull(),
    billed: integer('billed').notNull(),
    costUsd: real('cost_usd').notNull(),
  },
  (t) => [index('platform_calls_at').on(t.at)],
);

/** Resources already billed on a UTC day: X bills a resource once per day. Older days are pruned. */
export const platformBilled = sqliteTable(
  'platform_billed',
  {
    platform: text('platform').notNull(),
    day: text('day').notNull(),
    unit: text('unit').notNull(),
    resourceId: text('resource_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.day, t.unit, t.resourceId] })],
);

export const controls = sqliteTable('controls', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type EventRow = typeof events.$inferSelect;
export type NewEvent = typeof events.$inferInsert;
export type ActorRow = typeof actors.$inferSelect;
export type CandidateRow = typeof candidates.$inferSelect;
export type NewCandidate = typeof candidates.$inferInsert;
export type QueueEntryRow = typeof queueEntries.$inferSelect;
export type DecisionRow = typeof decisions.$inferSelect;
export type PermitRow = typeof permits.$inferSelect;
export type NewPermit = typeof permits.$inferInsert;
export type JobRunRow = typeof jobRuns.$inferSelect;
export type GhostRow = typeof ghosts.$inferSelect;
export type SloEventRow = typeof sloEvents.$inferSelect;
