import { appendFileSync, copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../db/migrate.ts';
import { openStore, type Store } from '../../db/store.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function freshStore(): Promise<{ store: Store; path: string; reopen: () => Promise<Store> }> {
  const dir = mkdtempSync(join(tmpdir(), 'replywright-migrate-'));
  const path = join(dir, 'm.db');
  const opened: Store[] = [await openStore(path)];
  cleanup = () => {
    for (const s of opened) s.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    store: opened[0]!,
    path,
    reopen: async () => {
      opened.at(-1)!.close();
      const s = await openStore(path);
      opened.push(s);
      return s;
    },
  };
}

const migrationEvents = (store: Store) =>
  (
    store.statement("select at, data from events where type = 'migration_applied' order by id").all() as {
      at: number;
      data: string;
    }[]
  ).map((e) => ({ at: e.at, ...(JSON.parse(e.data) as Record<string, unknown>) }));

describe('migrate', () => {
  it('applies every migration once, recording schema_migrations and a migration_applied event each', async () => {
    const { store } = await freshStore();
    const all = listMigrations();
    expect(all.length).toBeGreaterThan(0);
    expect(migrate(store, () => 1_234)).toEqual(all.map((m) => ({ version: m.version, name: m.name })));
    expect(
      store
        .statement('select version, name, checksum, applied_at from schema_migrations order by version')
        .all(),
    ).toEqual(
      all.map((m) => ({ version: m.version, name: m.name, checksum: m.checksum, applied_at: 1_234 })),
    );
    expect(migrationEvents(store)).toEqual(
      all.map((m) => ({ at: 1_234, version: m.version, name: m.name, checksum: m.checksum })),
    );
    const tables = store.statement("select name from sqlite_master where type = 'table'").all() as {
      name: string;
    }[];
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'actors',
        'timers',
        'events',
        'candidates',
        'queue_entries',
        'decisions',
        'permits',
      ]),
    );
  });

  it('a second run, in the same process or after a restart, applies nothing', async () => {
    const { store, reopen } = await freshStore();
    migrate(store, () => 1);
    expect(migrate(store, () => 2)).toEqual([]);
    const again = await reopen();
    expect(migrate(again, () => 3)).toEqual([]);
    expect(migrationEvents(again).map((e) => e.at)).toEqual(listMigrations().map(() => 1));
  });

  it('throws when an applied migration file was edited afterwards', async () => {
    const { store } = await freshStore();
    // a private copy of db/migrate.ts and db/migrations/, so the test can edit a migration file
    const db = fileURLToPath(new URL('../../db/', import.meta.url));
    const copy = mkdtempSync(join(tmpdir(), 'replywright-migrations-'));
    const previous = cleanup;
    cleanup = () => {
      previous?.();
      rmSync(copy, { recursive: true, force: true });
    };
    copyFileSync(join(db, 'migrate.ts'), join(copy, 'migrate.ts'));
    cpSync(join(db, 'migrations'), join(copy, 'migrations'), { recursive: true });
    const copied = (await import(
      pathToFileURL(join(copy, 'migrate.ts')).href
    )) as typeof import('../../db/migrate.ts');
    expect(copied.migrate(store, () => 1)).toHaveLength(listMigrations().length);
    expect(copied.migrate(store, () => 2)).toEqual([]);

    const first = listMigrations()[0]!;
    appendFileSync(join(copy, 'migrations', `${first.name}.sql`), '\n-- edited after it shipped\n');
    expect(() => copied.migrate(store, () => 3)).toThrow(
      `migration 1 (${first.name}) changed after it was applied`,
    );
    expect(migrationEvents(store)).toHaveLength(listMigrations().length);
  });

  it('checksums are stable and distinct per migration', () => {
    const a = listMigrations();
    const b = listMigrations();
    expect(a.map((m) => m.checksum)).toEqual(b.map((m) => m.checksum));
    expect(new Set(a.map((m) => m.checksum)).size).toBe(a.length);
    expect(a.map((m) => m.version)).toEqual(a.map((_, i) => i + 1));
  });
});
