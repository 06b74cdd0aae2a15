import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants, type InvariantOptions, type InvariantReport } from '../../src/proof/invariants.ts';
import { type PipelineFixture, pipelineFixture } from '../support/pipeline.ts';

/**
 * Every category the invariant checker reports can turn red: a healthy run holds all of them,
 * then one sabotage per category — of the platform's record or of the DB — must show in that
 * category. A checker that cannot fail proves nothing.
 */
let fixture: PipelineFixture;
const BOT = 'replywright_bot';

beforeAll(async () => {
  fixture = await pipelineFixture();
  for (const who of ['ann_a', 'bob_b']) fixture.mention(who);
  for (let i = 0; i < 3; i++) await fixture.cycle();
});
afterAll(() => fixture.cleanup());

function check(extra: Partial<InvariantOptions> = {}): InvariantReport {
  const truth = fixture.platform.groundTruth().map((p) => ({ ...p }));
  return checkInvariants(fixture.app.store, truth, { account: BOT, now: fixture.clock.now(), ...extra });
}

/** Runs `sabotage` inside a transaction that is rolled back (DB) or undone (platform) afterwards. */
function withSabotage(sabotage: () => void, undo: () => void = () => {}): InvariantReport {
  const store = fixture.app.store;
  let report: InvariantReport | undefined;
  try {
    store.tx(() => {
      sabotage();
      report = check();
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  } finally {
    undo();
  }
  return report!;
}
class Rollback extends Error {}

const sql = (text: string) => fixture.app.store.statement(text).run();

describe('invariant checker: one negative per category', () => {
  it('holds on the healthy run', () => {
    const report = check({ caps: { perHour: 10, perDay: 100, minSpacingMs: 0 } });
    expect(report.usedPermits).toBe(2);
    expect(report.violations).toEqual([]);
  });

  it.each<[keyof InvariantReport, () => void]>([
    [
      'lostPermits',
      () => sql("update permits set state = 'pending' where rowid = (select min(rowid) from permits)"),
    ],
    ['incompleteTraces', () => sql("delete from events where type = 'posting_success'")],
    [
      'unbalancedJobs',
      () =>
        sql(
          "delete from events where rowid = (select min(rowid) from events where type = 'fetch_completed')",
        ),
    ],
    ['sloMismatch', () => sql('delete from slo_events where rowid = (select min(rowid) from slo_events)')],
    ['forbiddenReplies', () => sql("update permits set target_is_root = 0 where state = 'used'")],
    [
      'unexplainedPosts',
      () =>
        sql(
          "update permits set actual_post_id = 'nowhere' where rowid = (select min(rowid) from permits where state = 'used')",
        ),
    ],
  ])('%s turns red when the DB is tampered with', (category, sabotage) => {
    const report = withSabotage(sabotage);
    const value = report[category];
    expect(Array.isArray(value) ? value.length : value).not.toBe(0);
    expect(report.violations.length).toBeGreaterThan(0);
  });

  it('duplicates: a second reply of the account to one target', () => {
    const target = fixture.platform.groundTruth({ author: BOT })[0]!.inReplyToId!;
    const extra = fixture.platform.createPost({ author: BOT, text: 'again', inReplyToId: target }).post;
    const report = check();
    fixture.platform.deletePost(extra.id);
    expect(report.duplicates).toBe(1);
  });

  it('undetectedGhosts: an injected ghost the reconciler never saw', () => {
    const ghost = fixture.platform.faults.ghost('root');
    const report = check();
    fixture.platform.deletePost(ghost.id);
    expect(report.undetectedGhosts).toEqual([ghost.id]);
  });

  it.each<[string, InvariantOptions['caps']]>([
    ['hourly cap', { perHour: 1, perDay: 100, minSpacingMs: 0 }],
    ['daily cap', { perHour: 100, perDay: 1, minSpacingMs: 0 }],
    ['spacing', { perHour: 100, perDay: 100, minSpacingMs: 3_600_000 }],
    ['author cooldown', { perHour: 100, perDay: 100, minSpacingMs: 0, authorCooldownMs: 1 }],
    [
      'quiet hours',
      { perHour: 100, perDay: 100, minSpacingMs: 0, quietHours: { from: '00:00', to: '23:59' } },
    ],
  ])('capViolations: %s measured by the posts’ own times', (name, caps) => {
    if (name === 'author cooldown') {
      // Both replies answer different authors: make one author the other's by reparenting in truth.
      const [a, b] = fixture.platform.groundTruth({ author: BOT });
      const truth = fixture.platform
        .groundTruth()
        .map((p) =>
          p.id === b!.inReplyToId ? { ...p, author: fixture.platform.getPost(a!.inReplyToId!)!.author } : p,
        );
      const report = checkInvariants(fixture.app.store, truth, {
        account: BOT,
        now: fixture.clock.now(),
        caps: { ...caps!, authorCooldownMs: 24 * 3_600_000 },
      });
      expect(report.capViolations.join()).toContain('author cooldown');
      return;
    }
    expect(check({ caps }).capViolations.length).toBeGreaterThan(0);
  });
});
