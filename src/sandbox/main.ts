import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { serve } from '@hono/node-server';
import { hostPolicy } from '../edge/hostAllowList.ts';
import { type Clock, systemClock } from '../runtime/clock.ts';
import type { SandboxBehaviourPatch } from './behaviour.ts';
import type { MastodonLimits } from './mastodon/rateLimits.ts';
import { SandboxPlatform } from './platform.ts';
import { createSandboxApp } from './server.ts';
import { TrafficGenerator } from './traffic.ts';

export interface StartSandboxOptions {
  /** 0 picks a free port; the chosen one is in the result's `url`. */
  port: number;
  dbPath: string;
  seed: number;
  trafficPerMin: number;
  account?: string;
  adminToken?: string;
  accountToken?: string;
  password?: string;
  host?: string;
  /** The Mastodon dialect's rate limits (default: Mastodon's own). */
  mastodonLimits?: MastodonLimits;
  /** Default: the system clock. A SimulatedClock also drives traffic, rate-limit windows and latency faults. */
  clock?: Clock;
  /** Idempotency mode and visibility lag; unset keeps what the sandbox DB has (permanent, 0 when new). */
  behaviour?: SandboxBehaviourPatch;
}

export interface RunningSandbox {
  url: string;
  port: number;
  platform: SandboxPlatform;
  traffic: TrafficGenerator;
  stop(): Promise<void>;
}

/**
 * Opens (or creates) the sandbox DB, starts its traffic and serves it on 127.0.0.1 (answering
 * only to loopback Host names there).
 *
 * @example
 * const sandbox = await startSandbox({ port: 0, dbPath: ':memory:', seed: 1, trafficPerMin: 0, adminToken });
 * // … sandbox.url …
 * await sandbox.stop();
 */
function isDeno(): boolean {
  return typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';
}

export async function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const clock = options.clock ?? systemClock;
  if (options.dbPath !== ':memory:') mkdirSync(dirname(options.dbPath), { recursive: true });
  const platform = await SandboxPlatform.open(options.dbPath, {
    clock,
    seed: options.seed,
    account: options.account,
  });
  if (options.behaviour) platform.behaviour.update(options.behaviour);
  const traffic = new TrafficGenerator(platform, {
    seed: options.seed,
    perMin: options.trafficPerMin,
    clock,
  });
  const host = options.host ?? '127.0.0.1';
  const app = createSandboxApp(platform, {
    // Bound to loopback, it answers only to loopback names with its port (DNS rebinding).
    hosts: hostPolicy(host, undefined),
    accountToken: options.accountToken,
    password: options.password,
    adminToken: options.adminToken,
    traffic,
    mastodonLimits: options.mastodonLimits,
  });
  let server: ReturnType<typeof serve>;
  try {
    server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      // Keep the runtime's own Request/Response: under Deno, Deno.serve in the same process
      // rejects responses built from node-server's replacements.
      const s = serve(
        { fetch: app.fetch, port: options.port, hostname: host, overrideGlobalObjects: !isDeno() },
        () => resolve(s),
      );
      s.once('error', reject);
    });
  } catch (error) {
    platform.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  traffic.start();
  let stopped: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    platform,
    traffic,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        traffic.stop();
        server.close(() => {
          platform.close();
          resolve();
        });
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      return stopped;
    },
  };
}
