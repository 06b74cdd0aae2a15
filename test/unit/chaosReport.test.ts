import { describe, expect, it } from 'vitest';
import { chaosProblems, chaosSummary, chaosTable } from '../../src/chaos/report.ts';
import type { ChaosResult } from '../../src/chaos/types.ts';
import type { InvariantReport } from '../../src/proof/invariants.ts';

const report: InvariantReport = {
  botPosts: 12,
  usedPermits: 10,
  duplicates: 0,
  unexplainedPosts: [],
  injectedGhosts: 2,
  undetectedGhosts: ['p9'],
  lostPermits: [],
  incompleteTraces: [],
  unbalancedJobs: [],
  sloMismatch: 0,
  forbiddenReplies: [],
  capViolations: [],
  violations: ['undetected ghosts: p9'],
};

const result: ChaosResult = {
  seed: 7,
  keys: 'none',
  visibilityLagMs: 1500,
  counters: {
    kills: 30,
    killsInPosting: 11,
    postingModeKills: 14,
    ghostsInjected: 2,
    lastGhostAt: 0,
    targetsMutated: 4,
    latencyChanges: 3,
    incidents: ['pipeline did not drain within 40 s of SIGTERM'],
  },
  replies: 10,
  ghostsDetected: 1,
  unconfirmed: { total: 5, resolved: 5, found: 3 },
  jobs: [
    { job: 'fetch', started: 9, completed: 7, failed: 2, running: 0 },
    { job: 'poster', started: 9, completed: 7, failed: 1, running: 0 },
  ],
  quiet: true,
  report,
  durationMs: 61_234,
  dir: '/tmp/x',
  ok: false,
};

describe('chaos report', () => {
  it('ends with the one-line summary scripts grep for', () => {
    expect(chaosSummary(result)).toBe(
      'chaos: keys=none visibility_lag_ms=1500 kills=30 duplicates=0 undetected_ghosts=1 lost_permits=0 incomplete_traces=0',
    );
  });

  it('tabulates the run and marks an unbalanced job', () => {
    const table = chaosTable(result);
    expect(table).toContain('| kills inside posting');
    expect(table).toContain('11 (37%)');
    expect(table).toContain('2 / 1');
    expect(table).toContain('fetch 9=7+2+0, poster 9=7+1+0 ✗');
    expect(table).toContain('61.2 s');
  });

  it('lists the checker’s violations and the harness’s incidents', () => {
    expect(chaosProblems(result)).toEqual([
      'undetected ghosts: p9',
      'pipeline did not drain within 40 s of SIGTERM',
    ]);
  });
});
