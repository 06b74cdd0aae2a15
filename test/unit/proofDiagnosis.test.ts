import { afterEach, describe, expect, it } from 'vitest';
import { type DiagnosisCode, diagnose } from '../../src/proof/diagnosis.ts';
import {
  MIN,
  ProofFixture,
  REPORT_NOW,
  seedHealthyState,
  seedStarvedState,
} from '../support/proofFixtures.ts';
import { tempStore } from '../support/tempStore.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const NOW = REPORT_NOW;
const WINDOW = { now: NOW, windowMs: 30 * MIN };

async function fixture() {
  const t = await tempStore();
  cleanup = t.cleanup;
  return new ProofFixture(t.store);
}

/** A pipeline that runs but has a full queue and one permit in flight. */
function running(f: ProofFixture) {
  for (const ago of [28, 21, 14, 7]) f.jobRun('fetch', NOW - ago * MIN);
  const queued = Array.from({ length: 12 }, (_, i) => {
    const c = f.candidate(NOW - 27 * MIN + i);
    return { c, q: f.queue(c, NOW - 27 * MIN + i, NOW + 40 * MIN) };
  });
  return queued;
}

describe('diagnose', () => {
  const cases: [string, (f: ProofFixture) => void, DiagnosisCode, RegExp][] = [
    [
      'the seed state',
      (f) => seedStarvedState(f),
      'queue_starvation',
      /fetch not completing: 4 started, 1 completed, 0 failed.*few candidates: 4 discovered/,
    ],
    ['a healthy half hour', (f) => seedHealthyState(f), 'none', /healthy: 2 replies posted/],
    ['an empty database', () => {}, 'scheduler_not_running', /no scheduler run started in the last 30m/],
    [
      'the kill switch',
      (f) => {
        seedHealthyState(f);
        f.store
          .statement("insert into controls (key, value, updated_at) values ('paused', 'true', ?)")
          .run(NOW - MIN);
      },
      'paused',
      /kill switch/,
    ],
    [
      'a platform rate limit',
      (f) => {
        seedHealthyState(f);
        f.event('platform_rate_limited', NOW - MIN, { data: { until: NOW + 5 * MIN } });
      },
      'rate_limited',
      /wait 5m/,
    ],
    [
      'an expired rate limit',
      (f) => {
        seedHealthyState(f);
        f.event('platform_rate_limited', NOW - 20 * MIN, { data: { until: NOW - 10 * MIN } });
      },
      'none',
      /healthy/,
    ],
    [
      'fetch runs timing out',
      (f) => {
        f.jobRun('fetch', NOW - 20 * MIN, { status: 'failed', reason: 'timeout' });
        f.jobRun('fetch', NOW - 12 * MIN, { status: 'failed', reason: 'timeout' });
        f.jobRun('fetch', NOW - 6 * MIN, { status: 'failed', reason: 'http_503' });
        f.jobRun('fetch', NOW - 3 * MIN);
        f.idleSchedulerRun(NOW - 2 * MIN, 'queue_empty', 0);
      },
      'fetch_failing',
      /3 of 4 fetch runs failed in 30m \(top: timeout 2, http_503 1\)/,
    ],
    [
      'evaluations rejecting everything',
      (f) => {
        for (const ago of [28, 21, 14, 7]) f.jobRun('fetch', NOW - ago * MIN);
        for (let i = 0; i < 12; i++)
          f.reject(f.candidate(NOW - 20 * MIN), NOW - 20 * MIN, i < 8 ? 'too_old' : 'low_score');
        f.idleSchedulerRun(NOW - 2 * MIN, 'queue_empty', 0);
      },
      'queue_starvation',
      /^evaluations rejected: 12 of 12 \(top: too_old 8, low_score 4\)$/,
    ],
    [
      'entries expiring unpicked',
      (f) => {
        for (const ago of [28, 21, 14, 7]) f.jobRun('fetch', NOW - ago * MIN);
        for (let i = 0; i < 12; i++) {
          const c = f.candidate(NOW - 29 * MIN);
          f.queue(c, NOW - 29 * MIN, NOW - 5 * MIN);
          f.expire(c, NOW - 5 * MIN);
        }
        f.idleSchedulerRun(NOW - 2 * MIN, 'all_expired', 0);
      },
      'queue_starvation',
      /^entries expiring unpicked: 12 expired, 0 selected in 30m$/,
    ],
    [
      'no candidates at all',
      (f) => {
        for (const ago of [28, 21, 14, 7]) f.jobRun('fetch', NOW - ago * MIN);
        f.idleSchedulerRun(NOW - 2 * MIN, 'queue_empty', 0);
      },
      'queue_starvation',
      /^no candidates discovered in 30m$/,
    ],
    [
      'the hourly cap',
      (f) => {
        seedHealthyState(f);
        f.idleSchedulerRun(NOW - MIN, 'cap_reached', 12);
      },
      'cap_reached',
      /2 in the last hour \(cap 6\)/,
    ],
    [
      'quiet hours',
      (f) => {
        seedHealthyState(f);
        f.idleSchedulerRun(NOW - MIN, 'quiet_hours', 12, '22:00-07:00');
      },
      'quiet_hours',
      /quiet hours \(22:00-07:00\)/,
    ],
    [
      'spacing with nothing posted',
      (f) => {
        running(f);
        f.idleSchedulerRun(NOW - 3 * MIN, 'spacing', 12);
      },
      'spacing',
      /minimum spacing/,
    ],
    [
      'a failing generator',
      (f) => {
        running(f);
        f.idleSchedulerRun(NOW - 6 * MIN, 'generation_failed', 12);
        f.event('generation_failed', NOW - 6 * MIN, { data: { errorClass: 'GeneratorTimeout' } });
        f.idleSchedulerRun(NOW - 3 * MIN, 'generation_failed', 12);
        f.event('generation_failed', NOW - 3 * MIN, { data: { errorClass: 'GeneratorTimeout' } });
      },
      'generator_failing',
      /2 of 2 scheduler runs ended generation_failed in 30m \(top: GeneratorTimeout 2\)/,
    ],
    [
      'a policy block',
      (f) => {
        running(f);
        f.idleSchedulerRun(NOW - 3 * MIN, 'policy_blocked', 12, 'banned term');
      },
      'scheduler_blocked',
      /ended policy_blocked \(banned term\)/,
    ],
    [
      'permits rejected by an operator',
      (f) => {
        const [a] = running(f);
        const ids = f.permitted(a!.c, a!.q, NOW - 10 * MIN, 'manual', 11);
        f.store.tx(() => f.host.send('permit', ids.permitId, { type: 'REJECT', reasonCode: 'off_topic' }));
      },
      'permits_rejected',
      /1 permit rejected and none used in 30m \(top: off_topic 1\)/,
    ],
    [
      'a failing poster',
      (f) => {
        const [a, b] = running(f);
        f.postFailed(
          f.permitted(a!.c, a!.q, NOW - 20 * MIN, 'auto', 11),
          NOW - 19 * MIN,
          'PlatformUnavailable',
        );
        f.postFailed(
          f.permitted(b!.c, b!.q, NOW - 10 * MIN, 'auto', 10),
          NOW - 9 * MIN,
          'PlatformUnavailable',
        );
      },
      'poster_failing',
      /2 posts failed, 0 succeeded in 30m \(top: PlatformUnavailable 2\)/,
    ],
    [
      'manual approval pending',
      (f) => {
        const [a] = running(f);
        f.permitted(a!.c, a!.q, NOW - 10 * MIN, 'manual', 11);
      },
      'awaiting_approval',
      /1 permit wait for an operator/,
    ],
  ];

  it.each(cases)('%s → %s', async (_name, seed, code, cause) => {
    const f = await fixture();
    seed(f);
    const d = diagnose(f.store, { ...WINDOW, lowWatermark: 10, caps: { perHour: 6, perDay: 40 } });
    expect(d.code).toBe(code);
    expect(d.cause).toMatch(cause);
    expect(d.blocking === null).toBe(code === 'none');
  });

  it("names the seed's blocking reason and its evidence", async () => {
    const f = await fixture();
    seedStarvedState(f);
    const d = diagnose(f.store, WINDOW);
    expect(d.blocking).toBe('Queue starvation');
    expect(d.evidence).toMatchObject({
      queueSize: 2,
      latestSloReason: 'queue_empty',
      fetch: { started: 4, completed: 1, failed: 0, unfinished: 3 },
      candidates: { discovered: 4, queued: 2, rejected: 2 },
    });
  });

  it('lets the caller state the pause switch', async () => {
    const f = await fixture();
    seedHealthyState(f);
    expect(diagnose(f.store, { ...WINDOW, paused: true }).code).toBe('paused');
  });
});
