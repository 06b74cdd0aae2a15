import { Writable } from 'node:stream';
import type { Hono } from 'hono';
import { createHttpApp, type HttpOptions } from '../../http/app.ts';
import type { HttpEnv } from '../../http/env.ts';
import type { AppHandle, HealthReport } from '../../src/app/types.ts';
import { loadConfig } from '../../src/config/config.ts';
import { Controls } from '../../src/jobs/controls.ts';
import { createLogger } from '../../src/logging.ts';
import { ProofFixture } from './proofFixtures.ts';
import { tempStore } from './tempStore.ts';

/**
 * A real AppHandle over a temp SQLite file (real EntityHost and Controls, a hand-set clock,
 * a logger whose lines are kept for inspection) and the Hono app built from it.
 */
export const ADMIN_TOKEN = 'adm1n-t0ken-for-tests-0123456789';

export interface HttpHarness {
  app: AppHandle;
  http: Hono<HttpEnv>;
  fixture: ProofFixture;
  logs: string[];
  health: HealthReport;
  request(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  cleanup(): void;
}

export function healthyReport(): HealthReport {
  const child = (machineState: string) => ({
    status: 'running' as const,
    restarts: 0,
    lastError: null,
    nextRestartAt: null,
    startedAt: 0,
    machineState,
  });
  return {
    live: true,
    ready: true,
    dbWritable: true,
    supervisor: {
      state: 'supervising',
      health: 'healthy',
      children: {
        fetch: child('idle'),
        scheduler: child('running.active'),
        poster: child('idle'),
        reconciler: child('idle'),
      },
    },
  };
}

export async function httpHarness(
  env: Record<string, string> = { REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN },
  options: HttpOptions & { onEvent?: AppHandle['onEvent'] } = {},
): Promise<HttpHarness> {
  const t = await tempStore();
  const fixture = new ProofFixture(t.store);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const log = createLogger({ level: 'info', pretty: false, destination });
  const config = loadConfig(env);
  const host = fixture.host;
  const health = healthyReport();
  const app: AppHandle = {
    config,
    store: t.store,
    clock: fixture.clock,
    log,
    host,
    controls: new Controls(t.store, host, fixture.clock),
    health: () => health,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  };
  const http = createHttpApp(app, options);
  return {
    app,
    http,
    fixture,
    logs,
    health,
    request(path, init = {}) {
      const { token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
      return Promise.resolve(http.request(path, { ...rest, headers }));
    },
    cleanup: t.cleanup,
  };
}
