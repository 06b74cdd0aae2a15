import type { Diagnosis } from '../../src/proof/diagnosis.ts';
import { statusLabel } from '../../src/proof/render.ts';
import type { ProofReport } from '../../src/proof/report.ts';
import type { TraceChain } from '../../src/proof/traceChain.ts';
import type { StatusView } from '../views.ts';
import type { DashboardData } from './data.ts';
import { isoTime, relative } from './format.ts';
import { h, raw, type Safe } from './html.ts';
import { statechartSvg } from './statechart.ts';

/** The dashboard's cards that summarize: controls, risks, funnel, proof, diagnosis, machines. */
export function controlsBar(d: DashboardData): Safe {
  const paused = d.status.paused;
  const disabled = d.adminTokenConfigured ? '' : ' disabled';
  return h`<div class="card" data-testid="controls">
    <div class="controls-row">
      <span class="badge ${paused ? 'bad' : 'ok'}" data-testid="paused-state">${paused ? 'PAUSED' : 'RUNNING'}</span>
      <span class="badge ${d.status.supervisor === 'healthy' ? 'ok' : 'warn'}">supervisor ${d.status.supervisor}</span>
      <button class="danger" data-action="pause" data-testid="pause"${raw(disabled)}>Pause</button>
      <button class="primary" data-action="resume" data-testid="resume"${raw(disabled)}>Resume</button>
      ${d.adminTokenConfigured ? h`<span class="muted">Actions need the admin token (field above).</span>` : h`<span class="muted">Controls are disabled: set REPLYWRIGHT_ADMIN_TOKEN.</span>`}
    </div></div>`;
}

export function riskBanner(d: DashboardData): Safe | '' {
  if (d.risks.length === 0) return '';
  return h`<div class="risk" data-testid="risk-banner"><strong>Risky settings in effect</strong><ul>
    ${d.risks.map((r) => h`<li><span class="mono">${r.setting}=${r.value}</span> — ${r.why}</li>`)}</ul></div>`;
}

export function funnelCard(s: StatusView): Safe {
  const f = s.funnel;
  const steps: [string, number][] = [
    ['discovered', f.discovered],
    ['queued', f.queued],
    ['rejected', f.rejected],
    ['selected', f.selected],
    ['permitted', f.permitted],
    ['posted', f.posted],
  ];
  return h`<section class="card" data-testid="funnel"><h2>Funnel · last ${s.window}</h2>
    <div class="funnel">${steps.map(
      ([name, n]) => h`<div class="step" data-testid="funnel-${name}"><b>${n}</b><span>${name}</span></div>`,
    )}</div>
    ${f.rejectedByReason.length ? h`<p class="muted">Rejected by reason: ${f.rejectedByReason.map((r) => `${r.key} ${r.count}`).join(', ')}</p>` : ''}
    <p class="muted">Queue now: <b>${s.queueSize}</b> · caps: ${s.caps.perHour.used}/${s.caps.perHour.cap} this hour
      (${s.caps.perHour.left} left), ${s.caps.perDay.used}/${s.caps.perDay.cap} in 24h (${s.caps.perDay.left} left)</p></section>`;
}

export function proofTable(report: ProofReport): Safe {
  const cls = report.status === 'OPERATIONAL' ? 'ok' : report.status === 'NOT OPERATIONAL' ? 'bad' : 'warn';
  return h`<section class="card" data-testid="proof"><h2>Production proof · last ${report.window}</h2>
    <p class="status-banner ${cls}" data-testid="proof-status">${report.status}</p>
    <table data-testid="proof-table"><thead><tr><th>Metric</th><th>Target</th><th>Actual</th><th>Status</th></tr></thead><tbody>
    ${report.rows.map((r) => {
      const label = statusLabel(r);
      const badge = label === 'PASS' ? 'ok' : label === 'FAIL' ? 'bad' : 'info';
      return h`<tr data-testid="proof-row-${r.key}" data-pass="${String(r.pass)}"><td>${r.metric}</td><td class="mono">${r.target}</td>
        <td class="num">${r.actual}${r.detail ? h`<div class="muted">${r.detail}</div>` : ''}</td>
        <td><span class="badge ${badge}">${label}</span></td></tr>`;
    })}</tbody></table>
    <p class="muted"><a href="/proof">Full report</a> · <a href="/api/proof">JSON</a></p></section>`;
}

export function diagnosisCard(d: Diagnosis): Safe {
  return h`<section class="card" data-testid="diagnosis" data-code="${d.code}"><h2>Why nothing is posting</h2>
    <div class="diagnosis ${d.blocking ? 'blocked' : ''}">
      <h3 data-testid="diagnosis-blocking">${d.blocking ?? 'Nothing is blocking'}</h3>
      <div data-testid="diagnosis-cause">${d.cause}</div>
      <details><summary class="muted">Evidence</summary><pre class="mono">${JSON.stringify(d.evidence, null, 2)}</pre></details>
    </div></section>`;
}

export function traceCard(trace: TraceChain | null, window: string): Safe {
  if (!trace) return h`<p class="muted">No posted reply in the last ${window}.</p>`;
  const l = trace.links;
  const step = (name: string, id: string | undefined, at: number | null | undefined) =>
    h`<li><b>${name}</b> <span class="mono">${id ?? 'MISSING'}</span> <span class="muted">${isoTime(at)}</span></li>`;
  return h`<div data-testid="trace"><ol>
    ${step('candidate', l.candidate?.id, l.candidate?.discoveredAt)}
    ${step('queue entry', l.queueEntry?.id, l.queueEntry?.enqueuedAt)}
    ${step('scheduler run', l.schedulerRun?.id, l.schedulerRun?.startedAt)}
    ${step('decision', l.decision?.id, l.decision?.createdAt)}
    ${step('permit', l.permit.id, l.permit.createdAt)}
    ${step('posted post', l.post?.id, l.post?.at)}</ol>
    <ul>${trace.checks.map((c) => h`<li><span class="badge ${c.pass ? 'ok' : 'bad'}">${c.pass ? 'PASS' : 'FAIL'}</span> ${c.name}${c.pass ? '' : h` <span class="muted">(got ${c.detail})</span>`}</li>`)}</ul>
    <p class="muted">Events: ${trace.events.map((e) => e.type).join(' → ')}</p></div>`;
}

export function machinesCard(d: DashboardData): Safe {
  return h`<section class="card wide" data-testid="machines"><h2>State machines · live counts</h2><div class="charts">
    ${d.machines.map(
      ({
        summary,
        graph,
      }) => h`<div class="chart"><h3>${summary.name} <span class="muted">v${summary.version}</span>
        <a class="muted" href="/api/machines/${summary.name}">JSON</a></h3>${statechartSvg(summary.name, graph, summary.counts)}</div>`,
    )}</div></section>`;
}

export function relativeTime(ms: number, now: number): Safe {
  return h`<span title="${isoTime(ms)}">${relative(ms, now)}</span>`;
}
