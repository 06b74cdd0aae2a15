import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { platformRootClaim, type RootFacts, rootStatusOf } from '../../src/policy/rootStatus.ts';
import {
  HELD_BY_CALLER,
  inAuthorCooldown,
  TARGET_REASONS,
  type TargetReason,
  type TargetRecords,
  type TargetVerdictFacts,
  targetVerdict,
} from '../../src/policy/targetVerdict.ts';
import { MINUTE, NOW } from '../support/policyFixtures.ts';

const COOLDOWN = 60 * MINUTE;
const root: RootFacts = { isRoot: true, inReplyToId: null, rootId: 't1', postId: 't1' };
const records: TargetRecords = {
  authorOptedOut: false,
  alreadyReplied: false,
  authorLastRepliedAt: null,
  authorCooldownMs: COOLDOWN,
};

function facts(overrides: Partial<TargetVerdictFacts> = {}, recordOverrides: Partial<TargetRecords> = {}) {
  return { now: NOW, exists: true, root, records: { ...records, ...recordOverrides }, ...overrides };
}

// Each row breaks one rule of an allowed target.
const refusals: [string, TargetReason, TargetVerdictFacts][] = [
  ['deleted or not found', 'target_deleted', facts({ exists: false })],
  ['a permit holds it', 'already_replied', facts({}, { alreadyReplied: true })],
  ['author opted out', 'opted_out', facts({}, { authorOptedOut: true })],
  ['recorded as not root', 'not_root', facts({ root: { ...root, isRoot: false } })],
  ['a reply', 'not_root', facts({ root: { ...root, inReplyToId: 't0' } })],
  ['recorded root, yet a reply', 'not_root', facts({ root: { ...root, isRoot: true, inReplyToId: 't0' } })],
  ['names another root', 'not_root', facts({ root: { ...root, rootId: 't0' } })],
  [
    'names a root without its own id',
    'not_root',
    facts({ root: { isRoot: true, inReplyToId: null, rootId: 't1' } }),
  ],
  ['root unknown', 'root_unknown', facts({ root: { ...root, isRoot: null } })],
  [
    'root unknown, no root id',
    'root_unknown',
    facts({ root: { isRoot: null, inReplyToId: null, rootId: null } }),
  ],
  ['root unknown, nothing said', 'root_unknown', facts({ root: { isRoot: null, inReplyToId: null } })],
  [
    'replied to the author 59 min ago',
    'author_cooldown',
    facts({}, { authorLastRepliedAt: NOW - 59 * MINUTE }),
  ],
  ['last reply in the future (skew)', 'author_cooldown', facts({}, { authorLastRepliedAt: NOW + MINUTE })],
  ['last reply NaN', 'author_cooldown', facts({}, { authorLastRepliedAt: Number.NaN })],
  ['now NaN', 'author_cooldown', facts({ now: Number.NaN }, { authorLastRepliedAt: NOW - 2 * COOLDOWN })],
  ['cooldown NaN', 'author_cooldown', facts({}, { authorCooldownMs: Number.NaN })],
  [
    'cooldown NaN, never replied',
    'author_cooldown',
    facts({}, { authorCooldownMs: Number.NaN, authorLastRepliedAt: null }),
  ],
  ['cooldown negative', 'author_cooldown', facts({}, { authorCooldownMs: -1 })],
];

describe('targetVerdict refuses', () => {
  it.each(refusals)('%s → %s', (_name, reason, f) => {
    expect(targetVerdict(f)).toEqual({ allowed: false, reason });
  });

  it('covers every reason', () => {
    expect(new Set(refusals.map(([, r]) => r))).toEqual(new Set(TARGET_REASONS));
  });

  it.each<[string, TargetVerdictFacts, TargetReason]>([
    [
      'deleted before everything',
      facts({ exists: false, root: { ...root, isRoot: null } }, { alreadyReplied: true }),
      'target_deleted',
    ],
    [
      'already replied before opted out',
      facts({}, { alreadyReplied: true, authorOptedOut: true }),
      'already_replied',
    ],
    [
      'opted out before root',
      facts({ root: { ...root, isRoot: null } }, { authorOptedOut: true }),
      'opted_out',
    ],
    [
      'root before cooldown',
      facts({ root: { ...root, isRoot: false } }, { authorLastRepliedAt: NOW }),
      'not_root',
    ],
  ])('in order: %s', (_name, f, reason) => {
    expect(targetVerdict(f)).toEqual({ allowed: false, reason });
  });
});

describe('targetVerdict allows', () => {
  it.each<[string, TargetVerdictFacts]>([
    ['an existing root, never replied', facts()],
    ['cooldown just over', facts({}, { authorLastRepliedAt: NOW - COOLDOWN })],
    ['no cooldown configured', facts({}, { authorCooldownMs: 0, authorLastRepliedAt: NOW })],
    ['held by the caller: records not asked', facts({ records: HELD_BY_CALLER })],
  ])('%s', (_name, f) => {
    expect(targetVerdict(f)).toEqual({ allowed: true });
  });

  it('held by the caller still refuses a deleted or non-root target', () => {
    expect(targetVerdict(facts({ records: HELD_BY_CALLER, exists: false }))).toMatchObject({
      reason: 'target_deleted',
    });
    expect(
      targetVerdict(facts({ records: HELD_BY_CALLER, root: { isRoot: null, inReplyToId: null } })),
    ).toMatchObject({
      reason: 'root_unknown',
    });
  });
});

describe('platformRootClaim', () => {
  it.each<[string, { postId: string; inReplyToId: string | null; rootId: string | null }, boolean | null]>([
    ['names itself as root', { postId: 't1', inReplyToId: null, rootId: 't1' }, true],
    ['a reply', { postId: 't1', inReplyToId: 't0', rootId: 't1' }, false],
    ['names another root', { postId: 't1', inReplyToId: null, rootId: 't0' }, false],
    ['says nothing', { postId: 't1', inReplyToId: null, rootId: null }, null],
  ])('%s → %s', (_name, post, claim) => {
    expect(platformRootClaim(post)).toBe(claim);
  });
});

const maybeTime = fc.oneof(
  fc.constant(null),
  fc.integer({ min: NOW - 300 * MINUTE, max: NOW + 10 * MINUTE }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);
const id = fc.constantFrom('t0', 't1', 't2');
const rootFacts: fc.Arbitrary<RootFacts> = fc.record(
  {
    isRoot: fc.constantFrom(true, false, null),
    inReplyToId: fc.option(id),
    rootId: fc.option(id),
    postId: id,
  },
  { requiredKeys: ['isRoot', 'inReplyToId'] },
);
const verdictFacts: fc.Arbitrary<TargetVerdictFacts> = fc.record({
  now: fc.oneof(fc.constant(NOW), fc.constant(Number.NaN)),
  exists: fc.boolean(),
  root: rootFacts,
  records: fc.oneof(
    fc.constant(HELD_BY_CALLER),
    fc.record({
      authorOptedOut: fc.boolean(),
      alreadyReplied: fc.boolean(),
      authorLastRepliedAt: maybeTime,
      authorCooldownMs: fc.oneof(fc.integer({ min: 0, max: 120 * MINUTE }), fc.constantFrom(Number.NaN, -1)),
    }),
  ),
});

describe('targetVerdict properties', () => {
  it('never allows what a rule forbids', () => {
    fc.assert(
      fc.property(verdictFacts, (f) => {
        if (!targetVerdict(f).allowed) return;
        expect(f.exists).toBe(true);
        expect(f.root.isRoot).toBe(true);
        expect(f.root.inReplyToId).toBeNull();
        if (f.root.rootId != null) expect(f.root.rootId).toBe(f.root.postId);
        if (f.records === HELD_BY_CALLER) return;
        expect(f.records.alreadyReplied).toBe(false);
        expect(f.records.authorOptedOut).toBe(false);
        expect(f.records.authorCooldownMs).toBeGreaterThanOrEqual(0);
        const last = f.records.authorLastRepliedAt;
        if (last !== null) expect(f.now - last).toBeGreaterThanOrEqual(f.records.authorCooldownMs);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses with the first failing reason, and only an unknown root is root_unknown', () => {
    fc.assert(
      fc.property(verdictFacts, (f) => {
        const verdict = targetVerdict(f);
        if (verdict.allowed) return;
        if (verdict.reason === 'root_unknown') expect(rootStatusOf(f.root)).toBe('root_unknown');
        if (verdict.reason !== 'target_deleted') expect(f.exists).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('a cooldown that has passed never blocks, and a NaN anywhere in it always does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 * MINUTE }),
        fc.integer({ min: 0, max: 300 * MINUTE }),
        (cooldown, ago) => {
          expect(inAuthorCooldown(NOW, NOW - ago, cooldown)).toBe(ago < cooldown);
          expect(inAuthorCooldown(NOW, Number.NaN, cooldown)).toBe(true);
          expect(inAuthorCooldown(Number.NaN, NOW - ago, cooldown)).toBe(true);
          expect(inAuthorCooldown(NOW, NOW - ago, Number.NaN)).toBe(true);
        },
      ),
    );
  });
});
