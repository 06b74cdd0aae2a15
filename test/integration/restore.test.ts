import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { ActorNotFound } from '../../src/runtime/errors.ts';
import { restoreActors } from '../../src/runtime/restore.ts';
import {
  insertCandidateRow,
  insertPermitChain,
  insertQueueEntryRow,
  permitInput,
} from '../support/fixtures.ts';
import { tempStore } from '../support/tempStore.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const ROOT_TARGET = { exists: true, isRoot: true, inReplyToPostId: null };
const PERMITS = ['p-ok', 'p-json', 'p-machine', 'p-version', 'p-state'];
/** Each permit's chain has its own candidates row (`discovered`), so its own candidate actor. */
const PERMIT_CHAINS = PERMITS.length;
const QUARANTINED_IDS = ['c-state', 'p-json', 'p-machine', 'p-state', 'p-version'];

async function seeded() {
  const t = await tempStore();
  cleanup = t.cleanup;
  const clock = new SimulatedClock();
  const host = new EntityHost(t.store, clock);
  const at = clock.now();
  const queuedCandidate = (id: string) =>
    t.store.tx(() => {
      insertCandidateRow(t.store, id, at);
      insertQueueEntryRow(t.store, {
        id: `q-${id}`,
        candidateId: id,
        tier: 1,
        score: 50,
        expiresAt: at + 3_600_000,
        at,
      });
      host.create('candidate', id, { candidateId: id }, [
        { type: 'EVALUATE' },
        { type: 'QUEUE', queueEntryId: `q-${id}`, tier: 1, score: 50, expiresAt: at + 3_600_000 },
      ]);
    });
  const approvedPermit = (id: string) =>
    t.store.tx(() => {
      const input = permitInput(id, at + 3_600_000);
      insertPermitChain(t.store, input, at);
      host.create('permit', id, input, [{ type: 'SUBMIT' }]);
    });
  for (const id of ['c-ok', 'c-state']) queuedCandidate(id);
  for (const id of PERMITS) approvedPermit(id);
  t.store.tx(() => {
    insertCandidateRow(t.store, 'c-done', at);
    host.create('candidate', 'c-done', { candidateId: 'c-done' }, [
      { type: 'EVALUATE' },
      { type: 'REJECT', reasonCode: 'low_score' },
    ]);
  });
  const corrupt = (sql: string, ...params: unknown[]) => t.store.statement(sql).run(...params);
  // A permit's snapshot is JSON in `actors`: each way it can be unreadable.
  corrupt(`update actors set snapshot = '{"value":"approved","context":{"permitId":' where id = 'p-json'`);
  corrupt(`update actors set machine = 'legacy_permit' where id = 'p-machine'`);
  corrupt(`update actors set version = 99 where id = 'p-version'`);
  corrupt(
    `update actors set state = 'teleported', snapshot = json_set(snapshot, '$.value', 'teleported') where id = 'p-state'`,
  );
  // A candidate's snapshot is its row: the one way it can be unreadable is a state written by
  // a newer build.
  corrupt(`update candidates set state = 'archived_v9' where id = 'c-state'`);
  const logs: { level: number; msg: string; quarantined?: number }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  return { t, clock, host, log, logs };
}

describe('restoreActors', () => {
  it('quarantines corrupt JSON, an unknown machine, an unknown version and an unknown state, and loads the rest', async () => {
    const { t, clock, host, log, logs } = await seeded();
    const report = restoreActors(t.store, clock, log);

    // Every candidates row is a candidate actor: each permit chain's own candidate, still
    // `discovered` in this fixture, is one too.
    expect(report.active).toBe(2 + PERMIT_CHAINS);
    expect(report.byKindState).toEqual({
      'candidate.discovered': PERMIT_CHAINS,
      'candidate.queued': 1,
      'permit.approved': 1,
    });
    const reasons = Object.fromEntries(report.quarantined.map((q) => [q.id, q.reason]));
    const codes = Object.fromEntries(report.quarantined.map((q) => [q.id, q.code]));
    expect(Object.keys(reasons).sort()).toEqual(QUARANTINED_IDS);
    expect(reasons['p-json']).toMatch(/snapshot is not JSON/);
    expect(reasons['p-machine']).toBe('unknown machine legacy_permit');
    expect(reasons['p-version']).toBe('unknown version 99 of permit (current 1)');
    expect(reasons['p-state']).toBe('state teleported is not in permit');
    expect(reasons['c-state']).toBe('state archived_v9 is not in candidate');
    expect(codes['c-state']).toBe('unknown_state');

    const events = t.store
      .statement(
        "select actor_id, severity, data from events where type = 'actor_quarantined' order by actor_id",
      )
      .all() as { actor_id: string; severity: string; data: string }[];
    expect(
      events.map((e) => [e.actor_id, e.severity, (JSON.parse(e.data) as { reason: string }).reason]),
    ).toEqual(QUARANTINED_IDS.map((id) => [id, 'error', reasons[id]]));
    expect(JSON.parse(events.find((e) => e.actor_id === 'c-state')!.data)).toMatchObject({
      kind: 'candidate',
      machine: 'candidate',
      state: 'archived_v9',
      status: 'active',
      code: 'unknown_state',
    });
    // Candidates have no actors rows: only the permits are there, the bad ones marked.
    const statuses = t.store.statement('select id, status from actors order by id').all();
    expect(statuses).toEqual([
      { id: 'p-json', status: 'quarantined' },
      { id: 'p-machine', status: 'quarantined' },
      { id: 'p-ok', status: 'active' },
      { id: 'p-state', status: 'quarantined' },
      { id: 'p-version', status: 'quarantined' },
    ]);
    // A candidate's quarantine is its row: state, reason, and its queue entry out of the queue.
    const candidateRows = t.store
      .statement(
        `select c.id, c.state, c.reason_code as reasonCode, q.status as entry
         from candidates c left join queue_entries q on q.candidate_id = c.id
         where c.id in ('c-ok', 'c-state', 'c-done') order by c.id`,
      )
      .all();
    expect(candidateRows).toEqual([
      { id: 'c-done', state: 'rejected', reasonCode: 'low_score', entry: null },
      { id: 'c-ok', state: 'queued', reasonCode: null, entry: 'queued' },
      { id: 'c-state', state: 'quarantined', reasonCode: 'unknown_state', entry: 'dropped' },
    ]);
    expect(logs.filter((l) => l.level >= 50).map((l) => l.quarantined)).toEqual([QUARANTINED_IDS.length]);

    // every other actor still loads and steps
    expect(
      t.store.tx(() => host.send('candidate', 'c-ok', { type: 'SELECT', schedulerRunId: 'run-1' })).state,
    ).toBe('selected');
    const claimed = t.store.tx(() =>
      host.send('permit', 'p-ok', {
        type: 'CLAIM',
        target: ROOT_TARGET,
        postingDeadlineAt: clock.now() + 60_000,
      }),
    );
    expect(claimed.state).toBe('posting');
    expect(t.store.statement("select state from permits where id = 'p-ok'").get()).toEqual({
      state: 'posting',
    });
  });

  it('a quarantined actor is neither read nor stepped, and is not quarantined twice', async () => {
    const { t, clock, host, log } = await seeded();
    restoreActors(t.store, clock, log);
    expect(host.get('permit', 'p-version')).toBeNull();
    expect(() => t.store.tx(() => host.send('permit', 'p-state', { type: 'EXPIRE' }))).toThrow(ActorNotFound);
    expect(host.get('candidate', 'c-state')).toBeNull();
    expect(() =>
      t.store.tx(() => host.send('candidate', 'c-state', { type: 'SELECT', schedulerRunId: 'run-1' })),
    ).toThrow(ActorNotFound);
    const again = restoreActors(t.store, clock, log);
    expect(again.quarantined).toEqual([]);
    expect(again.active).toBe(2 + PERMIT_CHAINS);
    expect(
      t.store.statement("select count(*) as n from events where type = 'actor_quarantined'").get(),
    ).toEqual({ n: QUARANTINED_IDS.length });
  });
});
