import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createFloorWriter } from './floorWriter.ts';
import { optedInRoot, pages } from './synthetic.ts';
import { freshRawDb } from './workspace.ts';

/**
 * A file DB holding `n` queued candidates (passivated actors, rows only), written with the
 * floor writer: the rows `ingestPage` would leave, minutes faster than ingesting them. Shared
 * by the benchmarks of one run through `workDir` (made once, reused by the next).
 */
export async function seededDb(
  workDir: string,
  n: number,
  options: { lowScores?: boolean } = {},
): Promise<string> {
  const name = `seed-${n}${options.lowScores ? '-low' : ''}`;
  const path = join(workDir, `${name}.db`);
  const marker = `${path}.done`;
  if (existsSync(marker)) return path;
  const db = await freshRawDb(workDir, name);
  const writer = createFloorWriter(db, {
    ttlMs: 24 * 3_600_000,
    // tiers 3 and 4: fresh mentions fetched during the benchmark go ahead of the seeded queue
    ...(options.lowScores
      ? { scoreOf: (i: number) => ({ score: 20 + ((i * 7919) % 340) / 10, tier: (i % 2) + 3 }) }
      : {}),
  });
  const now = Date.now();
  for (const page of pages(optedInRoot, 0, n, 5000, () => now)) writer.writePage(page, now);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  writeFileSync(marker, '');
  return path;
}

export function openRaw(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}
