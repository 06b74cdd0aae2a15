import { type AnyStateMachine, assign, type EventObject, raise, setup } from 'xstate';

/**
 * Machines for the pure-step test. FLAT_FEATURES uses everything a flat plan accepts —
 * guards on context and on the event, named and inline assigns (several in one transition,
 * each reading the context the one before wrote; object and function forms; static values),
 * targetless and reentering transitions, wildcard and partial-wildcard events, tags, a final
 * state — so the flat path is compared with XState's on each. NOT_FLAT holds one machine per
 * feature a flat plan refuses; each must be stepped by XState in full, and still match.
 */
export interface StepCase {
  name: string;
  machine: AnyStateMachine;
  inputs: unknown[];
  catalog: readonly EventObject[];
}

interface Ctx {
  id: string;
  n: number;
  log: string[];
  tag: string | null;
}

type Ev =
  | { type: 'ADD'; by: number }
  | { type: 'GO' }
  | { type: 'AGAIN' }
  | { type: 'BACK' }
  | { type: 'FINISH' }
  | { type: 'OTHER' }
  | { type: 'x.y' };

const flat = setup({
  types: { context: {} as Ctx, events: {} as Ev, input: {} as { id: string } },
  guards: {
    big: ({ event }) => event.type === 'ADD' && event.by > 5,
    few: ({ context }) => context.n < 2,
  },
  actions: {
    bump: assign({ n: ({ context }) => context.n + 1 }),
    note: assign(({ context, event }) => ({ log: [...context.log, event.type] })),
  },
});

const flatFeatures = flat.createMachine({
  id: 'flatFeatures',
  context: ({ input }) => ({ id: input.id, n: 0, log: [], tag: null }),
  initial: 'idle',
  states: {
    idle: {
      tags: ['a'],
      on: {
        ADD: [
          { guard: 'big', target: 'busy', actions: ['bump', 'note', assign({ tag: 'big' })] },
          { actions: ['bump', assign({ tag: ({ context }) => `n=${context.n}` })] },
        ],
        GO: {
          target: 'busy',
          actions: assign({ tag: ({ context, event }) => `${event.type}@${context.n}` }),
        },
        '*': { actions: 'note' },
      },
    },
    busy: {
      tags: ['a', 'b'],
      on: {
        AGAIN: { target: 'busy', reenter: true, actions: 'bump' },
        BACK: { guard: 'few', target: 'idle' },
        FINISH: 'done',
        'x.*': { actions: 'note' },
      },
    },
    done: { type: 'final', tags: ['end'] },
  },
});

const FLAT_EVENTS: Ev[] = [
  { type: 'ADD', by: 1 },
  { type: 'ADD', by: 9 },
  { type: 'GO' },
  { type: 'AGAIN' },
  { type: 'BACK' },
  { type: 'FINISH' },
  { type: 'OTHER' },
  { type: 'x.y' },
];

export const FLAT_FEATURES: StepCase = {
  name: 'flat features',
  machine: flatFeatures,
  inputs: [{ id: 'f' }],
  // XState's own stop event, and every event again on the stopped snapshot it leaves.
  catalog: [...FLAT_EVENTS, { type: 'xstate.stop' }],
};

const simple = setup({
  types: { context: {} as { n: number }, events: {} as { type: 'GO' } | { type: 'BACK' } },
  actions: {
    bump: assign({ n: ({ context }) => context.n + 1 }),
    bumpBy: assign({ n: ({ context }, params: { by: number }) => context.n + params.by }),
  },
});

const GO_BACK: readonly EventObject[] = [{ type: 'GO' }, { type: 'BACK' }];

function notFlat(name: string, machine: AnyStateMachine): StepCase {
  return { name: `not flat: ${name}`, machine, inputs: [undefined], catalog: GO_BACK };
}

export const NOT_FLAT: StepCase[] = [
  notFlat(
    'entry action',
    simple.createMachine({
      context: { n: 0 },
      initial: 'a',
      states: { a: { on: { GO: 'b' } }, b: { entry: 'bump', on: { BACK: 'a' } } },
    }),
  ),
  notFlat(
    'exit action',
    simple.createMachine({
      context: { n: 0 },
      initial: 'a',
      states: { a: { exit: 'bump', on: { GO: 'b' } }, b: { on: { BACK: 'a' } } },
    }),
  ),
  notFlat(
    'nested states',
    simple.createMachine({
      context: { n: 0 },
      initial: 'a',
      states: {
        a: { initial: 'a1', states: { a1: { on: { GO: 'a2' } }, a2: {} }, on: { BACK: '.a1' } },
      },
    }),
  ),
  notFlat(
    'parallel states',
    simple.createMachine({
      context: { n: 0 },
      type: 'parallel',
      states: {
        x: { initial: 'x1', states: { x1: { on: { GO: 'x2' } }, x2: {} } },
        y: { initial: 'y1', states: { y1: { on: { GO: 'y2' } }, y2: {} } },
      },
    }),
  ),
  notFlat(
    'eventless transition',
    simple.createMachine({
      context: { n: 0 },
      initial: 'a',
      states: {
        a: { on: { GO: 'b' } },
        b: { always: { guard: ({ context }) => context.n < 3, target: 'a', actions: 'bump' } },
      },
    }),
  ),
  notFlat(
    'delayed transition',
    simple.createMachine({
      context: { n: 0 },
      initial: 'a',
      states: { a: { on: { GO: 'b' } }, b: { after: { 1000: 'a' }, on: { BACK: 'a' } } },
    }),
  ),
  notFlat(
    'raised event',
    simple.createMachine({
      context: { n: 0 },
      initial: 'a',
      states: {
        a: { on: { GO: { target: 'b', actions: raise({ type: 'BACK' }) } } },
        b: { on: { BACK: { target: 'a', actions: 'bump' } } },
      },
    }),
  ),
  notFlat(
    'parameterised action',
    simple.createMachine({
      context: { n: 0 },
      initial: 'a',
      states: {
        a: { on: { GO: { target: 'b', actions: { type: 'bumpBy', params: { by: 5 } } } } },
        b: { on: { BACK: 'a' } },
      },
    }),
  ),
  notFlat(
    'machine output',
    simple.createMachine({
      context: { n: 0 },
      initial: 'a',
      output: ({ context }) => context.n,
      states: { a: { on: { GO: { target: 'b', actions: 'bump' } } }, b: { type: 'final' } },
    }),
  ),
  notFlat(
    'transition on the root',
    simple.createMachine({
      context: { n: 0 },
      initial: 'a',
      on: { BACK: { target: '.a', actions: 'bump' } },
      states: { a: { on: { GO: 'b' } }, b: {} },
    }),
  ),
];
