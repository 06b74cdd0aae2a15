import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { type PermitEvent, type PermitInput, permitMachine, type TargetFacts } from '../../machines/permit.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { insertPermitChain, permitInput } from '../support/fixtures.ts';
import { ManualClock, runPath, scopeIds } from '../support/modelHarness.ts';
import { machineEdges, takenEdge, transitionPaths } from '../support/modelPaths.ts';
import { tempStore } from '../support/tempStore.ts';

const T0 = Date.UTC(2026, 0, 9, 12);
const HOUR = 3_600_000;

const target = (exists: boolean, isRoot: boolean | null, inReplyToPostId: string | null): TargetFacts => ({
  exists,
  isRoot,
  inReplyToPostId,
});

/**
 * Payloads chosen to drive every guard: CLAIM with the target gone, not root (three ways: a
 * reply, said not root, unknown) and root; the attempts guard is driven by repeating
 * CLAIM → OUTCOME_UNKNOWN → ABSENT until attempts run out.
 */
const CATALOG: PermitEvent[] = [
  { type: 'SUBMIT' },
  { type: 'APPROVE' },
  { type: 'REJECT', reasonCode: 'operator_rejected' },
  { type: 'EXPIRE' },
  { type: 'CLAIM', target: target(false, true, null), postingDeadlineAt: T0 + HOUR },
  { type: 'CLAIM', target: target(true, true, 'parent-post'), postingDeadlineAt: T0 + HOUR },
  { type: 'CLAIM', target: target(true, false, null), postingDeadlineAt: T0 + HOUR },
  { type: 'CLAIM', target: target(true, null, null), postingDeadlineAt: T0 + HOUR },
  { type: 'CLAIM', target: target(true, true, null), postingDeadlineAt: T0 + HOUR },
  { type: 'POSTED', postId: 'reply' },
  { type: 'POST_FAILED', reasonCode: 'platform_post_invalid' },
  { type: 'POST_DEFERRED', reasonCode: 'platform_rate_limited' },
  { type: 'OUTCOME_UNKNOWN', reasonCode: 'timeout', resolveBy: T0 + 2 * HOUR },
  { type: 'POSTING_DEADLINE', resolveBy: T0 + 3 * HOUR },
  { type: 'FOUND', postId: 'reply' },
  { type: 'ABSENT' },
  { type: 'UNRESOLVED' },
];

/** Inputs that drive SUBMIT's guards (missing root id / not root / manual / auto), with the outcome each must get. */
const VARIANTS: { name: string; input: Partial<PermitInput>; submit: [string, string | null] }[] = [
  { name: 'auto-root', input: {}, submit: ['approved', null] },
  { name: 'manual-root', input: { approvalMode: 'manual' }, submit: ['awaiting_approval', null] },
  { name: 'missing-root-id', input: { targetRootPostId: null }, submit: ['rejected', 'missing_root_id'] },
  { name: 'said-not-root', input: { targetIsRoot: false }, submit: ['rejected', 'target_not_root'] },
  { name: 'root-unknown', input: { targetIsRoot: null }, submit: ['rejected', 'target_not_root'] },
  { name: 'a-reply', input: { targetInReplyToPostId: 'parent-post' }, submit: ['rejected', 'target_not_root'] },
  { name: 'manual-unknown', input: { approvalMode: 'manual', targetIsRoot: null }, submit: ['rejected', 'target_not_root'] },
];

const inputFor = (id: string, variant: (typeof VARIANTS)[number]) => permitInput(id, T0 + HOUR / 2, variant.input);

const TIMED: Record<string, [string, 'expiresAt' | 'postingDeadlineAt' | 'resolveBy']> = {
  awaiting_approval: ['EXPIRE', 'expiresAt'],
  approved: ['EXPIRE', 'expiresAt'],
  posting: ['POSTING_DEADLINE', 'postingDeadlineAt'],
  unconfirmed: ['UNRESOLVED', 'resolveBy'],
};

describe('permit machine, model-based', () => {
  const edges = machineEdges(permitMachine);
  const plans = VARIANTS.map((variant) => ({
    variant,
    paths: transitionPaths(permitMachine, inputFor('p', variant), CATALOG),
  }));

  it.each(VARIANTS)('SUBMIT for $name → $submit', (variant) => {
    const [pending] = initialTransition(permitMachine, inputFor('p', variant));
    const [next] = transition(permitMachine, pending, { type: 'SUBMIT' });
    expect([next.value, next.context.reasonCode]).toEqual(variant.submit);
  });

  it('the generated paths, over all inputs, take every transition of the definition', () => {
    const covered = new Set<string>();
    for (const { variant, paths } of plans) {
      for (const path of paths) {
        let [snapshot] = initialTransition(permitMachine, inputFor('p', variant));
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

    it('every path agrees at every step: pure snapshot, actor row, permits row, timers, events', () => {
      const store = t.store;
      const clock = new ManualClock(T0);
      const host = new EntityHost(store, clock);
      const rejectionsChecked = new Set<string>();
      const taken = new Set<string>();
      let walkedSteps = 0;
      for (const { variant, paths } of plans) {
        paths.forEach((path, i) => {
          const id = `${variant.name}-${i}`;
          const input = inputFor(id, variant);
          const walked = runPath({
            store,
            host,
            clock,
            kind: 'permit',
            id,
            input,
            events: path.map((e) => scopeIds(e, id)),
            catalog: CATALOG.map((e) => scopeIds(e, id)),
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
              if (state === 'used') expect(context.actualPostId, `${id} used without a post id`).toEqual(expect.any(String));
            },
          });
          walkedSteps += walked.length;
          for (const edge of walked) taken.add(edge);
        });
      }
      expect([...edges.keys()].filter((key) => !taken.has(key))).toEqual([]);
      expect([...rejectionsChecked].sort()).toEqual(
        ['approved', 'awaiting_approval', 'expired', 'failed', 'pending', 'posting', 'rejected', 'unconfirmed', 'used'],
      );
      expect(walkedSteps).toBeGreaterThan(100);
    });
  });
});
