import type { Store } from '../../db/store.ts';
import type { CandidateEvent } from '../../machines/candidate.ts';
import { EVENT } from '../events.ts';
import type { PlatformPost } from '../platforms/contract.ts';
import { isOptOutText } from '../policy/consent.ts';
import { type EvaluationPolicy, evaluateCandidate } from '../policy/evaluate.ts';
import type { SourceKind } from '../policy/postFacts.ts';
import type { Clock } from '../runtime/clock.ts';
import type { EntityHost } from '../runtime/entityHost.ts';
import type { IdSource } from '../runtime/ids.ts';
import { queueStatusOf } from '../runtime/projections.ts';
import { rootColumn, toPostFacts } from './toPostFacts.ts';
import { authorLastRepliedAt, hasHoldingPermit, isOptedOut } from './targetFacts.ts';

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
  // Author facts are read once per page: nothing in the page's transaction grants a permit,
  // and an opt-out recorded in it forgets its author's entry.
  const authors = new Map<string, { optedOut: boolean; lastRepliedAt: number | null }>();
  const authorFacts = (author: string) => {
    let facts = authors.get(author);
    if (!facts) {
      facts = {
        optedOut: isOptedOut(store, platformName, author),
        lastRepliedAt: authorLastRepliedAt(store, platformName, author),
      };
      authors.set(author, facts);
    }
    return facts;
  };
  store.tx(() => {
    const now = clock.now();
    for (const post of posts) {
      counts.seen++;
      if (post.author.toLowerCase() === account) {
        counts.ownPosts++;
        continue;
      }
      const addressed = post.inReplyToAuthor?.toLowerCase() === account || post.mentions.includes(account);
      if (addressed && isOptOutText(post.text)) {
        if (recordOptOut(deps, post, now)) counts.optOuts++;
        authors.delete(post.author);
        continue;
      }
      if (store.statement(SEEN).get(platformName, post.id) !== undefined) {
        counts.duplicates++;
        continue;
      }
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
          alreadyReplied: hasHoldingPermit(store, platformName, post.id),
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
          const inserted = store
            .statement(INSERT_CANDIDATE)
            .run(
              candidateId,
              platformName,
              post.id,
              post.author,
              post.text,
              post.createdAt,
              post.inReplyToId,
              rootColumn(facts.isRoot),
              post.rootId,
              `${source.kind}:${source.name}`,
              fetchRunId,
              evaluation.consent,
              state,
              context.reasonCode,
              context.score,
              context.tier,
              now,
              now,
            );
          if (inserted.changes === 0) return false;
          const status = queueStatusOf(state);
          if (context.queueEntryId && status) {
            store
              .statement(INSERT_QUEUE_ENTRY)
              .run(
                context.queueEntryId,
                candidateId,
                context.tier,
                context.score,
                status,
                now,
                expiresAt,
                now,
              );
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

const SEEN = 'select 1 from candidates where platform = ? and post_id = ?';

const INSERT_CANDIDATE = `insert into candidates (id, platform, post_id, author, text, post_created_at,
    in_reply_to_post_id, is_root, conversation_id, source, fetch_run_id, consent, state, reason_code, score, tier,
    discovered_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing`;

const INSERT_QUEUE_ENTRY = `insert into queue_entries (id, candidate_id, tier, score, status, enqueued_at, expires_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Records an opt-out and honours it at once: the author's queued candidates are rejected and
 * their permits not yet posting are rejected, in the same transaction.
 */
function recordOptOut(deps: IngestDeps, post: PlatformPost, now: number): boolean {
  const { store, host, platformName } = deps;
  const added = store
    .statement(
      'insert into opt_outs (platform, author, source_post_id, at) values (?, ?, ?, ?) on conflict do nothing',
    )
    .run(platformName, post.author, post.id, now);
  if (added.changes === 0) return false;
  store.event({
    at: now,
    type: EVENT.optOutRecorded,
    data: JSON.stringify({ author: post.author, sourcePostId: post.id }),
  });
  const queued = store
    .statement(
      "select id from candidates where platform = ? and author = ? collate nocase and state = 'queued'",
    )
    .all(platformName, post.author) as { id: string }[];
  for (const c of queued) host.send('candidate', c.id, { type: 'REJECT', reasonCode: 'opted_out' });
  const permits = store
    .statement(
      `select id, candidate_id as candidateId from permits where platform = ? and target_author = ? collate nocase
       and state in ('pending', 'awaiting_approval', 'approved')`,
    )
    .all(platformName, post.author) as { id: string; candidateId: string }[];
  for (const p of permits) {
    host.send('permit', p.id, { type: 'REJECT', reasonCode: 'opted_out' });
    // A follow-up: a quarantined candidate must not undo the opt-out (nor fail every fetch of this page).
    host.sendIfAccepted('candidate', p.candidateId, { type: 'FAIL', reasonCode: 'opted_out' });
  }
  return true;
}
