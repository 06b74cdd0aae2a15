import { afterEach, describe, expect, it } from 'vitest';
import { emptyCounts, type IngestDeps, ingestPage } from '../../src/jobs/ingest.ts';
import type { PlatformPost } from '../../src/platforms/contract.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { seededIds } from '../../src/runtime/ids.ts';
import { seededRandom } from '../../src/runtime/random.ts';
import { insertPermitChain, permitInput } from '../support/fixtures.ts';
import { tempStore } from '../support/tempStore.ts';

/**
 * One page, one transaction: each new post leaves its candidates row already in its final
 * state (the row is the candidate actor's snapshot: no actors row), its queue entry and one
 * transition event; a post seen before
 * leaves nothing new; a failure anywhere in the page leaves nothing of the page.
 */
const NOW = Date.UTC(2026, 0, 9, 12, 0, 0);
const ACCOUNT = 'replywright_bot';

function post(id: string, overrides: Partial<PlatformPost> = {}): PlatformPost {
  return {
    id,
    author: 'alice',
    text: `@${ACCOUNT} how do you keep a reply queue durable across crashes?`,
    createdAt: NOW - 60_000,
    inReplyToId: null,
    rootId: id,
    mentions: [ACCOUNT],
    inReplyToAuthor: null,
    metrics: { likes: 3, replies: 1, reposts: 0, followers: 120 },
    authorIsParody: false,
    deleted: false,
    ...overrides,
  };
}

let cleanup: () => void = () => {};
afterEach(() => cleanup());

async function setup() {
  const t = await tempStore();
  cleanup = t.cleanup;
  const clock = new SimulatedClock(NOW);
  const deps: IngestDeps = {
    store: t.store,
    host: new EntityHost(t.store, clock),
    clock,
    ids: seededIds(seededRandom(1), () => clock.now()),
    platformName: 'sandbox',
    policy: {
      account: ACCOUNT,
      maxAgeMs: 3 * 3_600_000,
      maxClockSkewMs: 300_000,
      minLength: 20,
      authorCooldownMs: 3_600_000,
      minScore: 20,
      allowKeywordReplies: false,
    },
    queueTtlMs: 3_600_000,
  };
  return { ...t, deps };
}

const source = { kind: 'mentions' as const, name: ACCOUNT };

describe('ingestPage', () => {
  it('writes each new candidate in its final state with its queue entry, snapshot and one event', async () => {
    const { store, deps } = await setup();
    const counts = ingestPage(
      deps,
      source,
      [post('1'), post('2', { inReplyToId: '9', rootId: '9', inReplyToAuthor: 'bob' })],
      'run-1',
    );
    expect(counts).toMatchObject({ seen: 2, queued: 1, rejected: 1, rejectedBy: { not_root: 1 } });

    const rows = store.statement('select * from candidates order by id').all() as Record<string, unknown>[];
    expect(rows).toEqual([
      expect.objectContaining({
        id: 'c_sandbox_1',
        state: 'queued',
        reason_code: null,
        tier: expect.any(Number),
        score: expect.any(Number),
        consent: 'mention',
        is_root: 1,
        fetch_run_id: 'run-1',
        source: `mentions:${ACCOUNT}`,
        discovered_at: NOW,
        updated_at: NOW,
      }),
      expect.objectContaining({
        id: 'c_sandbox_2',
        state: 'rejected',
        reason_code: 'not_root',
        tier: null,
        score: null,
        is_root: 0,
        in_reply_to_post_id: '9',
        updated_at: NOW,
      }),
    ]);
    const queued = rows[0]!;
    const entries = store.statement('select * from queue_entries').all() as Record<string, unknown>[];
    expect(entries).toEqual([
      expect.objectContaining({
        candidate_id: 'c_sandbox_1',
        status: 'queued',
        tier: queued.tier,
        score: queued.score,
        enqueued_at: NOW,
        expires_at: NOW + 3_600_000,
        selected_by_run_id: null,
      }),
    ]);
    // Each candidates row is its actor's snapshot: the whole context is in it, and nothing in actors.
    expect(store.statement('select count(*) as n from actors').get()).toEqual({ n: 0 });
    const snapshotColumns = (row: Record<string, unknown>) => ({
      queue_entry_id: row.queue_entry_id,
      expires_at: row.expires_at,
      scheduler_run_id: row.scheduler_run_id,
      decision_id: row.decision_id,
      permit_id: row.permit_id,
      posted_post_id: row.posted_post_id,
    });
    expect(rows.map(snapshotColumns)).toEqual([
      {
        queue_entry_id: entries[0]!.id,
        expires_at: NOW + 3_600_000,
        scheduler_run_id: null,
        decision_id: null,
        permit_id: null,
        posted_post_id: null,
      },
      {
        queue_entry_id: null,
        expires_at: null,
        scheduler_run_id: null,
        decision_id: null,
        permit_id: null,
        posted_post_id: null,
      },
    ]);
    expect(deps.host.get('candidate', 'c_sandbox_1')).toEqual({
      id: 'c_sandbox_1',
      kind: 'candidate',
      state: 'queued',
      done: false,
      context: {
        candidateId: 'c_sandbox_1',
        queueEntryId: entries[0]!.id,
        schedulerRunId: null,
        decisionId: null,
        permitId: null,
        postedPostId: null,
        reasonCode: null,
        tier: queued.tier,
        score: queued.score,
        expiresAt: NOW + 3_600_000,
      },
    });
    expect(deps.host.get('candidate', 'c_sandbox_2')).toMatchObject({
      state: 'rejected',
      done: true,
      context: { queueEntryId: null, reasonCode: 'not_root', tier: null, score: null, expiresAt: null },
    });
    const events = store
      .statement(
        "select type, actor_id, queue_entry_id, data from events where type like 'candidate_%' order by id",
      )
      .all() as Record<string, unknown>[];
    expect(events).toEqual([
      {
        type: 'candidate_queued',
        actor_id: 'c_sandbox_1',
        queue_entry_id: entries[0]!.id,
        data: JSON.stringify({ from: 'evaluating', cause: 'QUEUE', reasonCode: null }),
      },
      {
        type: 'candidate_rejected',
        actor_id: 'c_sandbox_2',
        queue_entry_id: null,
        data: JSON.stringify({ from: 'evaluating', cause: 'REJECT', reasonCode: 'not_root' }),
      },
    ]);
  });

  it('leaves nothing new for posts seen before, even within one page', async () => {
    const { store, deps } = await setup();
    ingestPage(deps, source, [post('1')], null);
    // The candidates rows are the actors' snapshots: read whole, so a rewrite shows too.
    const rowsNow = () => ({
      candidates: store.statement('select * from candidates order by id').all(),
      queueEntries: store.statement('select * from queue_entries order by id').all(),
      counts: store
        .statement('select (select count(*) from actors) as actors, (select count(*) from events) as events')
        .get(),
    });
    const before = rowsNow();
    await (deps.clock as SimulatedClock).advance(60_000);
    const counts = ingestPage(deps, source, [post('1'), post('1')], null, emptyCounts());
    expect(counts).toMatchObject({ seen: 2, duplicates: 2, queued: 0 });
    expect(rowsNow()).toEqual(before);
  });

  it('commits the page whole or not at all', async () => {
    const { store, deps } = await setup();
    const broken = { ...post('2'), author: null } as unknown as PlatformPost;
    expect(() => ingestPage(deps, source, [post('1'), broken], null)).toThrow();
    // actors too: a candidate has no actors row, and a page writes no other actor
    for (const table of ['candidates', 'queue_entries', 'actors']) {
      expect(store.statement(`select count(*) as n from ${table}`).get()).toEqual({ n: 0 });
    }
    expect(store.statement("select count(*) as n from events where type like 'candidate_%'").get()).toEqual({
      n: 0,
    });
  });
  it('decides from the page-wide reads as it would post by post: opt-outs in any case, held targets, an opt-out inside the page', async () => {
    const { store, deps } = await setup();
    store.tx(() => {
      store
        .statement(
          "insert into opt_outs (platform, author, source_post_id, at) values ('sandbox', 'Alice', 'o1', 1)",
        )
        .run();
      // a permit of author alice holds target-p1
      insertPermitChain(store, permitInput('p1', NOW + 3_600_000), NOW - 1000);
      // …whose own candidate came from elsewhere: the page's target-p1 is new, but held
      store.statement("update candidates set post_id = 'elsewhere' where id = 'c-p1'").run();
    });
    const stop = post('s1', { author: 'DAVE', text: `@${ACCOUNT} stop` });
    const counts = ingestPage(
      deps,
      source,
      [
        post('1', { author: 'ALICE' }),
        post('target-p1', { author: 'carol' }),
        post('2', { author: 'dave' }),
        stop,
        post('3', { author: 'Dave' }),
        post('4', { author: 'erin' }),
      ],
      null,
    );
    expect(counts).toMatchObject({ seen: 6, optOuts: 1, queued: 2, rejected: 3 });
    const rows = store.statement('select post_id, state, reason_code from candidates order by post_id').all();
    expect(rows).toEqual([
      { post_id: '1', state: 'rejected', reason_code: 'opted_out' },
      // queued before the opt-out in the same page, rejected by it at once
      { post_id: '2', state: 'rejected', reason_code: 'opted_out' },
      { post_id: '3', state: 'rejected', reason_code: 'opted_out' },
      { post_id: '4', state: 'queued', reason_code: null },
      { post_id: 'elsewhere', state: 'discovered', reason_code: null },
      { post_id: 'target-p1', state: 'rejected', reason_code: 'already_replied' },
    ]);
  });
});
