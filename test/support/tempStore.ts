import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../db/migrate.ts';
import { openStore, type Store } from '../../db/store.ts';

/** A migrated store on a real file in a fresh temp directory. */
export async function tempStore(): Promise<{ store: Store; dir: string; path: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'replywright-'));
  const path = join(dir, 'test.db');
  const store = await openStore(path);
  migrate(store, () => Date.UTC(2026, 0, 9));
  return {
    store,
    dir,
    path,
    cleanup: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
