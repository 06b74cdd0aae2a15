import { afterEach, describe, expect, it } from 'vitest';
import { candidateEntry } from '../../machines/registry.ts';
import { silentLogger } from '../../src/logging.ts';
import { SimulatedClock } from '../../src/runtime/clock.ts';
import { EntityHost } from '../../src/runtime/entityHost.ts';
import { restoreActors } from '../../src/runtime/restore.ts';
import { tempStore } from '../support/tempStore.ts';

/**
 * A snapshot written by an older machine version is upgraded through the registry's
 * `migrate` when the actor is next touched — not quarantined, not misread.
 */
const original = { version: candidateEntry.version, migrate: candidateEntry.migrate };
let cleanup: (() => void) | undefined;
afterEach(() => {
  candidateEntry.version = original.version;
  candidateEntry.migrate = original.migrate;
  cleanup?.();
});

/** A migrated store holding one candidate actor `id` in `discovered`, with its row. */
async function storeWithCandidate(id: string) {
  const t = await tempStore();
  cleanup = t.cleanup;
  const clock = new SimulatedClock();
  const host = new EntityHost(t.store, clock);
  const at = clock.now();
  t.store.tx(() => {
    t.store
      .statement(
        `insert into candidates (id, platform, post_id, author, text, post_created_at, source, consent, state, discovered_at, updated_at)
         values (?, 'sandbox', ?, 'ann', 'hello there', ?, 'mentions:x', 'mention', 'discovered', ?, ?)`,
      )
      .run(id, id, at, at, at);
    host.create('candidate', id, { candidateId: id });
  });
  return { t, clock, host };
}

describe('machine version migration', () => {
  it('upgrades an old snapshot on restore and on the next step', async () => {
    const { t, clock, host } = await storeWithCandidate('c1');
    // Version 2 renamed nothing but needs a new context field with a default.
    candidateEntry.version = original.version + 1;
    candidateEntry.migrate = (from, shape) =>
      from === original.version ? { ...shape, context: { ...shape.context, migratedFrom: from } } : null;

    const report = restoreActors(t.store, clock, silentLogger);
    expect(report.quarantined).toEqual([]);
    expect(report.active).toBe(1);

    const next = t.store.tx(() => host.send('candidate', 'c1', { type: 'EVALUATE' }));
    expect(next.state).toBe('evaluating');
    expect((next.context as unknown as { migratedFrom: number }).migratedFrom).toBe(original.version);
    expect(t.store.statement("select version from actors where id = 'c1'").get()).toEqual({
      version: original.version + 1,
    });
  });

  it('quarantines a snapshot whose version has no way forward', async () => {
    const { t, clock } = await storeWithCandidate('c2');
    candidateEntry.version = original.version + 1;
    candidateEntry.migrate = () => null;
    const report = restoreActors(t.store, clock, silentLogger);
    expect(report.quarantined.map((q) => q.id)).toEqual(['c2']);
    expect(t.store.statement("select count(*) n from events where type = 'actor_quarantined'").get()).toEqual(
      { n: 1 },
    );
  });
});
