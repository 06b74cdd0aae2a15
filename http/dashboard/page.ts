import type { Config } from '../../src/config/config.ts';
import type { Diagnosis } from '../../src/proof/diagnosis.ts';
import type { ProofReport } from '../../src/proof/report.ts';
import type { DashboardData } from './data.ts';
import { isoTime } from './format.ts';
import { h, raw, type Safe } from './html.ts';
import { SCRIPT, UNLOCK_SCRIPT } from './script.ts';
import {
  controlsBar,
  diagnosisCard,
  funnelCard,
  machinesCard,
  proofTable,
  riskBanner,
  traceCard,
} from './sections.ts';
import { spendCard, xRulesReminder } from './spendCard.ts';
import { STYLES } from './styles.ts';
import { ghostsCard, permitsCard, queueCard } from './tables.ts';

/** The dashboard (`/`), its live fragment, the proof page (`/proof`) and the unlock page. */
const WINDOWS = ['15m', '30m', '2h', '24h'];

function document(title: string, body: Safe, attrs: Safe = h``): string {
  return h`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27 viewBox=%270 0 16 16%27%3E%3Crect width=%2716%27 height=%2716%27 rx=%273%27 fill=%27%2316202e%27/%3E%3Cpath d=%27M4 8.5l2.5 2.5L12 5%27 stroke=%27%2322c55e%27 stroke-width=%272%27 fill=%27none%27/%3E%3C/svg%3E">
<style>${raw(STYLES)}</style></head><body ${attrs}>${body}<div id="toast" role="status"></div></body></html>`
    .html;
}

function header(config: Config, windowLabel: string): Safe {
  return h`<header class="top">
    <h1>replywright</h1>
    <div class="meta">
      <span class="badge" data-testid="account">@${config.REPLYWRIGHT_ACCOUNT} · ${config.REPLYWRIGHT_PLATFORM}</span>
      <span class="badge" data-testid="mode">mode ${config.REPLYWRIGHT_APPROVAL}</span>
      <span class="badge" data-testid="poster">poster ${config.REPLYWRIGHT_POSTER}</span>
      <span class="live-dot" id="live-dot" title="live updates"></span>
    </div>
    <span class="spacer"></span>
    <span class="windows">${WINDOWS.map((w) => h`<a href="?window=${w}"${w === windowLabel ? raw(' aria-current="page"') : ''}>${w}</a>`)}</span>
    <a href="/proof?window=${windowLabel}">Proof</a>
    <label><span class="muted">Token </span><input id="token" type="password" autocomplete="off" placeholder="admin token" data-testid="token-input"></label>
  </header>`;
}

export function liveSection(d: DashboardData): Safe {
  return h`${riskBanner(d)}${xRulesReminder(d.status)}${controlsBar(d)}
    <div class="grid">${funnelCard(d.status)}${diagnosisCard(d.diagnosis)}</div>
    ${spendCard(d.status)}
    <div class="grid">${proofTable(d.report)}
      <section class="card" data-testid="latest-trace"><h2>Latest posted reply · trace chain</h2>${traceCard(d.report.trace, d.report.window)}</section></div>
    <div class="grid">${queueCard(d)}${permitsCard(d)}</div>
    ${ghostsCard(d)}
    ${machinesCard(d)}
    <p class="muted">Updated ${isoTime(d.now)}</p>`;
}

export function dashboardPage(config: Config, d: DashboardData, readProtected: boolean): string {
  const body = h`${header(config, d.report.window)}<main id="live">${liveSection(d)}</main><script>${raw(SCRIPT)}</script>`;
  return document(
    `replywright · @${config.REPLYWRIGHT_ACCOUNT}`,
    body,
    h`data-fragment="/fragments/live" data-read-protected="${readProtected ? '1' : '0'}"`,
  );
}

export function proofPage(
  config: Config,
  report: ProofReport,
  diagnosis: Diagnosis,
  readProtected: boolean,
): string {
  const body = h`${header(config, report.window)}<main>
    <div class="grid">${proofTable(report)}${diagnosisCard(diagnosis)}</div>
    <section class="card" data-testid="latest-trace"><h2>Latest posted reply · trace chain</h2>${traceCard(report.trace, report.window)}</section>
    <section class="card" data-testid="job-runs"><h2>Job runs (all time)</h2><table>
      <thead><tr><th>Job</th><th>Started</th><th>Completed</th><th>Failed</th><th>In flight</th><th>Past deadline</th><th>Status</th></tr></thead><tbody>
      ${report.jobRuns.map(
        (
          j,
        ) => h`<tr><td>${j.job}</td><td class="num">${j.started}</td><td class="num">${j.completed}</td><td class="num">${j.failed}</td>
        <td class="num">${j.inFlight}</td><td class="num">${j.overdue}</td><td><span class="badge ${j.pass ? 'ok' : 'bad'}">${j.pass ? 'PASS' : 'FAIL'}</span></td></tr>`,
      )}</tbody></table></section>
    <section class="card"><h2>Migrations</h2><ul>${report.migrations.applied.map(
      (m) =>
        h`<li><span class="mono">${m.version} ${m.name}</span> applied ${isoTime(m.appliedAt)}${m.eventAt === null ? h` <span class="badge bad">no event</span>` : ''}</li>`,
    )}</ul></section>
    <p class="muted">Generated ${isoTime(report.generatedAt)} for the window since ${isoTime(report.since)}.</p>
  </main><script>${raw(SCRIPT)}</script>`;
  return document(
    `replywright proof · ${report.status}`,
    body,
    h`data-fragment="" data-read-protected="${readProtected ? '1' : '0'}"`,
  );
}

export function unlockPage(): string {
  const body = h`<header class="top"><h1>replywright</h1></header><main>
    <section class="card unlock"><h2>Token required</h2>
    <p>This dashboard's read routes are protected (REPLYWRIGHT_READ_TOKEN_REQUIRED=1). Enter the admin token; it is kept in this tab only.</p>
    <form id="unlock"><input id="token" type="password" autocomplete="off" data-testid="unlock-token">
    <p><button class="primary" type="submit">Open dashboard</button> <span id="unlock-error" class="muted"></span></p></form></section>
  </main><script>${raw(UNLOCK_SCRIPT)}</script>`;
  return document('replywright · locked', body);
}
