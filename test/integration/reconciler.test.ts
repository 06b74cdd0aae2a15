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
    let failNext = true;
    fixture = await pipelineFixture({
      platform: (a) =>
        withOverrides(a, {
          findReply: async (request) => {
            if (failNext) {
              failNext = false;
              throw new PlatformUnavailable('HTTP 500');
            }
            return a.findReply(request);
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
    await fixture.run('reconciler');
    expect(states()).toEqual([{ state: 'unconfirmed' }, { state: 'used' }]);
    expect(fixture.app.store.statement("select status from job_runs where job = 'reconciler'").get()).toEqual({
      status: 'completed',
    });
    await fixture.run('reconciler');
    expect(states()).toEqual([{ state: 'used' }, { state: 'used' }]);
  });
});
