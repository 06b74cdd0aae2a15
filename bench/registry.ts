import type { BenchFn } from './types.ts';

/** Every benchmark, in the order `npm run bench` runs them; each loads only its own module. */
export const BENCHES: { id: string; load: () => Promise<BenchFn> }[] = [
  { id: 'ingest', load: async () => (await import('./ingest.ts')).ingestBench },
  { id: 'restore', load: async () => (await import('./restore.ts')).restoreBench },
  { id: 'queuePick', load: async () => (await import('./queuePick.ts')).queuePickBench },
  { id: 'memory', load: async () => (await import('./memory.ts')).memoryBench },
  { id: 'http', load: async () => (await import('./http.ts')).httpBench },
  { id: 'post', load: async () => (await import('./postPath.ts')).postPathBench },
  { id: 'x', load: async () => (await import('./xCost.ts')).xCostBench },
  { id: 'blueskyLatency', load: async () => (await import('./blueskyLatency.ts')).blueskyLatencyBench },
];
