import type { Diagnosis } from './diagnosis.ts';
import type { ProofReport, ProofRow } from './report.ts';
import type { TraceChain } from './traceChain.ts';

/**
 * Renders the proof as plain markdown, the shape of the seed's report: a metrics table with
 * PASS/FAIL per row, the single blocking reason, and the latest reply's trace chain.
 *
 * @example console.log(renderProof(buildProofReport(store, opts), diagnose(store, opts)))
 */
export function renderProof(report: ProofReport, diagnosis: Diagnosis): string {
  const lines = [
    `# replywright production proof — ${report.status}`,
    '',
    `Generated ${iso(report.generatedAt)} · window ${report.window} (since ${iso(report.since)})`,
    '',
    '| Metric | Target | Actual | Status |',
    '|---|---|---|---|',
    ...report.rows.map(renderRow),
    '',
    '## Single blocking reason',
    '',
    diagnosis.blocking ? `**${diagnosis.blocking}** — ${diagnosis.cause}` : `None — ${diagnosis.cause}`,
    '',
    '## Trace chain (latest posted reply)',
    '',
    ...(report.trace ? renderTrace(report.trace) : [`No posted reply in the last ${report.window}.`]),
    '',
    '## Job runs (all time)',
    '',
    '| Job | Started | Completed | Failed | In flight | Status |',
    '|---|---|---|---|---|---|',
    ...report.jobRuns.map(
      (j) =>
        `| ${j.job} | ${j.started} | ${j.completed} | ${j.failed} | ${j.inFlight} | ${j.pass ? 'PASS' : 'FAIL'} |`,
    ),
    '',
    '## Migrations',
    '',
    ...report.migrations.applied.map(
      (m) =>
        `- ${m.version} ${m.name}: applied ${iso(m.appliedAt)}${m.eventAt === null ? ', no migration_applied event' : ''}`,
    ),
    ...(report.migrations.applied.length === 0 ? ['- none applied'] : []),
    '',
    `## STATUS: ${report.status}`,
    '',
  ];
  return lines.join('\n');
}

export function statusLabel(row: ProofRow): 'PASS' | 'FAIL' | 'INFO' {
  if (row.informational) return 'INFO';
  return row.pass ? 'PASS' : 'FAIL';
}

function renderRow(row: ProofRow): string {
  const actual = row.detail ? `${row.actual} (${row.detail})` : String(row.actual);
  return `| ${cell(row.metric)} | ${cell(row.target)} | ${cell(actual)} | ${statusLabel(row)} |`;
}

/** The chain as one arrow line plus the checklist. */
export function renderTrace(trace: TraceChain): string[] {
  const l = trace.links;
  const link = (name: string, id: string | undefined, at: number | null | undefined) =>
    id ? `${name} ${id}${at ? ` (${iso(at)})` : ''}` : `${name} MISSING`;
  return [
    [
      link('candidate', l.candidate?.id, l.candidate?.discoveredAt),
      link('queue entry', l.queueEntry?.id, l.queueEntry?.enqueuedAt),
      link('scheduler run', l.schedulerRun?.id, l.schedulerRun?.startedAt),
      link('decision', l.decision?.id, l.decision?.createdAt),
      link('permit', l.permit.id, l.permit.createdAt),
      link('post', l.post?.id, l.post?.at),
    ].join(' → '),
    '',
    ...trace.checks.map((c) => `- [${c.pass ? 'x' : ' '}] ${c.name}${c.pass ? '' : ` — got ${c.detail}`}`),
    '',
    `Events: ${trace.events.map((e) => e.type).join(', ')}`,
  ];
}

const iso = (ms: number) => new Date(ms).toISOString();
const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
