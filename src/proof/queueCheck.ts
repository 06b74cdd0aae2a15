import type { Store } from '../../db/store.ts';
import { sloStats } from './diagnosisStats.ts';
import { formatDuration } from './duration.ts';
import type { TimeRange } from './queries.ts';

/** SLO reasons of a scheduler run that found nothing to pick. */
export const STARVED_SLO_REASONS: ReadonlySet<string> = new Set(['queue_empty', 'all_expired']);

export interface QueueCheck {
  pass: boolean;
  target: string;
  detail: string;
}

/**
 * The proof's queue row. Its target is the low watermark (REPLYWRIGHT_QUEUE_LOW_WATERMARK, 10),
 * the buffer the seed's operators asked for; a queue under it passes only while it is fed as
 * fast as the scheduler drains it: at least one entry waits now, a permit was created in the
 * window, and the window's latest scheduler run did not find the queue empty.
 *
 * Why not the watermark alone: the scheduler takes a candidate every REPLYWRIGHT_MIN_SPACING_SEC
 * (up to the caps), so where demand is low — the dev sandbox's first minutes at its default
 * 30 posts a minute, a small account — the queue holds fewer than 10 although nothing waits on
 * it. The diagnosis calls that healthy (its starvation test is the same one), and now the proof
 * agrees with it. It still fails when nothing feeds the queue (it runs dry: empty now, or the
 * scheduler found nothing) and when nothing drains it (no permit created) while under the target.
 */
export function queueCheck(
  store: Store,
  options: { range: TimeRange; queueSize: number; target: number; permitsCreated: number },
): QueueCheck {
  const { range, queueSize, target, permitsCreated } = options;
  const shown = `>= ${target}, or >= 1 while drained`;
  if (queueSize >= target)
    return { pass: true, target: shown, detail: `at or above the watermark ${target}` };
  const window = formatDuration(range.until - range.since);
  const latest = sloStats(store, range).latest;
  const latestInWindow = latest && latest.at >= range.since ? latest.reason : null;
  const problems = [
    queueSize === 0 ? 'empty now' : null,
    latestInWindow !== null && STARVED_SLO_REASONS.has(latestInWindow)
      ? `the latest scheduler run found nothing to pick (${latestInWindow})`
      : null,
    latestInWindow === null ? `no scheduler run in ${window}` : null,
    permitsCreated === 0 ? `no permit created in ${window}` : null,
  ].filter((p): p is string => p !== null);
  if (problems.length > 0)
    return { pass: false, target: shown, detail: `under ${target}: ${problems.join('; ')}` };
  return {
    pass: true,
    target: shown,
    detail: `under ${target} but fed as fast as drained: ${permitsCreated} permit${permitsCreated === 1 ? '' : 's'} created in ${window}, latest scheduler run ${latestInWindow}`,
  };
}
