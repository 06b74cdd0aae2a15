import { afterEach, describe, expect, it } from 'vitest';
import { queueHead } from '../../src/jobs/queue.ts';
import { seededRandom } from '../../src/runtime/random.ts';
import { insertCandidateRow, insertQueueEntryRow } from '../support/fixtures.ts';
import { tempStore } from '../support/tempStore.ts';

/**
 * queueHead walks index `queue_pick` probe by probe instead of sorting the queue; it must
 * still name exactly the entry the plain ORDER BY names — ties, expired entries, other
 * statuses and tiers emptied by expiry included.
 */
const NAIVE = `select q.id from queue_entries q
  where q.status = 'queued' and q.expires_at > ?
  order by q.tier asc, q.score desc, q.expires_at asc, q.id asc limit 1`;

let cleanup: () => void = () => {};
afterEach(() => cleanup());

describe('queueHead', () => {
  it.each([1, 2, 3, 4, 5])(
    'picks what ORDER BY tier, score desc, expires_at, id picks (seed %i)',
    async (seed) => {
      const t = await tempStore();
      cleanup = t.cleanup;
      const { store } = t;
      const random = seededRandom(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
      store.tx(() => {
        for (let i = 0; i < 400; i++) {
          const candidateId = `c${i}`;
          insertCandidateRow(store, candidateId, 0);
          insertQueueEntryRow(store, {
            id: `q${String(Math.floor(random() * 50)).padStart(2, '0')}-${i}`,
            candidateId,
            tier: pick([1, 2, 3, 4]),
            score: pick([35, 50, 50.5, 70, 88.8, 100]),
            expiresAt: pick([100, 200, 300, 400, 500]),
            at: 0,
          });
        }
        store.statement("update queue_entries set status = 'selected' where rowid % 7 = 0").run();
      });
      for (const now of [0, 99, 100, 250, 399, 450, 499, 500]) {
        const expected = (store.statement(NAIVE).get(now) as { id: string } | undefined)?.id ?? null;
        expect(queueHead(store, now)?.queueEntryId ?? null).toBe(expected);
      }
    },
  );

  it('steps over a lower tier whose entries all expired, and returns the joined candidate fields', async () => {
    const t = await tempStore();
    cleanup = t.cleanup;
    const { store } = t;
    store.tx(() => {
      insertCandidateRow(store, 'old', 0, { postId: 'p-old' });
      insertQueueEntryRow(store, {
        id: 'q-old',
        candidateId: 'old',
        tier: 1,
        score: 99,
        expiresAt: 10,
        at: 0,
      });
      insertCandidateRow(store, 'live', 0, { postId: 'p-live' });
      insertQueueEntryRow(store, {
        id: 'q-live',
        candidateId: 'live',
        tier: 3,
        score: 40,
        expiresAt: 1000,
        at: 0,
      });
    });
    expect(queueHead(store, 5)?.queueEntryId).toBe('q-old');
    expect(queueHead(store, 20)).toMatchObject({
      queueEntryId: 'q-live',
      candidateId: 'live',
      postId: 'p-live',
      tier: 3,
      score: 40,
    });
    expect(queueHead(store, 1000)).toBeNull();
  });
});
