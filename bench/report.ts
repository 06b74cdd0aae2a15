import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fmt } from './stats.ts';
import type { BenchResult, Row } from './types.ts';

/**
 * bench/results.json and the generated part of docs/BENCHMARKS.md: the machine, the exact
 * command, and one table of every row with its same-run comparisons and goal.
 */
export interface Machine {
  cores: number;
  cpu: string;
  memoryGb: number;
  node: string;
  platform: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export interface RunReport {
  generatedAt: string;
  command: string;
  quick: boolean;
  machine: Machine;
  results: BenchResult[];
  failures: { id: string; error: string }[];
}

export function machine(): Machine {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

const cell = (s: string) => s.replace(/\|/g, '\\|');

function shownValue(row: Row): string {
  // NaN (nothing measured) comes back from the child's JSON as null
  if (typeof row.value !== 'number' || Number.isNaN(row.value)) return '—';
  return row.unit === '×' ? `${fmt(row.value)}×` : `${fmt(row.value)} ${row.unit}`;
}

function comparisonsOf(row: Row): [string, string] {
  if (row.comparisons.length === 0) return ['', ''];
  return [
    row.comparisons.map((c) => `${cell(c.against)} (${fmt(c.referenceValue)})`).join('<br>'),
    row.comparisons.map((c) => `${fmt(c.ratio)}×`).join('<br>'),
  ];
}

export function renderTable(report: RunReport): string {
  const m = report.machine;
  const lines = [
    `Generated ${report.generatedAt} by \`${report.command}\`${report.quick ? ' (quick pass: small N, not the reference figures)' : ''}.`,
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB memory, Node ${m.node}, ${m.platform}; load average ${m.loadAverageAtStart.join(' / ')} at the start${m.loadAverageAtEnd ? `, ${m.loadAverageAtEnd.join(' / ')} at the end` : ''} (the machine is shared: read the ratios, not the bare times).`,
    '',
    '| benchmark | measure | value | compared with (same run) | ratio | goal | met |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const result of report.results) {
    for (const row of result.rows) {
      const [against, ratios] = comparisonsOf(row);
      const goal = row.goal ? cell(row.goal.text) : '';
      const met = row.goal ? (row.goal.met ? 'yes' : '**no**') : '';
      const measure = row.note
        ? `${cell(row.measure)}<br><small>${cell(row.note)}</small>`
        : cell(row.measure);
      lines.push(
        `| ${cell(result.title)} | ${measure} | ${shownValue(row)} | ${against} | ${ratios} | ${goal} | ${met} |`,
      );
    }
  }
  for (const failure of report.failures)
    lines.push(`| ${failure.id} | **failed**: ${cell(failure.error.split('\n')[0] ?? '')} | | | | | |`);
  return lines.join('\n');
}

const SKELETON = `# Benchmarks

\`npm run bench\` measures replywright against references run side by side on the same
machine; \`npm run bench -- --quick\` is the CI-sized pass. Everything between the markers
below is rewritten by each run.

${START}
${END}
`;

/** Rewrites the generated section of the doc, keeping everything outside the markers. */
export function writeDoc(path: string, report: RunReport): void {
  const doc = existsSync(path) ? readFileSync(path, 'utf8') : SKELETON;
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  const base = from >= 0 && to > from ? doc : `${doc.trimEnd()}\n\n${START}\n${END}\n`;
  const a = base.indexOf(START) + START.length;
  const b = base.indexOf(END);
  writeFileSync(path, `${base.slice(0, a)}\n${renderTable(report)}\n${base.slice(b)}`);
}

export function writeResults(path: string, report: RunReport): void {
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
