import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { spawnTs } from './spawnTs.ts';
import { fmt, ratio, summarize } from './stats.ts';
import { routeCost } from './statusCost.ts';
import type { BenchFn, Row } from './types.ts';
import { freshStore } from './workspace.ts';

/**
 * 5. HTTP: p50/p99 of /api/status and /metrics at a fixed request rate (autocannon, in this
 * process) against replywright in another process that ingests at a fixed rate meanwhile,
 * against /healthz measured the same way in the same run. Latencies are every response's
 * own time (float ms, from autocannon's `response` events); autocannon's coordinated-
 * omission-corrected p99 (whole ms) is kept in the details.
 */
export const GOAL_P99_MS = 10;
const ENTRY = fileURLToPath(new URL('./httpEntry.ts', import.meta.url));
const ROUTES = ['/healthz', '/api/status', '/metrics'] as const;

interface Latency {
  p50: number;
  p99: number;
  n: number;
  non2xx: number;
  errors: number;
  achievedRate: number;
  autocannonP99: number;
}

interface Load {
  times: number[];
  non2xx: number;
  errors: number;
  seconds: number;
  autocannonP99: number;
}

async function load(url: string, rate: number, seconds: number): Promise<Load> {
  const times: number[] = [];
  let non2xx = 0;
  const instance = autocannon({ url, connections: 10, overallRate: rate, duration: seconds });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    times.push(ms);
    if (status < 200 || status >= 300) non2xx++;
  });
  const result = await instance;
  return {
    times,
    non2xx,
    errors: result.errors,
    seconds: result.duration,
    autocannonP99: result.latency.p99,
  };
}

function merge(parts: Load[]): Latency {
  const s = summarize(parts.flatMap((p) => p.times));
  const seconds = parts.reduce((sum, p) => sum + p.seconds, 0);
  return {
    p50: s.p50,
    p99: s.p99,
    n: s.n,
    non2xx: parts.reduce((sum, p) => sum + p.non2xx, 0),
    errors: parts.reduce((sum, p) => sum + p.errors, 0),
    achievedRate: s.n / seconds,
    autocannonP99: Math.max(...parts.map((p) => p.autocannonP99)),
  };
}

interface Ingested {
  ingested: number;
  seconds: number;
  maxPageMs: number;
}

/** Starts httpEntry, runs the interleaved load rounds against it, stops it. */
async function loadServer(
  dbPath: string,
  ingestRate: number,
  rate: number,
  rounds: number,
): Promise<{ results: Record<string, Latency>; ingest: Ingested | null }> {
  let base = '';
  let ingest: Ingested | null = null;
  let listening: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    listening = resolve;
  });
  const server = spawnTs(ENTRY, [dbPath, String(ingestRate)], {
    onLine: (line) => {
      const msg = JSON.parse(line) as { url?: string } & Partial<Ingested>;
      if (msg.url) {
        base = msg.url;
        listening();
      } else ingest = msg as Ingested;
    },
  });
  const results: Record<string, Latency> = {};
  try {
    await Promise.race([
      ready,
      server.exited.then((code) => {
        throw new Error(`httpEntry exited with ${code}: ${server.stderr()}`);
      }),
    ]);
    for (const route of ROUTES) await load(`${base}${route}`, 200, 1);
    // One second per route in turn, so all three see the DB grow alike.
    const parts: Record<string, Load[]> = Object.fromEntries(ROUTES.map((r) => [r, []]));
    for (let round = 0; round < rounds; round++) {
      for (const route of ROUTES) parts[route]!.push(await load(`${base}${route}`, rate, 1));
    }
    for (const route of ROUTES) results[route] = merge(parts[route]!);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  for (const [route, r] of Object.entries(results)) {
    if (r.non2xx > 0 || r.errors > 0)
      throw new Error(`${route}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  }
  return { results, ingest };
}

export const httpBench: BenchFn = async ({ quick, workDir }) => {
  const seconds = quick ? 2 : 10;
  const rate = 1000;
  // The fetch job's own ceiling at dev timing: 2 default sources × 5 pages × 100 posts every 4 s.
  const ingestRate = 250;
  const store = await freshStore(workDir, 'http');
  store.close();
  const { results, ingest } = await loadServer(store.path, ingestRate, rate, seconds);
  const costs: Record<string, Record<string, number>> = {};
  for (const n of quick ? [1_000, 10_000] : [1_000, 10_000, 100_000])
    costs[n] = await routeCost(workDir, n, quick ? 20 : 50);

  const trivial = results['/healthz']!;
  const row = (route: '/api/status' | '/metrics', goal: boolean): Row[] => {
    const r = results[route]!;
    return [
      {
        measure: `${route} p50 at ${fmt(rate)} req/s`,
        value: r.p50,
        unit: 'ms',
        comparisons: [
          {
            against: '/healthz p50, same load',
            ratio: ratio(r.p50, trivial.p50),
            referenceValue: trivial.p50,
          },
        ],
      },
      {
        measure: `${route} p99 at ${fmt(rate)} req/s`,
        value: r.p99,
        unit: 'ms',
        comparisons: [
          {
            against: '/healthz p99, same load',
            ratio: ratio(r.p99, trivial.p99),
            referenceValue: trivial.p99,
          },
        ],
        ...(goal ? { goal: { text: `p99 < ${GOAL_P99_MS} ms`, met: r.p99 < GOAL_P99_MS } } : {}),
        note: `${fmt(r.achievedRate)} req/s achieved; autocannon's own (coordinated-omission corrected) p99 ${r.autocannonP99} ms`,
      },
    ];
  };
  const costRows: Row[] = Object.entries(costs).flatMap(([n, c]) =>
    (['/api/status', '/metrics'] as const).map((route) => ({
      measure: `${route} handler alone, ${fmt(Number(n))} candidates in the window (in process, no load)`,
      value: c[route]!,
      unit: 'ms',
      comparisons: [
        {
          against: '/healthz handler alone',
          ratio: ratio(c[route]!, c['/healthz']!),
          referenceValue: c['/healthz']!,
        },
      ],
    })),
  );
  const ingestNote = ingest
    ? `${fmt(ingest.ingested / ingest.seconds)} candidates/s ingested meanwhile in pages of 100 (slowest page ${fmt(ingest.maxPageMs)} ms); ${fmt(ingest.ingested)} in the window at the end`
    : 'ingest figures missing';
  const status = results['/api/status']!;
  const metrics = results['/metrics']!;
  return {
    id: 'http',
    title: `HTTP under load (${fmt(rate)} req/s per route, ${seconds} × 1 s rounds, ingest at ${ingestRate}/s in the server process)`,
    rows: [
      ...row('/api/status', true),
      ...row('/metrics', false),
      {
        measure: `/healthz p99 at ${fmt(rate)} req/s (the reference)`,
        value: trivial.p99,
        unit: 'ms',
        comparisons: [],
        note: ingestNote,
      },
      ...costRows,
    ],
    summary: `http: /api/status p50 ${fmt(status.p50)} / p99 ${fmt(status.p99)} ms, /metrics p50 ${fmt(metrics.p50)} / p99 ${fmt(metrics.p99)} ms at ${fmt(rate)} req/s with ingest running (/healthz p99 ${fmt(trivial.p99)} ms; goal /api/status p99 < ${GOAL_P99_MS} ms)`,
    details: { rate, seconds, ingestRate, ingest, results, handlerMs: costs },
    rssMb: process.memoryUsage().rss / 1_048_576,
  };
};
