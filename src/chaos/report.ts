import type { ChaosResult } from './types.ts';

/** The run as a two-column table (Markdown, so docs can quote it as is). */
export function chaosTable(result: ChaosResult): string {
  const { counters: c, report: r, unconfirmed: u } = result;
  const balanced = (j: ChaosResult['jobs'][number]) => j.started === j.completed + j.failed + j.running;
  const rows: [string, string][] = [
    ['seed', String(result.seed)],
    ['kills (SIGKILL)', String(c.kills)],
    ['kills inside posting', `${c.killsInPosting} (${pct(c.killsInPosting, c.kills)})`],
    ['replies posted', String(result.replies)],
    ['used permits', String(r.usedPermits)],
    ['ghosts injected / detected', `${c.ghostsInjected} / ${result.ghostsDetected}`],
    ['targets mutated (delete / make_reply)', String(c.targetsMutated)],
    ['unconfirmed permits / resolved (found posted)', `${u.total} / ${u.resolved} (${u.found})`],
    ['duplicate replies', String(r.duplicates)],
    ['undetected ghosts', String(r.undetectedGhosts.length)],
    ['posts without a used permit (not ghosts)', String(r.unexplainedPosts.length)],
    ['lost permits (non-terminal past deadline)', String(r.lostPermits.length)],
    ['incomplete traces', `${r.incompleteTraces.length} of ${r.usedPermits}`],
    [
      'job balance (started = completed + failed + running)',
      result.jobs
        .map((j) => `${j.job} ${j.started}=${j.completed}+${j.failed}+${j.running}${balanced(j) ? '' : ' ✗'}`)
        .join(', '),
    ],
    ['SLO events − ended scheduler runs', String(r.sloMismatch)],
    ['forbidden replies / cap violations', `${r.forbiddenReplies.length} / ${r.capViolations.length}`],
    ['settled quiet before timeout', result.quiet ? 'yes' : 'no'],
    ['duration', `${(result.durationMs / 1000).toFixed(1)} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [`| ${'measure'.padEnd(width)} | value |`, `|${'-'.repeat(width + 2)}|-------|`];
  for (const [k, v] of rows) lines.push(`| ${k.padEnd(width)} | ${v} |`);
  return lines.join('\n');
}

/** Every problem, one per line: the invariant checker's violations and the harness's incidents. */
export function chaosProblems(result: ChaosResult): string[] {
  return [...result.report.violations, ...result.counters.incidents];
}

/** The last line of a run, for scripts and CI logs. */
export function chaosSummary(result: ChaosResult): string {
  const r = result.report;
  return `chaos: ${result.platform && result.platform !== 'sandbox' ? `platform=${result.platform} ` : ''}keys=${result.keys} visibility_lag_ms=${result.visibilityLagMs} kills=${result.counters.kills} duplicates=${r.duplicates} undetected_ghosts=${r.undetectedGhosts.length} lost_permits=${r.lostPermits.length} incomplete_traces=${r.incompleteTraces.length}`;
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${Math.round((100 * part) / whole)}%`;
}
