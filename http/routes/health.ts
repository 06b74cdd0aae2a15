import { count, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { controls } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import type { AppHandle } from '../../src/app/types.ts';
import type { HttpEnv } from '../env.ts';

/**
 * `GET /healthz`: 200 only when the process is live and ready, the database answers a read
 * and takes a write (inside a transaction that is rolled back), and the supervisor is healthy.
 */
class Rollback extends Error {}

export function checkDatabase(store: Store): { readable: boolean; writable: boolean; error: string | null } {
  let readable = false;
  try {
    readable = store.db.select({ n: count() }).from(controls).get() !== undefined;
    store.tx(() => {
      store.db
        .insert(controls)
        .values({ key: 'healthz', value: 'probe', updatedAt: 0 })
        .onConflictDoUpdate({
          target: controls.key,
          set: { value: sql`excluded.${sql.identifier(controls.value.name)}` },
        })
        .run();
      throw new Rollback();
    });
    return { readable, writable: false, error: 'write probe did not roll back' };
  } catch (error) {
    if (error instanceof Rollback) return { readable, writable: true, error: null };
    return { readable, writable: false, error: error instanceof Error ? error.name : 'unknown' };
  }
}

export function healthRoutes(app: AppHandle): Hono<HttpEnv> {
  return new Hono<HttpEnv>().get('/healthz', (c) => {
    const health = app.health();
    const db = checkDatabase(app.store);
    const reasons: string[] = [];
    if (!health.live) reasons.push('not live');
    if (!health.ready) reasons.push('not ready');
    if (!db.readable) reasons.push('database not readable');
    if (!db.writable || !health.dbWritable) reasons.push('database not writable');
    if (health.supervisor.health !== 'healthy') {
      const down = Object.entries(health.supervisor.children)
        .filter(([, child]) => child.status !== 'running')
        .map(([name, child]) => `${name} ${child.status}`);
      reasons.push(`supervisor ${health.supervisor.health}${down.length ? ` (${down.join(', ')})` : ''}`);
    }
    const ok = reasons.length === 0;
    return c.json(
      {
        status: ok ? 'ok' : 'unavailable',
        reasons,
        checks: {
          live: health.live,
          ready: health.ready,
          dbReadable: db.readable,
          dbWritable: db.writable && health.dbWritable,
          supervisor: health.supervisor.health,
        },
      },
      ok ? 200 : 503,
    );
  });
}
