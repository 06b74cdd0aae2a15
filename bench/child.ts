import { writeFileSync } from 'node:fs';
import { BENCHES } from './registry.ts';
import { nowMs } from './stats.ts';

/**
 * One benchmark in its own process: `node --import tsx bench/child.ts <id> <quick 0|1> <workDir> <out.json>`.
 * Writes the BenchResult to out.json; the exit code says whether it ran.
 */
async function main(): Promise<void> {
  const [id, quick, workDir, out] = process.argv.slice(2);
  const bench = BENCHES.find((b) => b.id === id);
  if (!bench || !workDir || !out) throw new Error('usage: child.ts <id> <quick 0|1> <workDir> <out.json>');
  const started = nowMs();
  const result = await (await bench.load())({ quick: quick === '1', workDir });
  writeFileSync(out, JSON.stringify({ ...result, seconds: (nowMs() - started) / 1000 }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
