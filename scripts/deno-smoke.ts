import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { migrate } from '../db/migrate.ts';
import { candidates, controls } from '../db/schema.ts';
import { openStore } from '../db/store.ts';
import { parseCli, runCli, runIfEntry, UsageError } from '../src/cli/args.ts';
import { silentLogger } from '../src/logging.ts';
import { SimulatedClock } from '../src/runtime/clock.ts';
import { EntityHost } from '../src/runtime/entityHost.ts';
import { restoreActors } from '../src/runtime/restore.ts';

/**
 * The durable core under Deno (node:sqlite behind the store's facade), in two runs over one
 * file DB: the first migrates and persists a candidate actor with its domain rows; the second
 * restores it and steps it once more. Drizzle's selects and transactions go through the facade
 * too. Prints one JSON line per run for test/process/deno.test.ts.
 *
 *   deno run -A --node-modules-dir=manual scripts/deno-smoke.ts <dir>
 */
const USAGE = 'usage: deno run -A --node-modules-dir=manual scripts/deno-smoke.ts <dir>';

export function parse(argv: readonly string[]) {
  const { values, positionals } = parseCli({ options: {}, positionals: 1 }, argv);
  const dir = positionals[0];
  if (values.help !== true && dir === undefined) throw new UsageError('<dir> is required');
  return { help: values.help === true, dir: dir ?? '' };
}

export function main(argv: readonly string[]): Promise<number> {
  return runCli({ name: 'deno-smoke', usage: USAGE, parse, run: ({ dir }) => smoke(dir) }, argv);
}

async function smoke(dir: string): Promise<number> {
  const clock = new SimulatedClock();
  const store = await openStore(join(dir, 'smoke.db'));
  try {
    const applied = migrate(store, () => clock.now()).length;
    const host = new EntityHost(store, clock);
    const existing = store.db.select().from(candidates).where(eq(candidates.id, 'c1')).get();
    if (!existing) {
      const at = clock.now();
      store.tx(() => {
        store.db
          .insert(candidates)
          .values({
            id: 'c1',
            platform: 'sandbox',
            postId: 'post1',
            author: 'alice',
            text: 'hello',
            postCreatedAt: at,
            source: 'mentions',
            consent: 'mention',
            state: 'discovered',
            discoveredAt: at,
            updatedAt: at,
          })
          .run();
        store
          .statement(
            `insert into queue_entries (id, candidate_id, tier, score, status, enqueued_at, expires_at, updated_at)
             values ('q1', 'c1', 1, 80, 'queued', ?, ?, ?)`,
          )
          .run(at, at + 60_000, at);
        host.create('candidate', 'c1', { candidateId: 'c1' }, [
          { type: 'EVALUATE' },
          { type: 'QUEUE', queueEntryId: 'q1', tier: 1, score: 80, expiresAt: at + 60_000 },
        ]);
        // drizzle's db.transaction nested in the store's: a savepoint through the facade
        store.db.transaction((tx) => {
          tx.insert(controls).values({ key: 'smoke', value: 'created', updatedAt: at }).run();
        });
      });
      report({
        run: 'create',
        driver: store.driver.name,
        applied,
        state: host.get('candidate', 'c1')?.state,
      });
      return 0;
    }
    const restored = restoreActors(store, clock, silentLogger);
    const next = store.tx(() => host.send('candidate', 'c1', { type: 'SELECT', schedulerRunId: 'run1' }));
    store.db.transaction((tx) => {
      tx.update(controls)
        .set({ value: 'restored', updatedAt: clock.now() })
        .where(eq(controls.key, 'smoke'))
        .run();
    });
    const row = store.db.select().from(candidates).where(eq(candidates.id, 'c1')).get();
    const queue = store.statement("select status from queue_entries where id = 'q1'").get() as {
      status: string;
    };
    const control = store.db.select().from(controls).where(eq(controls.key, 'smoke')).get();
    const events = store.statement("select type from events where actor_id = 'c1' order by id").all() as {
      type: string;
    }[];
    report({
      run: 'restore',
      driver: store.driver.name,
      applied,
      restored: restored.active,
      quarantined: restored.quarantined.length,
      from: existing.state,
      state: next.state,
      candidateRow: row?.state,
      queueEntry: queue.status,
      control: control?.value,
      events: events.map((e) => e.type),
    });
    return 0;
  } finally {
    store.close();
  }
}

function report(fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ smoke: 'ok', ...fields }));
}

runIfEntry(import.meta.url, 'deno-smoke', main);
