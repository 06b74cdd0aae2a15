import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  authorLastRepliedAt,
  hasHoldingPermit,
  isOptedOut,
  nocaseKey,
  pageFacts,
} from '../../src/jobs/targetFacts.ts';
import { insertPermitChain, permitInput } from '../support/fixtures.ts';
import { tempStore } from '../support/tempStore.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/**
 * Ingest reads a page's facts in four queries (`pageFacts`); the scheduler and the poster read
 * them one at a time. Both must answer alike for any page — names in any case, letters
 * SQLite's NOCASE does not fold (Ä, ß, ı), posts held or not.
 */
const NAMES = [
  'alice',
  'Alice',
  'ALICE',
  'bob',
  'Ärger',
  'ärger',
  'ÄRGER',
  'straße',
  'STRASSE',
  'ıris',
  'Iris',
];
const POSTS = ['target-p1', 'target-p2', 'target-p3', 'post-c9', 'nothing'];

describe('pageFacts', () => {
  it('agrees with the one-at-a-time reads on every page', async () => {
    const t = await tempStore();
    cleanup = t.cleanup;
    const { store } = t;
    store.tx(() => {
      for (const author of ['Alice', 'Ärger', 'straße', 'Iris']) {
        store
          .statement(
            "insert into opt_outs (platform, author, source_post_id, at) values ('sandbox', ?, 'o', 1)",
          )
          .run(author);
      }
      insertPermitChain(store, permitInput('p1', 10_000), 100);
      insertPermitChain(store, permitInput('p2', 10_000), 200);
      insertPermitChain(store, permitInput('p3', 10_000), 300);
      // p3 no longer holds its target; p2's target author is another spelling
      store.statement("update permits set state = 'rejected' where id = 'p3'").run();
      store.statement("update permits set target_author = 'Ärger' where id = 'p2'").run();
      store.statement("update candidates set post_id = 'post-c9' where id = 'c-p1'").run();
    });
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...POSTS), { maxLength: 6 }),
        fc.array(fc.constantFrom(...NAMES), { maxLength: 6 }),
        fc.constantFrom('sandbox', 'elsewhere'),
        (postIds, authors, platform) => {
          const facts = pageFacts(store, platform, postIds, authors);
          for (const author of authors) {
            expect(facts.optedOut.has(nocaseKey(author))).toBe(isOptedOut(store, platform, author));
            expect(facts.lastRepliedAt.get(author) ?? null).toBe(
              authorLastRepliedAt(store, platform, author),
            );
          }
          for (const postId of postIds) {
            expect(facts.held.has(postId)).toBe(hasHoldingPermit(store, platform, postId));
            const seen = store
              .statement('select 1 from candidates where platform = ? and post_id = ?')
              .get(platform, postId);
            expect(facts.seen.has(postId)).toBe(seen !== undefined);
          }
        },
      ),
      { numRuns: 200 },
    );
    // the fixture covers both answers of each fact
    const all = pageFacts(store, 'sandbox', POSTS, NAMES);
    expect([...all.optedOut].sort()).toEqual(['alice', 'iris', 'straße', 'Ärger'].sort());
    expect(all.held).toEqual(new Set(['target-p1', 'target-p2']));
    expect(all.lastRepliedAt).toEqual(
      new Map([
        ['alice', 100],
        ['Ärger', 200],
      ]),
    );
    expect(all.seen).toEqual(new Set(['target-p2', 'target-p3', 'post-c9']));
  });
});
