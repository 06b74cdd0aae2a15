import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../db/migrate.ts';
import { indexSql } from '../../db/sqliteMaster.ts';
import { openStore, type Store } from '../../db/store.ts';
import { PERMIT_GROUPS } from '../../machines/stateGroups.ts';

/**
 * The unique index `permits_one_per_target` is what keeps a second reply off a target, and
 * it is written by a migration, while the states that hold a target are tags on the permit
 * machine. Read from a database the migrations built, its `where state in (…)` must name
 * exactly `PERMIT_GROUPS.holdsTarget`: a new holding state, or a migration that drops one,
 * fails here.
 */
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function migratedStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'replywright-permit-index-'));
  const store = await openStore(join(dir, 'replywright.db'));
  cleanup = () => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  migrate(store);
  return store;
}

/** The parts of `create unique index … on permits (…) where state in (…)`, or null if it has another shape. */
function parseOnePerTarget(
  createSql: string,
): { unique: boolean; columns: string[]; states: string[] } | null {
  const match =
    /^create\s+(unique\s+)?index\s+\S+\s+on\s+[`"]?permits[`"]?\s*\(([^)]*)\)\s+where\s+[`"]?state[`"]?\s+in\s*\(([^)]*)\)\s*;?\s*$/i.exec(
      createSql.trim(),
    );
  if (!match) return null;
  const names = (list: string, quote: RegExp) =>
    list
      .split(',')
      .map((s) => s.trim().replace(quote, ''))
      .filter((s) => s !== '');
  return {
    unique: match[1] !== undefined,
    columns: names(match[2]!, /^[`"]|[`"]$/g),
    states: names(match[3]!, /^'|'$/g),
  };
}

describe('permits_one_per_target in a migrated database', () => {
  it('is unique on (platform, target_post_id) where state is exactly a state of PERMIT_GROUPS.holdsTarget', async () => {
    const store = await migratedStore();
    const createSql = indexSql(store, 'permits_one_per_target');
    expect(createSql, 'the migrations create permits_one_per_target').not.toBeNull();
    const index = parseOnePerTarget(createSql!);
    expect(index, `an index of the expected shape: ${createSql}`).not.toBeNull();
    expect(index!.unique).toBe(true);
    expect(index!.columns).toEqual(['platform', 'target_post_id']);
    expect(new Set(index!.states).size, 'no state listed twice').toBe(index!.states.length);
    expect([...index!.states].sort()).toEqual([...PERMIT_GROUPS.holdsTarget].sort());
  });

  it('the parser reads the list it is given, so a drifted list would show', () => {
    const drifted =
      "CREATE UNIQUE INDEX `permits_one_per_target` ON `permits` (`platform`,`target_post_id`) WHERE state in ('pending','used')";
    expect(parseOnePerTarget(drifted)).toEqual({
      unique: true,
      columns: ['platform', 'target_post_id'],
      states: ['pending', 'used'],
    });
    expect(parseOnePerTarget('CREATE INDEX `permits_state` ON `permits` (`state`,`updated_at`)')).toBeNull();
  });
});
