import { afterEach, describe, expect, it } from 'vitest';
import { capBudget } from '../../src/proof/funnel.ts';
import { type PipelineFixture, pipelineFixture } from '../support/pipeline.ts';

let fixture: PipelineFixture | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

describe('cap budget', () => {
  it('counts what the scheduler counts: permits awaiting approval are replies on their way', async () => {
    fixture = await pipelineFixture({
      env: { REPLYWRIGHT_APPROVAL: 'manual', REPLYWRIGHT_CAP_PER_HOUR: '2' },
    });
    for (const author of ['sam_a', 'tia_b', 'uma_c']) fixture.mention(author);
    await fixture.run('fetch');
    for (let i = 0; i < 3; i++) await fixture.run('scheduler');
    const reasons = fixture.app.store.statement('select reason from slo_events order by id').all();
    expect(reasons).toEqual([
      { reason: 'awaiting_approval' },
      { reason: 'awaiting_approval' },
      { reason: 'cap_reached' },
    ]);
    const budget = capBudget(fixture.app.store, fixture.clock.now(), { perHour: 2, perDay: 40 });
    expect(budget.perHour).toEqual({ cap: 2, used: 2, left: 0 });
    expect(budget.nextHourlySlotAt).toBeGreaterThan(fixture.clock.now());
  });
});
