import { afterEach, describe, expect, it } from 'vitest';
import { PlatformUnavailable } from '../../src/platforms/contract.ts';
import { withOverrides } from '../../src/platforms/delegate.ts';
import { type PipelineFixture, pipelineFixture } from '../support/pipeline.ts';

let fixture: PipelineFixture | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

describe('reconciler', () => {
  it('a failed lookup for one unconfirmed permit does not stop the others (chaos: 42 of 533 runs completed)', async () => {
    let failNext = false;
    fixture = await pipelineFixture({
      platform: (a) =>
        withOverrides(a, {
          ownRepliesTo: async (targetId, since) => {
            if (failNext) {
              failNext = false;
              throw new PlatformUnavailable('HTTP 500');
            }
            return a.ownRepliesTo(targetId, since);
          },
        }),
    });
    fixture.mention('pia_sec');
    fixture.mention('quin_net');
    await fixture.run('fetch');
    fixture.platform.faults.update({ dropResponseRate: 1 });
    for (let i = 0; i < 2; i++) {
      await fixture.run('scheduler');
      await fixture.run('poster');
    }
    fixture.platform.faults.reset();
    const states = () => fixture!.app.store.statement('select state from permits order by created_at').all();
    expect(states()).toEqual([{ state: 'unconfirmed' }, { state: 'unconfirmed' }]);
    failNext = true;
    await fixture.run('reconciler');
    // The second permit's lookup found its reply; the first one's failed, and the same pass's
    // read of the own timeline linked its reply to it all the same.
    expect(states()).toEqual([{ state: 'used' }, { state: 'used' }]);
    expect(
      fixture.app.store.statement("select status, stats from job_runs where job = 'reconciler'").get(),
    ).toMatchObject({ status: 'completed', stats: expect.stringContaining('"lookupErrors":1') });
  });
});
