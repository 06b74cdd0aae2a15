import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../db/migrate.ts';
import { openStore, type Store } from '../db/store.ts';
import { loadConfig } from '../src/config/config.ts';
import type { IngestDeps } from '../src/jobs/ingest.ts';
import { evaluationPolicyFrom } from '../src/policy/evaluate.ts';
import { systemClock } from '../src/runtime/clock.ts';
import { EntityHost } from '../src/runtime/entityHost.ts';
import { randomIds } from '../src/runtime/ids.ts';
import { BENCH_ACCOUNT } from './synthetic.ts';

/** The config every benchmark runs with: defaults, the bench account, a quiet log. */
export const BENCH_ENV: Record<string, string> = {
  REPLYWRIGHT_ACCOUNT: BENCH_ACCOUNT,
  REPLYWRIGHT_LOG_LEVEL: 'silent',
  REPLYWRIGHT_ADMIN_TOKEN: 'bench-admin-token-0123456789',
};

/** A migrated store on a fresh file (WAL, synchronous=NORMAL: the production settings). */
export async function freshStore(workDir: string, name: string): Promise<Store> {
  const store = await openStore(join(workDir, `${name}.db`));
  migrate(store);
  return store;
}

/** A raw better-sqlite3 handle on a fresh migrated file, with the store's pragmas. */
export async function freshRawDb(workDir: string, name: string): Promise<Database.Database> {
  const path = join(workDir, `${name}.db`);
  (await freshStore(workDir, name)).close();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  return db;
}

export function ingestDepsFor(store: Store, host = new EntityHost(store, systemClock)): IngestDeps {
  const config = loadConfig(BENCH_ENV);
  return {
    store,
    host,
    clock: systemClock,
    ids: randomIds(() => systemClock.now()),
    platformName: 'sandbox',
    policy: evaluationPolicyFrom(config),
    queueTtlMs: config.REPLYWRIGHT_QUEUE_TTL_MIN * 60_000,
  };
}
