import { afterEach, describe, expect, it } from 'vitest';
import { candidateEntry, permitEntry } from '../../machines/registry.ts';
import { silentLogger } from '../../src/logging.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { restoreActors } from '../../src/runtime/restore.ts';
import { insertPermitChain, permitInput } from '../support/fixtures.ts';
import { tempStore } from '../support/tempStore.ts';

/**
 * A snapshot written by an older machine version is upgraded through the registry's
 * `migrate` when the actor is next touched — not quarantined, not misread. Only kinds whose
 * snapshot is JSON in `actors` (permits) have versions: a candidate's snapshot is its
 * `candidates` row, whose shape changes by schema migration (see
 * candidateSnapshotMigration.test.ts).
 */
const original = {
  permit: { version: permitEntry.version, migrate: permitEntry.migrate },
  candidate: { version: candidateEntry.version, migrate: candidateEntry.migrate },
};
let cleanup: (() => void) | undefined;
afterEach(() => {
  permitEntry.version = original.permit.version;
  permitEntry.migrate = original.permit.migrate;
  candidateEntry.version = original.candidate.version;
  candidateEntry.migrate = original.candidate.migrate;
  cleanup?.();
});

/** A migrated store holding one permit actor `id` in `pending`, with its chain's rows. */
async function storeWithPermit(id: string) {
  const t = await tempStore();
  cleanup = t.cleanup;
  const clock = new SimulatedClock();
  const host = new EntityHost(t.store, clock);
  const at = clock.now();
  t.store.tx(() => {
    const input = permitInput(id, at + 3_600_000);
    insertPermitChain(t.store, input, at);
    host.create('permit', id, input);
  });
  return { t, clock, host };
}

describe('machine version migration', () => {
  it('upgrades an old snapshot on restore and on the next step', async () => {
    const { t, clock, host } = await storeWithPermit('p1');
    // Version 2 renamed nothing but needs a new context field with a default.
    permitEntry.version = original.permit.version + 1;
    permitEntry.migrate = (from, shape) =>
      from === original.permit.version
        ? { ...shape, context: { ...shape.context, migratedFrom: from } }
        : null;

    const report = restoreActors(t.store, clock, silentLogger);
    expect(report.quarantined).toEqual([]);
    // The chain's candidate (a candidates row, `discovered`) is an actor too.
    expect(report.byKindState).toEqual({ 'permit.pending': 1, 'candidate.discovered': 1 });

    const next = t.store.tx(() => host.send('permit', 'p1', { type: 'SUBMIT' }));
    expect(next.state).toBe('approved');
    expect((next.context as unknown as { migratedFrom: number }).migratedFrom).toBe(original.permit.version);
    expect(t.store.statement("select version from actors where id = 'p1'").get()).toEqual({
      version: original.permit.version + 1,
    });
  });

  it('quarantines a snapshot whose version has no way forward', async () => {
    const { t, clock } = await storeWithPermit('p2');
    permitEntry.version = original.permit.version + 1;
    permitEntry.migrate = () => null;
    const report = restoreActors(t.store, clock, silentLogger);
    expect(report.quarantined.map((q) => q.id)).toEqual(['p2']);
    expect(t.store.statement("select state, reason_code from permits where id = 'p2'").get()).toEqual({
      state: 'quarantined',
      reason_code: 'unknown_version',
    });
    expect(t.store.statement("select count(*) n from events where type = 'actor_quarantined'").get()).toEqual(
      { n: 1 },
    );
  });

  it("a candidate is read from its row whatever its machine's version: no snapshot `migrate` runs on it", async () => {
    const { t, clock, host } = await storeWithPermit('p3');
    candidateEntry.version = original.candidate.version + 1;
    candidateEntry.migrate = () => null;
    const report = restoreActors(t.store, clock, silentLogger);
    expect(report.quarantined).toEqual([]);
    const evaluated = t.store.tx(() => host.send('candidate', 'c-p3', { type: 'EVALUATE' }));
    expect(evaluated.state).toBe('evaluating');
    expect(t.store.statement("select count(*) n from actors where kind = 'candidate'").get()).toEqual({
      n: 0,
    });
  });
});
