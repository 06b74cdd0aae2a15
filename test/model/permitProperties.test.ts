import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import {
  type PermitContext,
  type PermitEvent,
  type PermitInput,
  permitMachine,
} from '../../machines/permit.ts';
import { PERMIT } from '../../machines/stateGroups.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { insertPermitChain } from '../support/fixtures.ts';
import { ManualClock } from '../support/modelHarness.ts';
import { tempStore } from '../support/tempStore.ts';

const T0 = Date.UTC(2026, 0, 9, 12);
const DAY = 86_400_000;
const ALL_STATES = Object.values(PERMIT);

const time = fc.integer({ min: T0, max: T0 + DAY });
const reasonCode = fc.constantFrom('rate_limited', 'invalid', 'operator');
const postId = fc.constantFrom('reply-1', 'reply-2');
const rootness = fc.oneof(
  { arbitrary: fc.constant(true), weight: 4 },
  { arbitrary: fc.constantFrom(false, null), weight: 1 },
);
const inReplyTo = fc.oneof(
  { arbitrary: fc.constant(null), weight: 4 },
  { arbitrary: fc.constant('parent'), weight: 1 },
);

const inputArb: fc.Arbitrary<Omit<PermitInput, 'permitId' | 'candidateId' | 'decisionId'>> = fc.record({
  approvalMode: fc.constantFrom('auto', 'manual'),
  targetIsRoot: rootness,
  targetInReplyToPostId: inReplyTo,
  targetRootPostId: fc.oneof(
    { arbitrary: fc.constant('root'), weight: 4 },
    { arbitrary: fc.constant(null), weight: 1 },
  ),
  expiresAt: time,
  maxAttempts: fc.integer({ min: 1, max: 4 }),
});

/** Weighted so that runs get past approval and posting often; finishing events are rarer. */
const eventArb: fc.Arbitrary<PermitEvent> = fc.oneof(
  { arbitrary: fc.constant<PermitEvent>({ type: 'SUBMIT' }), weight: 3 },
  { arbitrary: fc.constant<PermitEvent>({ type: 'APPROVE' }), weight: 3 },
  { arbitrary: reasonCode.map((r): PermitEvent => ({ type: 'REJECT', reasonCode: r })), weight: 1 },
  { arbitrary: fc.constant<PermitEvent>({ type: 'EXPIRE' }), weight: 1 },
  {
    arbitrary: fc
      .record({
        exists: fc.oneof(
          { arbitrary: fc.constant(true), weight: 4 },
          { arbitrary: fc.constant(false), weight: 1 },
        ),
        isRoot: rootness,
        inReplyToPostId: inReplyTo,
      })
      .chain((target) =>
        time.map((postingDeadlineAt): PermitEvent => ({ type: 'CLAIM', target, postingDeadlineAt })),
      ),
    weight: 5,
  },
  { arbitrary: postId.map((p): PermitEvent => ({ type: 'POSTED', postId: p })), weight: 2 },
  { arbitrary: reasonCode.map((r): PermitEvent => ({ type: 'POST_FAILED', reasonCode: r })), weight: 1 },
  { arbitrary: reasonCode.map((r): PermitEvent => ({ type: 'POST_DEFERRED', reasonCode: r })), weight: 3 },
  {
    arbitrary: fc
      .tuple(reasonCode, time)
      .map(([r, t]): PermitEvent => ({ type: 'OUTCOME_UNKNOWN', reasonCode: r, resolveBy: t })),
    weight: 3,
  },
  { arbitrary: time.map((t): PermitEvent => ({ type: 'POSTING_DEADLINE', resolveBy: t })), weight: 2 },
  { arbitrary: postId.map((p): PermitEvent => ({ type: 'FOUND', postId: p })), weight: 2 },
  { arbitrary: fc.constant<PermitEvent>({ type: 'ABSENT' }), weight: 4 },
  { arbitrary: fc.constant<PermitEvent>({ type: 'UNRESOLVED' }), weight: 1 },
);

const knownRoot = (input: Pick<PermitInput, 'targetIsRoot' | 'targetInReplyToPostId' | 'targetRootPostId'>) =>
  input.targetIsRoot === true && input.targetInReplyToPostId === null && input.targetRootPostId !== null;

const ctx = (s: AnyMachineSnapshot) => s.context as PermitContext;
const view = (s: AnyMachineSnapshot) => ({ value: s.value, context: s.context });

/** Every invariant of one step `prev --event--> next` of a permit made from `input`. */
function checkStep(
  input: PermitInput,
  prev: AnyMachineSnapshot,
  event: PermitEvent,
  next: AnyMachineSnapshot,
): void {
  const from = prev.value as string;
  const to = next.value as string;
  const step = `${from} --${JSON.stringify(event)}--> ${to}`;
  if (!prev.can(event)) expect(view(next), `${step}: not accepted, nothing changes`).toEqual(view(prev));
  if (prev.status === 'done') expect(view(next), `${step}: terminal states absorb`).toEqual(view(prev));

  if (to === 'used')
    expect(ctx(next).actualPostId, `${step}: used has its post id`).toEqual(expect.any(String));
  if (from === 'used') {
    expect(to, `${step}: used never leaves used`).toBe('used');
    expect(ctx(next).actualPostId).toBe(ctx(prev).actualPostId);
  }
  if (to === 'used' && from !== 'used') {
    expect(
      [`${from}:${event.type}`],
      `${step}: only POSTED or FOUND (a reply that is on the platform) end a permit as used`,
    ).toEqual([expect.stringMatching(/^(posting:POSTED|unconfirmed:FOUND|approved:FOUND)$/)]);
  }

  if (to === 'posting') {
    expect(knownRoot(input), `${step}: posting needs a known-root target`).toBe(true);
    if (from !== 'posting') {
      expect(event.type).toBe('CLAIM');
      const t = (event as Extract<PermitEvent, { type: 'CLAIM' }>).target;
      expect([t.exists, t.isRoot, t.inReplyToPostId], `${step}: the claim re-checked the target`).toEqual([
        true,
        true,
        null,
      ]);
    }
  }

  expect(ctx(next).attempts, `${step}: attempts`).toBeGreaterThanOrEqual(0);
  expect(ctx(next).attempts, `${step}: attempts never exceed maxAttempts`).toBeLessThanOrEqual(
    ctx(next).maxAttempts,
  );
}

describe('permit properties (any event sequence)', () => {
  // 2,000 runs of up to 40 events, every step checked: about 2 s alone, several times that on
  // a loaded machine.
  it('keeps every invariant in the pure machine', { timeout: 20_000 }, () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(inputArb, fc.array(eventArb, { maxLength: 40 }), (fields, events) => {
        const input: PermitInput = { permitId: 'p', candidateId: 'c', decisionId: 'd', ...fields };
        let [snapshot] = initialTransition(permitMachine, input);
        reached.add(snapshot.value);
        for (const event of events) {
          const [next] = transition(permitMachine, snapshot, event);
          checkStep(input, snapshot, event, next);
          snapshot = next;
          reached.add(snapshot.value);
        }
      }),
      { numRuns: 2_000, seed: 20260109 },
    );
    // the generator is worth something only if the runs reach every state
    expect([...reached].sort()).toEqual([...ALL_STATES].sort());
  });

  describe('through EntityHost on a SQLite file', () => {
    let t: Awaited<ReturnType<typeof tempStore>>;
    beforeAll(async () => {
      t = await tempStore();
    });
    afterAll(() => t.cleanup());

    it('persisted rows keep the same invariants and agree with the pure machine', () => {
      const store = t.store;
      const clock = new ManualClock(T0);
      const host = new EntityHost(store, clock);
      let run = 0;
      fc.assert(
        fc.property(inputArb, fc.array(eventArb, { maxLength: 25 }), (fields, events) => {
          const id = `prop-${run++}`;
          const input: PermitInput = {
            permitId: id,
            candidateId: `c-${id}`,
            decisionId: `d-${id}`,
            ...fields,
          };
          store.tx(() => {
            insertPermitChain(store, input, clock.now());
            host.create('permit', id, input);
          });
          let [snapshot] = initialTransition(permitMachine, input);
          for (const raw of events) {
            const event = 'postId' in raw ? { ...raw, postId: `${id}:${raw.postId}` } : raw;
            clock.at += 1_000;
            const [next] = transition(permitMachine, snapshot, event);
            checkStep(input, snapshot, event, next);
            const stepped = host.trySend('permit', id, event);
            expect(stepped === null, `${id}: host rejects exactly what the machine does not accept`).toBe(
              !snapshot.can(event),
            );
            snapshot = next;
            const row = store
              .statement(
                `select p.state, p.actual_post_id, p.attempts, a.state as actor_state, a.status
                 from permits p join actors a on a.id = p.id where p.id = ?`,
              )
              .get(id) as {
              state: string;
              actual_post_id: string | null;
              attempts: number;
              actor_state: string;
              status: string;
            };
            expect(row, `${id} after ${event.type}`).toEqual({
              state: snapshot.value,
              actual_post_id: ctx(snapshot).actualPostId,
              attempts: ctx(snapshot).attempts,
              actor_state: snapshot.value,
              status: snapshot.status === 'done' ? 'done' : 'active',
            });
          }
        }),
        { numRuns: 60, seed: 7 },
      );
      const used = store
        .statement("select count(*) as n from permits where state = 'used' and actual_post_id is null")
        .get();
      expect(used).toEqual({ n: 0 });
    });
  });
});
