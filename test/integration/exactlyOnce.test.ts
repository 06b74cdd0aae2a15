import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createPreClickCheck } from '../../src/jobs/preClickCheck.ts';
import type { PostAttempt, ReplyChannel } from '../../src/jobs/replyChannel.ts';
import { backupDatabase, restoreDatabase } from '../../src/maintenance/backup.ts';
import { OutcomeUnknown } from '../../src/platforms/contract.ts';
import { withOverrides } from '../../src/platforms/delegate.ts';
import { diagnose } from '../../src/proof/diagnosis.ts';
import { type PipelineFixture, pipelineFixture } from '../support/pipeline.ts';

/**
 * Exactly-once without the platform's help (issue: restore re-posts, absence judged while a
 * click is in flight, outcomes not tied to their attempt, rules bound only at grant time). The
 * sandbox here keeps no idempotency keys unless a test says otherwise, as on X.
 */
let fixture: PipelineFixture | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

const BOT = 'replywright_bot';
const repliesTo = (f: PipelineFixture, target: string) =>
  f.platform.groundTruth({ author: BOT }).filter((p) => p.inReplyToId === target);
const one = <T>(f: PipelineFixture, sql: string) => f.app.store.statement(sql).get() as T;

async function untilQuiet(f: PipelineFixture, rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await f.clock.advance(20_000);
    await f.run('reconciler');
    await f.run('poster');
    f.app.fireTimers();
  }
}

describe('restore and rollback (scenario 1)', () => {
  for (const how of ['npm run restore', 'a raw copy (Litestream that lost its last second)'] as const) {
    it(`a backup taken while the candidate was queued, restored with ${how}, never replies twice`, async () => {
      fixture = await pipelineFixture();
      fixture.platform.behaviour.update({ idempotency: 'none' });
      const target = fixture.mention('mona_qa');
      await fixture.run('fetch');
      const backup = join(fixture.path, '..', 'backup.db');
      await backupDatabase(fixture.path, backup);
      await fixture.run('scheduler');
      await fixture.run('poster');
      expect(repliesTo(fixture, target)).toHaveLength(1);

      await fixture.reboot(async () => {
        if (how === 'npm run restore') await restoreDatabase(backup, fixture!.path);
        else {
          for (const side of ['-wal', '-shm']) rmSync(`${fixture!.path}${side}`, { force: true });
          copyFileSync(backup, fixture!.path);
        }
      });
      expect(one<{ state: string }>(fixture, 'select state from candidates')).toEqual({ state: 'queued' });
      for (let i = 0; i < 4; i++) await fixture.cycle();
      await untilQuiet(fixture);
      expect(repliesTo(fixture, target)).toHaveLength(1);
    });
  }

  it('the first boot after npm run restore reconciles with the platform before any post', async () => {
    fixture = await pipelineFixture();
    const target = fixture.mention('rita_ml');
    await fixture.run('fetch');
    await fixture.run('scheduler');
    const backup = join(fixture.path, '..', 'backup.db');
    await backupDatabase(fixture.path, backup);
    await fixture.run('poster');
    await fixture.reboot(async () => {
      await restoreDatabase(backup, fixture!.path);
    });
    // The restored permit is `approved` again; its reply is already out there.
    expect(one<{ state: string }>(fixture, 'select state from permits')).toEqual({ state: 'approved' });
    await fixture.run('poster');
    expect(one<{ state: string }>(fixture, 'select state from permits')).toEqual({ state: 'approved' });
    expect(diagnose(fixture.app.store, { now: fixture.clock.now(), windowMs: 1_800_000 }).code).toBe(
      'restore_reconcile_pending',
    );
    await fixture.run('reconciler');
    expect(
      one<{ state: string; n: number }>(
        fixture,
        "select state, (select count(*) from events where type = 'restore_reconciled') as n from permits",
      ),
    ).toEqual({ state: 'used', n: 1 });
    expect(one(fixture, "select count(*) as n from events where type = 'existing_reply_found'")).toEqual({
      n: 1,
    });
    expect(repliesTo(fixture, target)).toHaveLength(1);
  });
});

describe('honest absence (scenario 3)', () => {
  /** A browser-like click: starts 1 s before the posting deadline, commits 1.5 s after the browser gave up. */
  function lateCommitChannel(
    f: () => PipelineFixture,
  ): (deps: Parameters<typeof createPreClickCheck>[0]) => ReplyChannel {
    return (deps) => {
      const beforeClick = createPreClickCheck(deps);
      return {
        name: 'browser',
        responseTimeoutMs: 5_000,
        carriesKey: false,
        async send(permit: PostAttempt) {
          const { clock, platform } = f();
          const deadline = (deps.host.get('permit', permit.permitId)?.context.postingDeadlineAt ?? 0) - 1_000;
          await clock.advanceTo(deadline);
          if (!(await beforeClick(permit))) throw new Error('pre-click check failed');
          clock.setTimeout(() => {
            platform.createPost({
              author: BOT,
              text: permit.text,
              inReplyToId: permit.targetPostId,
              origin: 'web',
            });
          }, 6_500);
          await clock.sleep(5_000);
          throw new OutcomeUnknown('click response timed out');
        },
      };
    };
  }

  it('a click at deadline − 1 s whose commit lands 1.5 s after the response timeout is never retried', async () => {
    fixture = await pipelineFixture({ channel: (deps) => lateCommitChannel(() => fixture!)(deps) });
    fixture.platform.behaviour.update({ idempotency: 'none', visibilityLagMs: 1_500 });
    const target = fixture.mention('sam_dev');
    await fixture.clock.advance(2_000);
    await fixture.run('fetch');
    await fixture.run('scheduler');
    // The click outlives the poster run's own deadline: the run fails, the posting deadline
    // timer turns the permit `unconfirmed`, and the click's answer comes too late to matter.
    await fixture.run('poster').catch(() => {});
    fixture.app.fireTimers();
    expect(one(fixture, 'select state from permits')).toEqual({ state: 'unconfirmed' });
    await untilQuiet(fixture);
    expect(repliesTo(fixture, target)).toHaveLength(1);
    expect(one(fixture, 'select state, attempts from permits')).toEqual({ state: 'used', attempts: 1 });
  });

  it('one empty lookup is not proof: absence needs a second one a visibility lag later', async () => {
    fixture = await pipelineFixture({
      platform: (a) =>
        withOverrides(a, { capabilities: () => ({ ...a.capabilities(), visibilityLagMs: 10_000 }) }),
    });
    fixture.platform.behaviour.update({ idempotency: 'none' });
    fixture.mention('tess_ops');
    await fixture.run('fetch');
    await fixture.run('scheduler');
    const id = one<{ id: string }>(fixture, 'select id from permits').id;
    fixture.app.store.tx(() => {
      fixture!.app.host.send('permit', id, {
        type: 'CLAIM',
        target: { exists: true, isRoot: true, inReplyToPostId: null },
        postingDeadlineAt: fixture!.clock.now() + 30_000,
      });
      fixture!.app.host.send('permit', id, {
        type: 'OUTCOME_UNKNOWN',
        reasonCode: 'outcome_unknown',
        resolveBy: fixture!.clock.now() + 600_000,
      });
    });
    // deadline 30 s + response timeout 10 s + lag 10 s
    await fixture.clock.advance(49_000);
    await fixture.run('reconciler');
    expect(one(fixture, 'select state from permits')).toEqual({ state: 'unconfirmed' });
    await fixture.clock.advance(2_000);
    await fixture.run('reconciler');
    expect(one(fixture, 'select state from permits')).toEqual({ state: 'unconfirmed' });
    await fixture.clock.advance(9_000);
    await fixture.run('reconciler');
    expect(one(fixture, 'select state from permits')).toEqual({ state: 'unconfirmed' });
    await fixture.clock.advance(1_000);
    await fixture.run('reconciler');
    expect(one(fixture, 'select state from permits')).toEqual({ state: 'approved' });
  });

  it('a late answer of attempt 1 does not decide attempt 2, and a late post is recorded as a duplicate, never dropped', async () => {
    let release: ((value: { postId: string }) => void) | undefined;
    let attempts = 0;
    fixture = await pipelineFixture({
      channel: (deps) => ({
        name: 'api',
        responseTimeoutMs: 1_000,
        carriesKey: false,
        send: (permit) => {
          attempts++;
          if (attempts === 1) return new Promise((resolve) => (release = resolve));
          return deps.platform.createReply({
            ...permit,
            targetId: permit.targetPostId,
            idempotencyKey: `${permit.idempotencyKey}-${attempts}`,
          });
        },
      }),
    });
    fixture.platform.behaviour.update({ idempotency: 'none' });
    const target = fixture.mention('uma_pm');
    await fixture.run('fetch');
    await fixture.run('scheduler');
    const firstRun = fixture.app.runOnce('poster').catch(() => undefined);
    await fixture.clock.advance(31_000);
    fixture.app.fireTimers();
    expect(one(fixture, 'select state from permits')).toEqual({ state: 'unconfirmed' });
    await untilQuiet(fixture);
    expect(one(fixture, 'select state, attempts from permits')).toEqual({ state: 'used', attempts: 2 });
    // Attempt 1's answer arrives at last: it did post. Recorded, critically, not dropped.
    const late = fixture.platform.createPost({ author: BOT, text: 'late', inReplyToId: target }).post;
    release?.({ postId: late.id });
    await firstRun;
    expect(
      one(
        fixture,
        "select count(*) as n from events where type = 'duplicate_reply' and severity = 'critical'",
      ),
    ).toEqual({ n: 1 });
    expect(
      one(fixture, `select kind, permit_id is not null as linked from ghosts where post_id = '${late.id}'`),
    ).toEqual({ kind: 'unexplained_post', linked: 1 });
  });
});

describe('rules bind when a reply is spent (scenario 4)', () => {
  it('manual mode, quiet hours 22:00–06:00, spacing 300 s: three permits approved at 22:30 wait, then post 300 s apart', async () => {
    fixture = await pipelineFixture({
      start: Date.UTC(2026, 0, 9, 20, 0, 0),
      env: {
        REPLYWRIGHT_APPROVAL: 'manual',
        REPLYWRIGHT_QUIET_HOURS: '22:00-06:00',
        REPLYWRIGHT_MIN_SPACING_SEC: '300',
        REPLYWRIGHT_APPROVAL_TTL_MIN: '1440',
      },
    });
    for (const who of ['ann_a', 'bob_b', 'cyd_c']) fixture.mention(who);
    await fixture.run('fetch');
    for (let i = 0; i < 3; i++) {
      await fixture.run('scheduler');
      await fixture.clock.advance(300_000);
    }
    const ids = (
      fixture.app.store.statement("select id from permits where state = 'awaiting_approval'").all() as {
        id: string;
      }[]
    ).map((r) => r.id);
    expect(ids).toHaveLength(3);
    await fixture.clock.advanceTo(Date.UTC(2026, 0, 9, 22, 30, 0));
    for (const id of ids) fixture.app.deps.controls.approvePermit(id, 'operator');
    for (let i = 0; i < 3; i++) await fixture.run('poster');
    expect(fixture.platform.groundTruth({ author: BOT })).toHaveLength(0);
    const latestPoster = fixture.app.store
      .statement("select stats from job_runs where job = 'poster' order by started_at desc limit 1")
      .get() as { stats: string };
    expect(JSON.parse(latestPoster.stats)).toMatchObject({ skipped: 'quiet_hours', posted: 0 });
    expect(diagnose(fixture.app.store, { now: fixture.clock.now(), windowMs: 3 * 3_600_000 })).toMatchObject({
      code: 'poster_waiting',
      blocking: 'Poster waiting: quiet_hours',
    });
    await fixture.clock.advanceTo(Date.UTC(2026, 0, 10, 6, 0, 0));
    for (let i = 0; i < 30; i++) {
      await fixture.run('poster');
      await fixture.clock.advance(60_000);
    }
    const times = fixture.platform.groundTruth({ author: BOT }).map((p) => p.createdAt);
    expect(times).toHaveLength(3);
    expect(times[0]).toBeGreaterThanOrEqual(Date.UTC(2026, 0, 10, 6, 0, 0));
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(300_000);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(300_000);
  });

  it('a permit whose expiry passed while it waited expires with a reason, never posts', async () => {
    fixture = await pipelineFixture({
      env: { REPLYWRIGHT_QUIET_HOURS: '12:00-13:00' },
      start: Date.UTC(2026, 0, 9, 11, 59, 0),
    });
    fixture.mention('dee_d');
    await fixture.run('fetch');
    await fixture.run('scheduler');
    await fixture.clock.advance(60_000);
    await fixture.run('poster');
    expect(one(fixture, 'select state from permits')).toEqual({ state: 'approved' });
    fixture.app.store.statement('update permits set expires_at = ?').run(fixture.clock.now());
    await fixture.clock.advance(3_600_000);
    await fixture.run('poster');
    expect(one(fixture, 'select state, reason_code from permits')).toEqual({
      state: 'expired',
      reason_code: 'permit_ttl',
    });
    expect(fixture.platform.groundTruth({ author: BOT })).toHaveLength(0);
  });
});
