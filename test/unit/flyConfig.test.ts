import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';

/**
 * The deployment files agree with each other and with the app: fly.toml (parsed), the
 * Dockerfile, its entrypoint, .dockerignore and the Litestream sample. Nothing here needs
 * flyctl or Docker.
 */
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface FlyCheck {
  grace_period?: string;
  interval?: string;
  timeout?: string;
  method?: string;
  path?: string;
}
interface FlyToml {
  app: string;
  primary_region: string;
  kill_signal?: string;
  kill_timeout?: number | string;
  build?: { dockerfile?: string; args?: Record<string, string> };
  deploy?: { release_command?: string; strategy?: string };
  env: Record<string, string>;
  mounts: { source: string; destination: string } | { source: string; destination: string }[];
  http_service: {
    internal_port: number;
    force_https?: boolean;
    auto_stop_machines?: string | boolean;
    auto_start_machines?: boolean;
    min_machines_running?: number;
    checks?: FlyCheck[];
  };
  vm?: { size?: string; memory?: string }[];
}

const fly = parse(read('fly.toml')) as unknown as FlyToml;
const mounts = Array.isArray(fly.mounts) ? fly.mounts : [fly.mounts];

/** Fly durations: an integer is seconds; strings such as "30s", "1m0s", "2m". */
function seconds(value: number | string | undefined): number {
  if (value === undefined) return 5; // Fly's default kill_timeout
  if (typeof value === 'number') return value;
  let total = 0;
  for (const [, n, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    total += Number(n) * ({ ms: 0.001, s: 1, m: 60, h: 3600 } as Record<string, number>)[unit!]!;
  }
  return total;
}

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile stages, each a list of instructions with continuation lines joined. */
function dockerStages(text: string): { name: string; instructions: Instruction[] }[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: { name: string; instructions: Instruction[] }[] = [];
  for (const line of lines) {
    const [op = '', ...rest] = line.split(/\s+/);
    const instruction = { op: op.toUpperCase(), args: rest.join(' ') };
    if (instruction.op === 'FROM') stages.push({ name: instruction.args, instructions: [] });
    stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

const stages = dockerStages(read('Dockerfile'));
const finalStage = stages.at(-1)!.instructions;
const runs = (instructions: Instruction[]) => instructions.filter((i) => i.op === 'RUN').map((i) => i.args);

describe('fly.toml', () => {
  it('names its placeholders and builds from the Dockerfile', () => {
    expect(fly.app).toBe('replywright');
    expect(fly.primary_region).toMatch(/^[a-z]{3}$/);
    expect(fly.build?.dockerfile).toBe('Dockerfile');
  });

  it('mounts the volume on the directory of REPLYWRIGHT_DB', () => {
    expect(mounts).toHaveLength(1);
    expect(mounts[0]!.source).toBe('replywright_data');
    expect(mounts[0]!.destination).toBe(posix.dirname(fly.env.REPLYWRIGHT_DB!));
  });

  it('serves on the port the app listens on, on all interfaces', () => {
    const port = fly.http_service.internal_port;
    expect(String(port)).toBe(fly.env.PORT);
    expect([loadConfig({}).PORT, loadConfig({ PORT: fly.env.PORT }).PORT]).toContain(port);
    expect(loadConfig(fly.env).HOST).toBe('0.0.0.0');
    expect(fly.http_service.force_https).toBe(true);
  });

  it('has [env] that the app config accepts, with the production settings', () => {
    const config = loadConfig(fly.env);
    expect(config.REPLYWRIGHT_SPEED).toBe('prod');
    expect(fly.env.NODE_ENV).toBe('production');
    // A public URL: reads need the admin token too (set as a secret, never in [env]).
    expect(config.REPLYWRIGHT_READ_TOKEN_REQUIRED).toBe(true);
    for (const name of Object.keys(fly.env)) expect(name).not.toMatch(/(_TOKEN|_KEY|SECRET|PASSWORD)$/);
  });

  it('health-checks /healthz over HTTP', () => {
    const check = fly.http_service.checks?.find((c) => c.path === '/healthz');
    expect(check).toBeDefined();
    expect(check!.method?.toUpperCase()).toBe('GET');
    for (const field of ['grace_period', 'interval', 'timeout'] as const) {
      expect(seconds(check![field])).toBeGreaterThan(0);
    }
    expect(seconds(check!.timeout)).toBeLessThan(seconds(check!.interval));
  });

  it('keeps exactly the one machine running', () => {
    expect(['off', false]).toContain(fly.http_service.auto_stop_machines);
    expect(fly.http_service.min_machines_running).toBeGreaterThanOrEqual(1);
    expect(fly.vm?.[0]).toMatchObject({ size: 'shared-cpu-1x', memory: '512mb' });
  });

  it('gives the SIGTERM drain at least 30 s before SIGKILL', () => {
    expect(fly.kill_signal).toBe('SIGTERM');
    expect(seconds(fly.kill_timeout)).toBeGreaterThanOrEqual(30);
  });

  it('uses a release command that needs no volume', () => {
    expect(fly.deploy?.release_command).toBe('npm run migrate -- --check');
  });
});

describe('Dockerfile', () => {
  it('exposes the fly internal port and declares the volume', () => {
    const exposed = finalStage.filter((i) => i.op === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
    expect(exposed).toContain(String(fly.http_service.internal_port));
    const volumes = finalStage.filter((i) => i.op === 'VOLUME').map((i) => i.args);
    expect(volumes).toContain(mounts[0]!.destination);
  });

  it('installs a browser only when WITH_CHROMIUM is true', () => {
    expect(finalStage.some((i) => i.op === 'ARG' && i.args === 'WITH_CHROMIUM=false')).toBe(true);
    expect(fly.build?.args?.WITH_CHROMIUM).toBe('false');
    const browserRuns = stages.flatMap((s) => runs(s.instructions)).filter((r) => /chrom/i.test(r));
    expect(browserRuns.length).toBeGreaterThan(0);
    for (const run of browserRuns) {
      expect(run).toMatch(/^if \[ "\$WITH_CHROMIUM" = "true" \]; then .*chromium.*; fi$/);
    }
    const everyRun = stages.flatMap((s) => runs(s.instructions)).join('\n');
    expect(everyRun).not.toMatch(/playwright install/);
  });

  it('keeps compilers in the build stage and production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const finalRuns = runs(finalStage).join('\n');
    expect(finalRuns).not.toMatch(/\b(g\+\+|make|python3|build-essential)\b/);
    const buildRuns = stages.slice(0, -1).flatMap((s) => runs(s.instructions));
    expect(buildRuns.some((r) => r.includes('npm ci --omit=dev'))).toBe(true);
    expect(
      finalStage.some(
        (i) => i.op === 'COPY' && i.args.startsWith('--from=') && i.args.includes('node_modules'),
      ),
    ).toBe(true);
    // The app runs TypeScript through tsx at run time, so tsx must survive --omit=dev.
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.tsx).toBeDefined();
  });

  it('starts the same entry point as `npm start`, as the non-root node user', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const startScript = pkg.scripts.start!.split(/\s+/).at(-1)!;
    const cmd = finalStage.filter((i) => i.op === 'CMD').at(-1)!;
    expect(JSON.parse(cmd.args)).toEqual(['node', '--import', 'tsx', startScript]);
    const entrypoint = finalStage.filter((i) => i.op === 'ENTRYPOINT').at(-1)!;
    const script = (JSON.parse(entrypoint.args) as string[]).at(-1)!.replace(/^\/app\//, '');
    const text = read(script);
    expect(text).toContain('exec setpriv --reuid=node --regid=node --init-groups -- "$@"');
    // su and runuser SIGKILL their child 2 s after SIGTERM: the drain would be cut short.
    expect(text).not.toMatch(/^\s*(exec\s+)?(su|runuser|gosu)\b/m);
    expect(finalStage.some((i) => i.op === 'ENV' && /\bPORT=8080\b/.test(i.args))).toBe(true);
  });

  it('.dockerignore keeps local state and secrets out of the image', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const entry of ['node_modules', 'data', '.git', '*.db', '*.db-wal', 'traces', '.env']) {
      expect(ignored).toContain(entry);
    }
  });
});

describe('operations files', () => {
  it('package.json runs the operations CLIs', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    for (const name of ['migrate', 'backup', 'restore']) {
      expect(pkg.scripts[name]).toBe(`tsx src/cli/${name}.ts`);
      expect(existsSync(new URL(`src/cli/${name}.ts`, root))).toBe(true);
    }
  });

  it('the Litestream sample replicates REPLYWRIGHT_DB with no literal credential', () => {
    const yml = read('deploy/litestream.yml');
    expect(yml).toMatch(new RegExp(`^\\s*- path: ${fly.env.REPLYWRIGHT_DB}\\s*$`, 'm'));
    for (const line of yml.split('\n').filter((l) => !l.trim().startsWith('#'))) {
      const match = line.match(/^\s*([\w-]+):\s*(\S.*)$/);
      if (match && /key|secret|password|token/i.test(match[1]!)) expect(match[2]).toMatch(/^\$\{?\w+\}?$/);
    }
  });
});
