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
 * state, its queue entry, its actor snapshot and one transition event; a post seen before
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
    const actors = store.statement('select id, state, status, snapshot from actors order by id').all() as {
      id: string;
      state: string;
      status: string;
      snapshot: string;
    }[];
    expect(actors.map((a) => [a.id, a.state, a.status])).toEqual([
      ['c_sandbox_1', 'queued', 'active'],
      ['c_sandbox_2', 'rejected', 'done'],
    ]);
    expect(JSON.parse(actors[0]!.snapshot).context).toMatchObject({
      queueEntryId: entries[0]!.id,
      tier: queued.tier,
      score: queued.score,
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
    const before = store
      .statement(
        'select (select count(*) from candidates) + (select count(*) from queue_entries) + (select count(*) from actors) + (select count(*) from events) as n',
      )
      .get();
    const counts = ingestPage(deps, source, [post('1'), post('1')], null, emptyCounts());
    expect(counts).toMatchObject({ seen: 2, duplicates: 2, queued: 0 });
    expect(
      store
        .statement(
          'select (select count(*) from candidates) + (select count(*) from queue_entries) + (select count(*) from actors) + (select count(*) from events) as n',
        )
        .get(),
    ).toEqual(before);
  });

  it('commits the page whole or not at all', async () => {
    const { store, deps } = await setup();
    const broken = { ...post('2'), author: null } as unknown as PlatformPost;
    expect(() => ingestPage(deps, source, [post('1'), broken], null)).toThrow();
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
