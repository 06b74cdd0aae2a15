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
  for (const id of ['c-ok', 'c-json', 'c-machine']) queuedCandidate(id);
  for (const id of ['p-ok', 'p-version', 'p-state']) approvedPermit(id);
  t.store.tx(() => {
    insertCandidateRow(t.store, 'c-done', at);
    host.create('candidate', 'c-done', { candidateId: 'c-done' }, [
      { type: 'EVALUATE' },
      { type: 'REJECT', reasonCode: 'low_score' },
    ]);
  });
  const corrupt = (sql: string, ...params: unknown[]) => t.store.statement(sql).run(...params);
  corrupt(`update actors set snapshot = '{"value":"queued","context":{"candidateId":' where id = 'c-json'`);
  corrupt(`update actors set machine = 'legacy_candidate' where id = 'c-machine'`);
  corrupt(`update actors set version = 99 where id = 'p-version'`);
  corrupt(
    `update actors set state = 'teleported', snapshot = json_set(snapshot, '$.value', 'teleported') where id = 'p-state'`,
  );
  const logs: { level: number; msg: string; quarantined?: number }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  return { t, clock, host, log, logs };
}

describe('restoreActors', () => {
  it('quarantines corrupt JSON, an unknown machine, an unknown version and an unknown state, and loads the rest', async () => {
    const { t, clock, host, log, logs } = await seeded();
    const report = restoreActors(t.store, clock, log);

    expect(report.active).toBe(2);
    expect(report.byKindState).toEqual({ 'candidate.queued': 1, 'permit.approved': 1 });
    const reasons = Object.fromEntries(report.quarantined.map((q) => [q.id, q.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['c-json', 'c-machine', 'p-state', 'p-version']);
    expect(reasons['c-json']).toMatch(/snapshot is not JSON/);
    expect(reasons['c-machine']).toBe('unknown machine legacy_candidate');
    expect(reasons['p-version']).toBe('unknown version 99 of permit (current 1)');
    expect(reasons['p-state']).toBe('state teleported is not in permit');

    const events = t.store
      .statement(
        "select actor_id, severity, data from events where type = 'actor_quarantined' order by actor_id",
      )
      .all() as { actor_id: string; severity: string; data: string }[];
    expect(
      events.map((e) => [e.actor_id, e.severity, (JSON.parse(e.data) as { reason: string }).reason]),
    ).toEqual(['c-json', 'c-machine', 'p-state', 'p-version'].map((id) => [id, 'error', reasons[id]]));
    const statuses = t.store.statement('select id, status from actors order by id').all();
    expect(statuses).toEqual([
      { id: 'c-done', status: 'done' },
      { id: 'c-json', status: 'quarantined' },
      { id: 'c-machine', status: 'quarantined' },
      { id: 'c-ok', status: 'active' },
      { id: 'p-ok', status: 'active' },
      { id: 'p-state', status: 'quarantined' },
      { id: 'p-version', status: 'quarantined' },
    ]);
    expect(logs.filter((l) => l.level >= 50).map((l) => l.quarantined)).toEqual([4]);

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
    const again = restoreActors(t.store, clock, log);
    expect(again.quarantined).toEqual([]);
    expect(again.active).toBe(2);
    expect(
      t.store.statement("select count(*) as n from events where type = 'actor_quarantined'").get(),
    ).toEqual({ n: 4 });
  });
});
