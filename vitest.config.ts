import { defaultExclude, defineConfig } from 'vitest/config';

/**
 * Folders whose tests are slow by nature: they start real processes, browsers or networks, or
 * run long simulations. `npm test` (CI) runs them; `npm run test:fast` (the inner loop) does
 * not. Every other test file belongs to the `fast` project, so a new test is fast unless it
 * is put in one of these folders.
 */
const SLOW_FOLDERS = [
  'test/process', // spawn node/deno processes: kill -9 crash runs, start, single instance, live backup
  'test/sim', // seeded simulation runs of the whole pipeline
  'test/chaos', // chaos runs against child processes
  'test/fuzz', // property sweeps over the HTTP edge and the sandbox
  'test/bench', // benchmarks
  'test/browser', // Chromium
  'test/bluesky', // a local AT Protocol network (installed by `pretest`)
];
const slowTests = SLOW_FOLDERS.map((folder) => `${folder}/**/*.test.ts`);

export default defineConfig({
  test: {
    pool: 'forks',
    reporters: ['default', './test/support/summaryReporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: ['test/**/*.test.ts'],
          exclude: [...defaultExclude, ...slowTests],
          // vitest's defaults (5 s per test, 10 s per hook): a unit test that needs more is a
          // slow test, or says why on its own `it`/`describe`.
          // One module graph per worker, not per file: importing drizzle, XState, Hono and the
          // app for each of ~100 files was most of the run. Fast tests keep no module-level
          // state (each builds its own store, clock, server), so they do not see each other.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: slowTests,
          exclude: defaultExclude,
          // Child processes boot tsx, migrate and listen before the first assertion, several
          // times per test, on a CI machine shared with other jobs.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
