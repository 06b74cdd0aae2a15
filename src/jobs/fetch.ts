import { eq } from 'drizzle-orm';
import { prepared } from '../../db/prepared.ts';
import { sourceCursors } from '../../db/schema.ts';
import { EVENT } from '../events.ts';
import { type Page, RateLimited } from '../platforms/contract.ts';
import type { SourceKind } from '../policy/postFacts.ts';
import { describeError } from '../runtime/errors.ts';
import { type RunContext, RunFailed, type RunStats } from '../runtime/jobRun.ts';
import type { PipelineDeps } from './deps.ts';
import { emptyCounts, type IngestCounts, type IngestDeps, ingestPage } from './ingest.ts';
import { rateLimitedUntil, setRateLimitedUntil } from './rateLimit.ts';

export interface Source {
  kind: SourceKind;
  name: string;
}

/** The configured sources: the account's mentions always; searches and author lists by config. */
export function configuredSources(deps: Pick<PipelineDeps, 'config'>): Source[] {
  return [
    { kind: 'mentions', name: deps.config.REPLYWRIGHT_ACCOUNT },
    ...deps.config.REPLYWRIGHT_SEARCH_QUERIES.map((q) => ({ kind: 'search' as const, name: q })),
    ...deps.config.REPLYWRIGHT_AUTHOR_LISTS.map((a) => ({ kind: 'author_list' as const, name: a })),
  ];
}

const MAX_PAGES_PER_SOURCE = 5;

/**
 * One fetch run: every source from its cursor, each page ingested in one transaction with
 * the cursor that follows it (so a crash mid-run repeats at most one harmless page). A 429
 * ends the run as failed with reason `rate_limited` and backs every source off until reset.
 */
export function createFetchWork(deps: PipelineDeps, ingest: IngestDeps) {
  return async (run: RunContext): Promise<RunStats> => {
    const now = deps.clock.now();
    const until = rateLimitedUntil(deps.store);
    if (until !== null && until > now) {
      throw new RunFailed('rate_limited', { until });
    }
    const counts = emptyCounts();
    const perSource: Record<string, number> = {};
    const errors: string[] = [];
    for (const source of configuredSources(deps)) {
      if (run.signal.aborted) break;
      try {
        perSource[`${source.kind}:${source.name}`] = await fetchSource(deps, ingest, source, run, counts);
      } catch (error) {
        if (error instanceof RateLimited) {
          setRateLimitedUntil(deps.store, deps.clock.now(), error.resetAt, 'fetch');
          throw new RunFailed('rate_limited', { until: error.resetAt, ...flatten(counts) });
        }
        errors.push(`${source.kind}:${source.name}: ${describeError(error)}`);
      }
    }
    if (errors.length > 0 && errors.length === configuredSources(deps).length) {
      throw new RunFailed(`all sources failed: ${errors[0]}`, flatten(counts));
    }
    return { ...flatten(counts), perSource, sourceErrors: errors };
  };
}

async function fetchSource(
  deps: PipelineDeps,
  ingest: IngestDeps,
  source: Source,
  run: RunContext,
  counts: IngestCounts,
): Promise<number> {
  const key = `${source.kind}:${source.name}`;
  let seen = 0;
  for (let page = 0; page < MAX_PAGES_PER_SOURCE; page++) {
    if (run.signal.aborted) break;
    const cursor = readCursor(deps, key);
    const result = await request(deps, source, cursor);
    if (run.signal.aborted) break;
    recordInvalid(deps, run.runId, key, result);
    ingestPage(ingest, source, result.posts, run.runId, counts);
    seen += result.posts.length;
    if (result.nextCursor !== null && result.nextCursor !== cursor) writeCursor(deps, key, result.nextCursor);
    if (result.posts.length === 0 || result.nextCursor === null || result.nextCursor === cursor) break;
  }
  return seen;
}

function request(deps: PipelineDeps, source: Source, cursor: string | null): Promise<Page> {
  switch (source.kind) {
    case 'mentions':
      return deps.platform.mentions(cursor);
    case 'search':
      return deps.platform.search(source.name, cursor);
    case 'author_list':
      return deps.platform.authorPosts(source.name, cursor);
  }
}

function readCursor(deps: PipelineDeps, key: string): string | null {
  return cursorOf.get(deps.store, { source: key })?.cursor ?? null;
}

const cursorOf = prepared<{ source: string }>()((db, p) =>
  db
    .select({ cursor: sourceCursors.cursor })
    .from(sourceCursors)
    .where(eq(sourceCursors.source, p.source))
    .prepare(),
);

function writeCursor(deps: PipelineDeps, key: string, cursor: string): void {
  const updatedAt = deps.clock.now();
  deps.store.tx(() =>
    deps.store.db
      .insert(sourceCursors)
      .values({ source: key, cursor, updatedAt })
      .onConflictDoUpdate({ target: sourceCursors.source, set: { cursor, updatedAt } })
      .run(),
  );
}

function recordInvalid(deps: PipelineDeps, runId: string, source: string, page: Page): void {
  if (page.invalid.length === 0) return;
  deps.store.tx(() => {
    for (const item of page.invalid.slice(0, 20)) {
      deps.store.event({
        at: deps.clock.now(),
        type: EVENT.platformPostInvalid,
        severity: 'warn',
        fetchRunId: runId,
        data: JSON.stringify({ source, reason: item.reason }),
      });
    }
  });
}

function flatten(counts: IngestCounts): RunStats {
  return { ...counts };
}
