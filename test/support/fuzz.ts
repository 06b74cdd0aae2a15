import fc from 'fast-check';

/**
 * Bounds for the fuzz harness (test/fuzz): a property runs `runs` cases or for `ms`, whichever
 * ends first, both times FUZZ_SCALE (default 1, so `npm test` stays quick; raise it for a
 * longer hunt). FUZZ_SEED replays a failure with the seed fast-check printed.
 */
const SCALE = Number(process.env.FUZZ_SCALE ?? '1');

export function fuzzParameters<T>(runs: number, ms: number): fc.Parameters<T> {
  const seed = process.env.FUZZ_SEED;
  return {
    numRuns: Math.max(1, Math.round(runs * SCALE)),
    plugins: [fc.interruptAfterTimeLimit(ms * SCALE) as fc.Plugin<T>],
    ...(seed ? { seed: Number(seed) } : {}),
  };
}

/**
 * Counts the cases a property really ran: the time limit ends a property as a success, so each
 * test also checks it got through enough cases to mean something. FUZZ_REPORT=1 prints them.
 */
export class RunCount {
  runs = 0;
  readonly #started = performance.now();
  constructor(readonly name: string) {}
  tick(): void {
    this.runs++;
  }
  report(): void {
    if (process.env.FUZZ_REPORT === '1') {
      process.stdout.write(
        `fuzz ${this.name}: ${this.runs} cases in ${Math.round(performance.now() - this.#started)} ms\n`,
      );
    }
  }
}
