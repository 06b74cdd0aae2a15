import { afterEach, describe, expect, it } from 'vitest';
import { latestPostedPermitId, traceChain } from '../../src/proof/traceChain.ts';
import { MIN, ProofFixture, REPORT_NOW, seedHealthyState } from '../support/proofFixtures.ts';
import { tempStore } from '../support/tempStore.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function fixture() {
  const t = await tempStore();
  cleanup = t.cleanup;
  return new ProofFixture(t.store);
}

const failing = (chain: ReturnType<typeof traceChain>) =>
  chain?.checks.filter((c) => !c.pass).map((c) => c.name);

describe('traceChain', () => {
  it('links every step of a posted reply, by permit id or by post id', async () => {
    const f = await fixture();
    const { posted } = seedHealthyState(f);
    const ids = posted[0]!;
    const chain = traceChain(f.store, ids.permitId)!;
    expect(chain.complete).toBe(true);
    expect(chain.links.candidate?.id).toBe(ids.candidateId);
    expect(chain.links.queueEntry).toMatchObject({ id: ids.queueEntryId, status: 'done' });
    expect(chain.links.schedulerRun).toMatchObject({
      id: ids.schedulerRunId,
      status: 'completed',
      sloReason: 'posted',
    });
    expect(chain.links.decision?.id).toBe(ids.decisionId);
    expect(chain.links.permit).toMatchObject({ state: 'used', pipelineSource: 'scheduler', targetIsRoot: 1 });
    expect(chain.links.post?.id).toBe(ids.postId);
    expect(chain.events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'scheduler_started',
        'permit_posting',
        'post_reply_click_attempt',
        'permit_used',
        'posting_success',
      ]),
    );
    expect(traceChain(f.store, ids.postId!)?.permitId).toBe(ids.permitId);
  });

  it('returns null for an unknown id', async () => {
    const f = await fixture();
    expect(traceChain(f.store, 'permit_nope')).toBeNull();
  });

  it('names each failed check of an incomplete chain', async () => {
    const f = await fixture();
    const { posted } = seedHealthyState(f);
    const ids = posted[0]!;
    f.store
      .statement("delete from events where type = 'posting_success' and permit_id = ?")
      .run(ids.permitId);
    f.store
      .statement("update permits set pipeline_source = 'fallback', target_is_root = null where id = ?")
      .run(ids.permitId);
    const chain = traceChain(f.store, ids.permitId);
    expect(chain?.complete).toBe(false);
    expect(failing(chain)).toEqual([
      "pipeline_source = 'scheduler'",
      'target_is_root = 1',
      'events include posting_success',
    ]);
  });

  it('marks a permit that was never posted as incomplete', async () => {
    const f = await fixture();
    const c = f.candidate(REPORT_NOW - 10 * MIN);
    const q = f.queue(c, REPORT_NOW - 10 * MIN, REPORT_NOW + 30 * MIN);
    const ids = f.permitted(c, q, REPORT_NOW - 9 * MIN);
    expect(failing(traceChain(f.store, ids.permitId))).toEqual([
      "permit.state = 'used'",
      'posted post id recorded',
      'events include post_reply_click_attempt',
      'events include posting_success',
    ]);
  });

  it('finds the latest used permit', async () => {
    const f = await fixture();
    const { posted } = seedHealthyState(f);
    expect(latestPostedPermitId(f.store)).toBe(posted[1]!.permitId);
    expect(latestPostedPermitId(f.store, REPORT_NOW)).toBeNull();
  });
});
