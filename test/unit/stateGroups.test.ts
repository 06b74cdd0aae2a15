import { describe, expect, it } from 'vitest';
import { candidateMachine } from '../../machines/candidate.ts';
import { permitMachine } from '../../machines/permit.ts';
import { CANDIDATE_GROUPS, PERMIT_GROUPS, sqlList } from '../../machines/stateGroups.ts';

/**
 * Every state of every entity machine, and the groups it must be in. A state added to a
 * machine without being placed here fails the first test; a tag moved fails the second.
 */
const PERMIT_MEMBERSHIP: Record<string, (keyof typeof PERMIT_GROUPS)[]> = {
  pending: ['all', 'open', 'holdsTarget', 'unspent'],
  awaiting_approval: ['all', 'open', 'holdsTarget', 'unspent'],
  approved: ['all', 'open', 'holdsTarget', 'unspent', 'mayPost'],
  posting: ['all', 'open', 'holdsTarget', 'mayPost', 'attempted', 'inFlight'],
  unconfirmed: ['all', 'open', 'holdsTarget', 'mayPost', 'attempted'],
  used: ['all', 'terminal', 'holdsTarget', 'attempted', 'succeeded'],
  rejected: ['all', 'terminal'],
  expired: ['all', 'terminal'],
  failed: ['all', 'terminal'],
  quarantined: ['all', 'terminal', 'holdsTarget'],
};

const CANDIDATE_MEMBERSHIP: Record<string, (keyof typeof CANDIDATE_GROUPS)[]> = {
  discovered: ['all', 'open'],
  evaluating: ['all', 'open'],
  queued: ['all', 'open', 'admitted', 'inQueue'],
  selected: ['all', 'open', 'admitted', 'inQueue', 'picked'],
  decided: ['all', 'open', 'admitted', 'picked'],
  permitted: ['all', 'open', 'admitted'],
  rejected: ['all', 'terminal'],
  expired: ['all', 'terminal'],
  posted: ['all', 'terminal', 'succeeded'],
  failed: ['all', 'terminal'],
  quarantined: ['all', 'terminal'],
};

function membershipOf(groups: Record<string, readonly string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [group, states] of Object.entries(groups)) {
    for (const s of states) {
      out[s] = [...(out[s] ?? []), group];
    }
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

const sorted = (m: Record<string, string[]>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, [...v].sort()]));

describe('state groups come from the machines', () => {
  it('every machine state is classified, and nothing else is', () => {
    expect(Object.keys(PERMIT_MEMBERSHIP).sort()).toEqual(
      [...Object.keys(permitMachine.root.states), 'quarantined'].sort(),
    );
    expect(Object.keys(CANDIDATE_MEMBERSHIP).sort()).toEqual(
      [...Object.keys(candidateMachine.root.states), 'quarantined'].sort(),
    );
  });

  it('each permit state is in exactly the groups it should be', () => {
    expect(membershipOf(PERMIT_GROUPS)).toEqual(sorted(PERMIT_MEMBERSHIP));
  });

  it('each candidate state is in exactly the groups it should be', () => {
    expect(membershipOf(CANDIDATE_GROUPS)).toEqual(sorted(CANDIDATE_MEMBERSHIP));
  });

  it('terminal and open split every machine state', () => {
    for (const groups of [PERMIT_GROUPS, CANDIDATE_GROUPS]) {
      const terminal = new Set<string>(groups.terminal);
      for (const s of groups.open) expect(terminal.has(s)).toBe(false);
      expect(groups.open.length + groups.terminal.length).toBe(groups.all.length);
    }
  });

  it('builds SQL lists only from state names', () => {
    expect(sqlList(PERMIT_GROUPS.attempted)).toBe("('posting', 'unconfirmed', 'used')");
    expect(() => sqlList(["x') or 1=1 --"])).toThrow(/not a state name/);
    expect(() => sqlList([])).toThrow(/empty/);
  });
});
