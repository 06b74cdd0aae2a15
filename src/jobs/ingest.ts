import { and, eq, inArray, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { candidates, type NewCandidate, optOuts, permits, queueEntries } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { CandidateEvent } from '../../machines/candidate.ts';
import { CANDIDATE, PERMIT_GROUPS } from '../../machines/stateGroups.ts';
import { EVENT } from '../events.ts';
import type { PlatformPost } from '../platforms/contract.ts';
import { isOptOutText } from '../policy/consent.ts';
import { type EvaluationPolicy, evaluateCandidate } from '../policy/evaluate.ts';
import type { SourceKind } from '../policy/postFacts.ts';
import type { Clock } from '../runtime/clock.ts';
import type { EntityHost } from '../runtime/entityHost.ts';
import type { IdSource } from '../runtime/ids.ts';
import { type QueueEntryStatus, queueStatusOf } from '../runtime/projections.ts';
import { authorLastRepliedAt, hasHoldingPermit, isOptedOut, nocaseKey, pageFacts } from './targetFacts.ts';
import { rootColumn, toPostFacts } from './toPostFacts.ts';

export interface IngestDeps {
  store: Store;
  host: EntityHost;
  clock: Clock;
  ids: IdSource;
  platformName: string;
  policy: EvaluationPolicy;
  queueTtlMs: number;
}

export interface IngestCounts {
  seen: number;
  duplicates: number;
  queued: number;
  rejected: number;
  optOuts: number;
  ownPosts: number;
  rejectedBy: Record<string, number>;
}

export function emptyCounts(): IngestCounts {
  return { seen: 0, duplicates: 0, queued: 0, rejected: 0, optOuts: 0, ownPosts: 0, rejectedBy: {} };
}

export function candidateIdFor(platform: string, postId: string): string {
  return `c_${platform}_${postId}`;
}

/**
 * Turns one page of fetched posts into candidates, in ONE transaction: each new post becomes
 * a candidate actor (discovered → evaluating → queued | rejected) with its candidates row, its
 * queue entry and its events; "stop" replies become opt-outs, honoured at once. Posts seen
 * before are skipped, so a fetch repeated after a crash creates nothing twice.
 */
export function ingestPage(
  deps: IngestDeps,
  source: { kind: SourceKind; name: string },
  posts: PlatformPost[],
  fetchRunId: string | null,
  counts: IngestCounts = emptyCounts(),
  afterCommit?: (counts: IngestCounts) => void,
): IngestCounts {
  const { store, host, clock, ids, platformName, policy } = deps;
  const account = policy.account.toLowerCase();
  store.tx(() => {
    const now = clock.now();
    // What the store knows of the page's posts and authors, read once for the page (nothing
    // in this transaction grants a permit). An author who opts out in this page is read
    // again post by post: their permits were just rejected.
    const known = pageFacts(
      store,
      platformName,
      posts.map((p) => p.id),
      [...new Set(posts.map((p) => p.author))],
    );
    const reread = new Set<string>();
    const authorFacts = (author: string) =>
      reread.has(author)
        ? {
            optedOut: isOptedOut(store, platformName, author),
            lastRepliedAt: authorLastRepliedAt(store, platformName, author),
          }
        : {
            optedOut: known.optedOut.has(nocaseKey(author)),
            lastRepliedAt: known.lastRepliedAt.get(author) ?? null,
          };
    for (const post of posts) {
      counts.seen++;
      if (post.author.toLowerCase() === account) {
        counts.ownPosts++;
        continue;
      }
      const addressed = post.inReplyToAuthor?.toLowerCase() === account || post.mentions.includes(account);
      if (addressed && isOptOutText(post.text)) {
        if (recordOptOut(deps, post, now)) counts.optOuts++;
        // NOCASE: the opt-out covers every spelling of the name in the page.
        for (const other of posts)
          if (nocaseKey(other.author) === nocaseKey(post.author)) reread.add(other.author);
        continue;
      }
      if (known.seen.has(post.id)) {
        counts.duplicates++;
        continue;
      }
      known.seen.add(post.id);
      const candidateId = candidateIdFor(platformName, post.id);
      const facts = toPostFacts(post);
      const author = authorFacts(post.author);
      const evaluation = evaluateCandidate(
        {
          post: facts,
          source: source.kind,
          now,
          optedOut: author.optedOut,
          authorLastRepliedAt: author.lastRepliedAt,
          alreadyReplied: reread.has(post.author)
            ? hasHoldingPermit(store, platformName, post.id)
            : known.held.has(post.id),
          account: policy.account,
        },
        policy,
      );
      const queueEntryId = evaluation.verdict === 'queue' ? ids.next('q') : null;
      const expiresAt = now + deps.queueTtlMs;
      const events: CandidateEvent[] =
        evaluation.verdict === 'queue'
          ? [
              { type: 'EVALUATE' },
              {
                type: 'QUEUE',
                queueEntryId: queueEntryId!,
                tier: evaluation.tier,
                score: evaluation.score,
                expiresAt,
              },
            ]
          : [{ type: 'EVALUATE' }, { type: 'REJECT', reasonCode: evaluation.reasonCode }];
      // The rows go in already in their final state: no UPDATE right after the INSERT.
      const created = host.createWithRow(
        'candidate',
        candidateId,
        { candidateId },
        events,
        ({ state, context }) => {
          const inserted = insertCandidate.run(store, {
            id: candidateId,
            platform: platformName,
            postId: post.id,
            author: post.author,
            text: post.text,
            postCreatedAt: post.createdAt,
            inReplyToPostId: post.inReplyToId,
            isRoot: rootColumn(facts.isRoot),
            conversationId: post.rootId,
            source: `${source.kind}:${source.name}`,
            fetchRunId,
            consent: evaluation.consent,
            state,
            reasonCode: context.reasonCode,
            score: context.score,
            tier: context.tier,
            queueEntryId: context.queueEntryId,
            expiresAt: context.expiresAt,
            schedulerRunId: context.schedulerRunId,
            decisionId: context.decisionId,
            permitId: context.permitId,
            postedPostId: context.postedPostId,
            at: now,
          });
          if (inserted.changes === 0) return false;
          const status = queueStatusOf(state);
          if (context.queueEntryId && context.tier !== null && context.score !== null && status) {
            insertQueueEntry.run(store, {
              id: context.queueEntryId,
              candidateId,
              tier: context.tier,
              score: context.score,
              status,
              at: now,
              expiresAt,
            });
          }
          return true;
        },
      );
      if (!created) {
        counts.duplicates++;
      } else if (evaluation.verdict === 'queue') {
        counts.queued++;
      } else {
        counts.rejected++;
        counts.rejectedBy[evaluation.reasonCode] = (counts.rejectedBy[evaluation.reasonCode] ?? 0) + 1;
      }
    }
  });
  afterCommit?.(counts);
  return counts;
}

type CandidateInsert = Required<Omit<NewCandidate, 'discoveredAt' | 'updatedAt'>> & { at: number };

/** Inserts a new candidate row; `changes` is 0 when the post's row already existed. */
const insertCandidate = prepared<CandidateInsert>()((db, p) =>
  db
    .insert(candidates)
    .values({
      id: p.id,
      platform: p.platform,
      postId: p.postId,
      author: p.author,
      text: p.text,
      postCreatedAt: p.postCreatedAt,
      inReplyToPostId: p.inReplyToPostId,
      isRoot: p.isRoot,
      conversationId: p.conversationId,
      source: p.source,
      fetchRunId: p.fetchRunId,
      consent: p.consent,
      state: p.state,
      reasonCode: p.reasonCode,
      score: p.score,
      tier: p.tier,
      queueEntryId: p.queueEntryId,
      expiresAt: p.expiresAt,
      schedulerRunId: p.schedulerRunId,
      decisionId: p.decisionId,
      permitId: p.permitId,
      postedPostId: p.postedPostId,
      discoveredAt: p.at,
      updatedAt: p.at,
    })
    .onConflictDoNothing()
    .prepare(),
);

const insertQueueEntry = prepared<{
  id: string;
  candidateId: string;
  tier: number;
  score: number;
  status: QueueEntryStatus;
  at: number;
  expiresAt: number;
}>()((db, p) =>
  db
    .insert(queueEntries)
    .values({
      id: p.id,
      candidateId: p.candidateId,
      tier: p.tier,
      score: p.score,
      status: p.status,
      enqueuedAt: p.at,
      expiresAt: p.expiresAt,
      updatedAt: p.at,
    })
    .prepare(),
);

/**
 * Records an opt-out and honours it at once: the author's queued candidates are rejected and
 * their permits not yet posting are rejected, in the same transaction.
 */
function recordOptOut(deps: IngestDeps, post: PlatformPost, now: number): boolean {
  const { store, host, platformName } = deps;
  const added = store.db
    .insert(optOuts)
    .values({ platform: platformName, author: post.author, sourcePostId: post.id, at: now })
    .onConflictDoNothing()
    .run();
  if (added.changes === 0) return false;
  store.event({
    at: now,
    type: EVENT.optOutRecorded,
    data: JSON.stringify({ author: post.author, sourcePostId: post.id }),
  });
  const queued = store.db
    .select({ id: candidates.id })
    .from(candidates)
    .where(
      and(
        eq(candidates.platform, platformName),
        sql`${candidates.author} = ${post.author} collate nocase`,
        eq(candidates.state, CANDIDATE.queued),
      ),
    )
    .all();
  for (const c of queued) host.send('candidate', c.id, { type: 'REJECT', reasonCode: 'opted_out' });
  const unspent = store.db
    .select({ id: permits.id, candidateId: permits.candidateId })
    .from(permits)
    .where(
      and(
        eq(permits.platform, platformName),
        sql`${permits.targetAuthor} = ${post.author} collate nocase`,
        inArray(permits.state, [...PERMIT_GROUPS.unspent]),
      ),
    )
    .all();
  for (const p of unspent) {
    host.send('permit', p.id, { type: 'REJECT', reasonCode: 'opted_out' });
    // A follow-up: a quarantined candidate must not undo the opt-out (nor fail every fetch of this page).
    host.sendIfAccepted('candidate', p.candidateId, { type: 'FAIL', reasonCode: 'opted_out' });
  }
  return true;
}
