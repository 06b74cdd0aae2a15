import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type NodeChild, spawnNode } from './children.ts';
import { httpStatus, pollUntil } from './http.ts';

/** What every process of one chaos run shares. */
export interface ChaosWorld {
  /** The repository root (where `tsx` resolves). */
  root: string;
  /** The run's directory: DB files and logs. */
  dir: string;
  adminToken: string;
  seed: number;
  readyTimeoutMs: number;
  /** SANDBOX_KEYS and SANDBOX_VISIBILITY_LAG_MS for both processes: the sandbox plays them, the pipeline declares them. */
  keys: string;
  visibilityLagMs: number;
  /** Which API the pipeline speaks: the sandbox's own, or its X dialect (REPLYWRIGHT_PLATFORM=x). */
  platform: 'sandbox' | 'x' | 'mastodon';
}

export interface Started {
  child: NodeChild;
  url: string;
}

const ACCOUNT = 'replywright_bot';

export const pipelineDbPath = (world: ChaosWorld) => join(world.dir, 'pipeline.db');

/** The sandbox alone, as its own process with its own DB, so its record survives the pipeline's deaths. */
export function startSandboxProcess(world: ChaosWorld): Promise<Started> {
  return startWithRetry(world, 'src/cli/sandbox.ts', 'sandbox.log', '/api/posts?author=nobody', (port) => ({
    SANDBOX_PORT: String(port),
    REPLYWRIGHT_SANDBOX_DB: join(world.dir, 'sandbox.db'),
    // Traffic starts once the harness has set its mix (POST /admin/traffic).
    SANDBOX_TRAFFIC_PER_MIN: '0',
    SANDBOX_SEED: String(world.seed),
    // The Mastodon dialect at dev speed (~30× production's requests): its limits ×100, so the
    // run measures exactly-once, not 429 stalls (the adapter's 429 handling has its own tests).
    ...(world.platform === 'mastodon' ? { SANDBOX_MASTODON_LIMIT_SCALE: '100' } : {}),
    ...behaviourEnv(world),
  }));
}

/** One life of the pipeline (`src/cli/start.ts` against the external sandbox), ready on /healthz. */
export function bootPipeline(world: ChaosWorld, sandboxUrl: string): Promise<Started> {
  return startWithRetry(world, 'src/cli/start.ts', 'pipeline.log', '/healthz', (port) => ({
    PORT: String(port),
    REPLYWRIGHT_SANDBOX_URL: sandboxUrl,
    REPLYWRIGHT_DB: pipelineDbPath(world),
    REPLYWRIGHT_SPEED: 'dev',
    REPLYWRIGHT_CAP_PER_HOUR: '1000',
    REPLYWRIGHT_CAP_PER_DAY: '10000',
    REPLYWRIGHT_MIN_SPACING_SEC: '0',
    // The sandbox has eight repliable authors: a cooldown would starve a long run of targets.
    REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: '0',
    REPLYWRIGHT_PLATFORM: world.platform,
    REPLYWRIGHT_X_TOKEN_FILE: join(world.dir, 'x-token.json'),
    ...behaviourEnv(world),
  }));
}

function behaviourEnv(world: ChaosWorld): Record<string, string> {
  return { SANDBOX_KEYS: world.keys, SANDBOX_VISIBILITY_LAG_MS: String(world.visibilityLagMs) };
}

async function startWithRetry(
  world: ChaosWorld,
  script: string,
  logName: string,
  readyPath: string,
  env: (port: number) => Record<string, string>,
): Promise<Started> {
  const logFile = join(world.dir, logName);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = await spawnNode(script, {
      cwd: world.root,
      logFile,
      env: {
        ...baseEnv(),
        REPLYWRIGHT_ADMIN_TOKEN: world.adminToken,
        REPLYWRIGHT_ACCOUNT: ACCOUNT,
        REPLYWRIGHT_LOG_LEVEL: 'warn',
        ...env(port),
      },
    });
    const url = `http://127.0.0.1:${port}`;
    const ready = await pollUntil(async () => (await httpStatus(`${url}${readyPath}`)) === 200, {
      timeoutMs: world.readyTimeoutMs,
      intervalMs: 50,
      giveUp: () => !child.alive,
    });
    if (ready) return { child, url };
    child.signal('SIGKILL');
    const exit = await child.exited;
    const tail = logTail(logFile);
    // Another process may have taken the port between our probe and the bind: try another.
    if (attempt < 3 && /EADDRINUSE/.test(tail)) continue;
    throw new Error(
      `${script} was not ready within ${world.readyTimeoutMs} ms (exit ${exit.code ?? exit.signal}); log tail:\n${tail}`,
    );
  }
}

/** The harness's environment without anything that would configure the children. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(REPLYWRIGHT_|SANDBOX_)/.test(key)) continue;
    if (key === 'PORT' || key === 'HOST' || key === 'NODE_OPTIONS' || key.startsWith('VITEST')) continue;
    env[key] = value;
  }
  return env;
}

export function logTail(file: string, chars = 3_000): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.slice(-chars);
  } catch {
    return '(no log)';
  }
}
