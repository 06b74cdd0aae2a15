import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { permitMachine } from '../../machines/permit.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { insertPermitChain } from '../support/fixtures.ts';
import { PERMIT_CATALOG, PERMIT_VARIANTS, permitInputFor, T0 } from '../support/modelCatalogs.ts';
import { ManualClock, runPath, scopeIds } from '../support/modelHarness.ts';
import { machineEdges, takenEdge, transitionPaths } from '../support/modelPaths.ts';
import { tempStore } from '../support/tempStore.ts';

const TIMED: Record<string, [string, 'expiresAt' | 'postingDeadlineAt' | 'resolveBy']> = {
  awaiting_approval: ['EXPIRE', 'expiresAt'],
  approved: ['EXPIRE', 'expiresAt'],
  posting: ['POSTING_DEADLINE', 'postingDeadlineAt'],
  unconfirmed: ['UNRESOLVED', 'resolveBy'],
};

describe('permit machine, model-based', () => {
  const edges = machineEdges(permitMachine);
  const plans = PERMIT_VARIANTS.map((variant) => ({
    variant,
    paths: transitionPaths(permitMachine, permitInputFor('p', variant), PERMIT_CATALOG),
  }));

  it.each(PERMIT_VARIANTS)('SUBMIT for $name → $submit', (variant) => {
    const [pending] = initialTransition(permitMachine, permitInputFor('p', variant));
    const [next] = transition(permitMachine, pending, { type: 'SUBMIT' });
    expect([next.value, next.context.reasonCode]).toEqual(variant.submit);
  });

  it('the generated paths, over all inputs, take every transition of the definition', () => {
    const covered = new Set<string>();
    for (const { variant, paths } of plans) {
      for (const path of paths) {
        let [snapshot] = initialTransition(permitMachine, permitInputFor('p', variant));
        for (const event of path) {
          covered.add(takenEdge(permitMachine, snapshot, event)!);
          [snapshot] = transition(permitMachine, snapshot, event);
        }
      }
    }
    const missing = [...edges].filter(([key]) => !covered.has(key)).map(([key, d]) => `${key} ${d}`);
    expect(missing).toEqual([]);
    expect([...covered].filter((key) => !edges.has(key))).toEqual([]);
    expect(edges.size).toBeGreaterThanOrEqual(20);
  });

  describe('through EntityHost on a SQLite file', () => {
    let t: Awaited<ReturnType<typeof tempStore>>;
    beforeAll(async () => {
      t = await tempStore();
    });
    afterAll(() => t.cleanup());

    // Every path of the machine's graph, each step through EntityHost and SQLite: 2-4 s here.
    it('every path agrees at every step: pure snapshot, actor row, permits row, timers, events', {
      timeout: 20_000,
    }, () => {
      const store = t.store;
      const clock = new ManualClock(T0);
      const host = new EntityHost(store, clock);
      const rejectionsChecked = new Set<string>();
      const taken = new Set<string>();
      let walkedSteps = 0;
      for (const { variant, paths } of plans) {
        paths.forEach((path, i) => {
          const id = `${variant.name}-${i}`;
          const input = permitInputFor(id, variant);
          const walked = runPath({
            store,
            host,
            clock,
            kind: 'permit',
            id,
            input,
            events: path.map((e) => scopeIds(e, id)),
            catalog: PERMIT_CATALOG.map((e) => scopeIds(e, id)),
            rejectionsChecked,
            seed: (at) => insertPermitChain(store, input, at),
            expectedTimers(state, context) {
              const timed = TIMED[state];
              const dueAt = timed ? context[timed[1]] : null;
              return timed && typeof dueAt === 'number' ? [{ event: timed[0], dueAt }] : [];
            },
            checkDomain(state, context, trace) {
              const row = store
                .statement(
                  `select state, reason_code, actual_post_id, attempts, target_is_root, target_in_reply_to_post_id,
                     posting_started_at, used_at, expires_at from permits where id = ?`,
                )
                .get(id);
              expect(row, `${id} permits row in ${state}`).toEqual({
                state,
                reason_code: state === 'used' ? null : context.reasonCode,
                actual_post_id: context.actualPostId,
                attempts: context.attempts,
                target_is_root: context.targetIsRoot === null ? null : context.targetIsRoot ? 1 : 0,
                target_in_reply_to_post_id: context.targetInReplyToPostId,
                posting_started_at: trace.enteredAt.get('posting') ?? null,
                used_at: trace.enteredAt.get('used') ?? null,
                expires_at: context.expiresAt,
              });
              if (state === 'used')
                expect(context.actualPostId, `${id} used without a post id`).toEqual(expect.any(String));
            },
          });
          walkedSteps += walked.length;
          for (const edge of walked) taken.add(edge);
        });
      }
      expect([...edges.keys()].filter((key) => !taken.has(key))).toEqual([]);
      expect([...rejectionsChecked].sort()).toEqual([
        'approved',
        'awaiting_approval',
        'expired',
        'failed',
        'pending',
        'posting',
        'rejected',
        'unconfirmed',
        'used',
      ]);
      expect(walkedSteps).toBeGreaterThan(100);
    });
  });
});
