import { afterEach, describe, expect, it } from 'vitest';
import { EVENT } from '../../src/events.ts';
import { OutcomeUnknown } from '../../src/platforms/contract.ts';
import { withOverrides } from '../../src/platforms/delegate.ts';
import { checkInvariants } from '../../src/proof/invariants.ts';
import { type PipelineFixture, pipelineFixture } from '../support/pipeline.ts';

/** The old system's failure modes (what the system replywright replaces suffered), as named tests. */
let fixture: PipelineFixture | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

const count = (f: PipelineFixture, sql: string, ...params: unknown[]) =>
  (f.app.store.statement(sql).get(...params) as { n: number }).n;

const botReplies = (f: PipelineFixture, target: string) =>
  f.platform
    .groundTruth({ author: f.app.config.REPLYWRIGHT_ACCOUNT })
    .filter((p) => p.inReplyToId === target);

function truth(f: PipelineFixture) {
  return f.platform.groundTruth().map((p) => ({ ...p }));
}

describe('seed failure modes', () => {
  it('a fetch that hangs ends as fetch_failed with reason timeout', async () => {
    fixture = await pipelineFixture({
      platform: (a) => withOverrides(a, { mentions: () => new Promise<never>(() => {}) }),
    });
    await fixture.run('fetch');
    const run = fixture.app.store.statement("select status, reason from job_runs where job = 'fetch'").get();
    expect(run).toEqual({ status: 'failed', reason: 'timeout' });
    expect(count(fixture, "select count(*) n from events where type = 'fetch_started'")).toBe(1);
    expect(count(fixture, "select count(*) n from events where type = 'fetch_failed'")).toBe(1);
    expect(count(fixture, "select count(*) n from events where type = 'fetch_completed'")).toBe(0);
  });

  it('a target whose root is unknown is never permitted (fail closed)', async () => {
    fixture = await pipelineFixture({
      platform: (a) =>
        withOverrides(a, {
          getPost: async (id: string) => {
            const post = await a.getPost(id);
            return post && { ...post, rootId: null };
          },
        }),
    });
    const target = fixture.mention('carol_dev');
    await fixture.cycle();
    expect(count(fixture, 'select count(*) n from permits')).toBe(0);
    expect(fixture.app.store.statement('select state, reason_code from candidates').get()).toEqual({
      state: 'rejected',
      reason_code: 'target_not_root',
    });
    expect(botReplies(fixture, target)).toHaveLength(0);
  });

  it('a decision without a root id cannot be permitted', async () => {
    fixture = await pipelineFixture();
    const { store, host } = fixture.app;
    const permit = store.tx(() =>
      host.create(
        'permit',
        'pm_test',
        {
          permitId: 'pm_test',
          candidateId: 'c_x',
          decisionId: 'd_x',
          approvalMode: 'auto',
          targetIsRoot: true,
          targetInReplyToPostId: null,
          targetRootPostId: null,
          expiresAt: fixture!.clock.now() + 60_000,
        },
        [{ type: 'SUBMIT' }],
      ),
    );
    expect(permit.state).toBe('rejected');
    expect(permit.context.reasonCode).toBe('missing_root_id');
  });

  it('an injected ghost is detected within one reconciler pass', async () => {
    fixture = await pipelineFixture();
    const ghost = fixture.platform.faults.ghost('root');
    await fixture.run('reconciler');
    const rows = fixture.app.store.statement('select post_id as postId, kind from ghosts').all();
    expect(rows).toEqual([{ postId: ghost.id, kind: 'unexplained_post' }]);
    const event = fixture.app.store
      .statement('select severity, post_id as postId from events where type = ?')
      .get(EVENT.ghostDetected);
    expect(event).toEqual({ severity: 'critical', postId: ghost.id });
    await fixture.run('reconciler');
    expect(count(fixture, 'select count(*) n from events where type = ?', EVENT.ghostDetected)).toBe(1);
  });

  it('a post whose response was dropped is found, not posted again', async () => {
    fixture = await pipelineFixture();
    const target = fixture.mention('dana_ops');
    await fixture.run('fetch');
    await fixture.run('scheduler');
    fixture.platform.faults.update({ dropResponseRate: 1 });
    await fixture.run('poster');
    expect(fixture.app.store.statement('select state from permits').get()).toEqual({ state: 'unconfirmed' });
    fixture.platform.faults.reset();
    await fixture.clock.advance(31_000);
    await fixture.run('reconciler');
    await fixture.run('poster');
    expect(fixture.app.store.statement('select state from permits').get()).toEqual({ state: 'used' });
    expect(botReplies(fixture, target)).toHaveLength(1);
    const report = checkInvariants(fixture.app.store, truth(fixture), {
      account: 'replywright_bot',
      now: fixture.clock.now(),
    });
    expect(report.violations).toEqual([]);
  });

  it('an unknown outcome proven absent is retried once under the same permit and key', async () => {
    fixture = await pipelineFixture({
      platform: (a) => {
        let failures = 1;
        return withOverrides(a, {
          createReply: async (request) => {
            if (failures-- > 0) throw new OutcomeUnknown('socket hang up');
            return a.createReply(request);
          },
        });
      },
    });
    const target = fixture.mention('erin_pm');
    await fixture.run('fetch');
    await fixture.run('scheduler');
    await fixture.run('poster');
    expect(fixture.app.store.statement('select state, attempts from permits').get()).toEqual({
      state: 'unconfirmed',
      attempts: 1,
    });
    await fixture.run('reconciler');
    expect(fixture.app.store.statement('select state from permits').get()).toEqual({ state: 'unconfirmed' });
    // Past the posting deadline and the channel's response timeout, an empty lookup proves
    // absence here: the sandbox remembers keys for good and the API channel sends the permit's,
    // so the retry cannot post twice (without keys it takes two lookups: exactlyOnce.test.ts).
    await fixture.clock.advance(41_000);
    await fixture.run('reconciler');
    expect(fixture.app.store.statement('select state from permits').get()).toEqual({ state: 'approved' });
    await fixture.run('poster');
    expect(fixture.app.store.statement('select state, attempts from permits').get()).toEqual({
      state: 'used',
      attempts: 2,
    });
    expect(botReplies(fixture, target)).toHaveLength(1);
    expect(botReplies(fixture, target)[0]?.idempotencyKey).toBe(
      (fixture.app.store.statement('select idempotency_key as k from permits').get() as { k: string }).k,
    );
  });

  it('an opt-out that arrives while a permit is unconfirmed is honoured before the retry (sim seed 43)', async () => {
    fixture = await pipelineFixture();
    const target = fixture.mention('frank_ux');
    await fixture.run('fetch');
    await fixture.run('scheduler');
    fixture.platform.faults.update({ errorRate: 0 });
    const drop = fixture.platform.faults.update({ dropResponseRate: 0 });
    expect(drop.dropResponseRate).toBe(0);
    // Make the first post attempt's outcome unknown without posting: an error after the durable claim.
    const store = fixture.app.store;
    store.tx(() =>
      fixture!.app.host.send(
        'permit',
        (store.statement('select id from permits').get() as { id: string }).id,
        {
          type: 'CLAIM',
          target: { exists: true, isRoot: true, inReplyToPostId: null },
          postingDeadlineAt: fixture!.clock.now() + 30_000,
        },
      ),
    );
    store.tx(() =>
      fixture!.app.host.send(
        'permit',
        (store.statement('select id from permits').get() as { id: string }).id,
        {
          type: 'OUTCOME_UNKNOWN',
          reasonCode: 'outcome_unknown',
          resolveBy: fixture!.clock.now() + 600_000,
        },
      ),
    );
    const bot = fixture.app.config.REPLYWRIGHT_ACCOUNT;
    const mine = fixture.platform.createPost({
      author: bot,
      text: 'An earlier reply of ours',
      inReplyToId: null,
    }).post;
    fixture.platform.createPost({ author: 'frank_ux', text: `@${bot} stop`, inReplyToId: mine.id });
    await fixture.run('fetch');
    await fixture.clock.advance(41_000);
    await fixture.run('reconciler');
    await fixture.run('poster');
    expect(store.statement('select state, reason_code from permits').get()).toEqual({
      state: 'rejected',
      reason_code: 'opted_out',
    });
    expect(botReplies(fixture, target)).toHaveLength(0);
  });

  it('two queued posts of one author are not both answered within the cooldown (sim seed 28)', async () => {
    fixture = await pipelineFixture({ env: { REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: '60' } });
    fixture.mention('olga_pm', '@replywright_bot first question: how do permits expire in manual mode?');
    fixture.mention('olga_pm', '@replywright_bot second question: what happens to a reply after a crash?');
    await fixture.run('fetch');
    expect(count(fixture, "select count(*) n from candidates where state = 'queued'")).toBe(2);
    await fixture.run('scheduler');
    await fixture.run('scheduler');
    await fixture.run('poster');
    expect(count(fixture, 'select count(*) n from permits')).toBe(1);
    expect(
      fixture.app.store.statement("select reason_code from candidates where state = 'rejected'").get(),
    ).toEqual({
      reason_code: 'author_cooldown',
    });
  });

  it('the kill switch stops new permits and posts within one tick', async () => {
    fixture = await pipelineFixture();
    fixture.mention('gina_sre');
    fixture.mention('hank_qa');
    await fixture.run('fetch');
    await fixture.run('scheduler');
    fixture.app.controls.pause('test');
    await fixture.run('poster');
    await fixture.run('scheduler');
    expect(count(fixture, "select count(*) n from permits where state = 'used'")).toBe(0);
    expect(count(fixture, 'select count(*) n from permits')).toBe(1);
    expect(
      fixture.app.store.statement('select reason from slo_events order by id desc limit 1').get(),
    ).toEqual({ reason: 'paused' });
    fixture.app.controls.resume('test');
    await fixture.run('poster');
    expect(count(fixture, "select count(*) n from permits where state = 'used'")).toBe(1);
  });

  it('a generator failure releases the candidate and still writes exactly one SLO event', async () => {
    fixture = await pipelineFixture({
      generator: {
        name: 'broken',
        generate: async () => {
          throw new Error('model unavailable');
        },
      },
    });
    fixture.mention('ivy_data');
    await fixture.run('fetch');
    await fixture.run('scheduler');
    await fixture.run('scheduler');
    expect(fixture.app.store.statement('select state from candidates').get()).toEqual({ state: 'queued' });
    expect(
      fixture.app.store.statement('select reason, count(*) n from slo_events group by reason').all(),
    ).toEqual([{ reason: 'generation_failed', n: 2 }]);
    expect(count(fixture, "select count(*) n from job_runs where job = 'scheduler'")).toBe(2);
  });

  it('a reply to a target turned into a reply after discovery is refused before posting', async () => {
    fixture = await pipelineFixture();
    const target = fixture.mention('jack_infra');
    await fixture.run('fetch');
    await fixture.run('scheduler');
    fixture.platform.ensureUser({ handle: 'kim_docs', displayName: 'Kim' });
    const parent = fixture.platform.createPost({
      author: 'kim_docs',
      text: 'An unrelated conversation root',
    }).post;
    fixture.platform.reparent(target, parent.id);
    await fixture.run('poster');
    const permit = fixture.app.store
      .statement('select state, reason_code from permits where target_post_id = ?')
      .get(target);
    expect(permit).toEqual({ state: 'rejected', reason_code: 'target_not_root' });
    expect(botReplies(fixture, target)).toHaveLength(0);
  });
});
