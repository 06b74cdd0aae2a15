import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.ts';
import { main, parse } from '../../src/cli/proof.ts';
import { ProofFixture, REPORT_NOW, seedHealthyState, seedStarvedState } from '../support/proofFixtures.ts';
import { tempStore } from '../support/tempStore.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function seeded(seed: (f: ProofFixture) => void) {
  const t = await tempStore();
  seed(new ProofFixture(t.store));
  t.store.close();
  cleanup = t.cleanup;
  return t.path;
}

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    env: {},
    now: () => REPORT_NOW,
    out: (s) => out.push(s),
    err: (s) => err.push(s),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('proof CLI', () => {
  it('exits 0 and prints OPERATIONAL for a healthy database', async () => {
    const db = await seeded(seedHealthyState);
    const result = await run(['--window', '30m', '--db', db]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('# replywright production proof — OPERATIONAL');
  });

  it('exits 1 for the seed state, naming queue starvation', async () => {
    const db = await seeded(seedStarvedState);
    const result = await run(['--db', db, '--window=30m']);
    expect(result.code).toBe(1);
    expect(result.out).toContain('NOT OPERATIONAL');
    expect(result.out).toContain('**Queue starvation** — fetch not completing');
  });

  it('prints JSON with --json and honours --target', async () => {
    const db = await seeded(seedStarvedState);
    const result = await run(['--db', db, '--json', '--target', 'fetchCompleted=1']);
    const parsed = JSON.parse(result.out) as {
      report: { status: string; rows: { key: string; pass: boolean }[] };
      diagnosis: { code: string };
    };
    expect(parsed.report.status).toBe('NOT OPERATIONAL');
    expect(parsed.report.rows.find((r) => r.key === 'fetchCompleted')?.pass).toBe(true);
    expect(parsed.diagnosis.code).toBe('queue_starvation');
  });

  it.each([[['--window', 'soon']], [['--window']], [['--frobnicate']], [['--target', 'queueSize=x']]])(
    'exits 2 on bad usage %j',
    async (argv) => {
      const result = await run(argv);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/^proof: .*(--window|--frobnicate|--target)/);
    },
  );

  it('exits 2 when the database does not exist, without creating it', async () => {
    const result = await run(['--db', '/tmp/replywright-no-such-dir/none.db']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('no database at');
  });

  it('parses windows such as 2h and 90s', () => {
    expect(parse(['--window', '2h']).windowMs).toBe(7_200_000);
    expect(parse(['--window', '90s']).windowMs).toBe(90_000);
    expect(() => parse(['x'])).toThrow(UsageError);
  });
});
