import { afterEach, describe, expect, it } from 'vitest';
import { withOverrides } from '../../src/platforms/delegate.ts';
import { checkInvariants } from '../../src/proof/invariants.ts';
import { type PipelineFixture, pipelineFixture } from '../support/pipeline.ts';

/**
 * The checker must be able to fail: a platform that ignores idempotency keys and lookups
 * (own replies, own timeline) that never find anything turn a dropped response into a second reply,
 * and the checker reports it.
 */
let fixture: PipelineFixture | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

describe('invariant checker under sabotage', () => {
  it('reports the duplicate reply a blind retry makes', async () => {
    let calls = 0;
    fixture = await pipelineFixture({
      platform: (a) =>
        withOverrides(a, {
          createReply: (r) => a.createReply({ ...r, idempotencyKey: `${r.idempotencyKey}-${calls++}` }),
          ownRepliesTo: async () => [],
          ownTimeline: async () => [],
        }),
    });
    fixture.mention('mona_qa');
    await fixture.run('fetch');
    await fixture.run('scheduler');
    fixture.platform.faults.update({ dropResponseRate: 1 });
    await fixture.run('poster');
    fixture.platform.faults.reset();
    await fixture.clock.advance(41_000);
    await fixture.run('reconciler');
    await fixture.run('reconciler');
    await fixture.run('poster');
    const truth = fixture.platform.groundTruth();
    const report = checkInvariants(fixture.app.store, truth, {
      account: 'replywright_bot',
      now: fixture.clock.now(),
    });
    expect(report.duplicates).toBe(1);
    expect(report.unexplainedPosts).toHaveLength(1);
    expect(report.violations.length).toBeGreaterThan(0);
  });

  it('reports a used permit whose trace lost a link', async () => {
    fixture = await pipelineFixture();
    fixture.mention('rita_ml');
    await fixture.cycle();
    const truth = () => fixture!.platform.groundTruth();
    const check = () =>
      checkInvariants(fixture!.app.store, truth(), { account: 'replywright_bot', now: fixture!.clock.now() });
    expect(check().usedPermits).toBe(1);
    expect(check().incompleteTraces).toEqual([]);
    fixture.app.store.tx(() =>
      fixture!.app.store.statement("delete from events where type = 'posting_success'").run(),
    );
    expect(check().incompleteTraces).toHaveLength(1);
    expect(check().incompleteTraces[0]).toContain('posting_success');
  });
});
