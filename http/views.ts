import type { AppHandle } from '../src/app/types.ts';
import { publicConfig } from '../src/config/publicConfig.ts';
import { type Diagnosis, diagnose } from '../src/proof/diagnosis.ts';
import { formatDuration } from '../src/proof/duration.ts';
import { capBudget, funnel } from '../src/proof/funnel.ts';
import { queueSize } from '../src/proof/queries.ts';
import { buildProofReport, type ProofReport } from '../src/proof/report.ts';
import type { ProofTargets } from '../src/proof/targets.ts';
import { spendSummary } from '../src/spend/queries.ts';

/**
 * The read models shared by the JSON API and the dashboard, so both always show the same
 * numbers for the same window.
 */
export function proofView(
  app: AppHandle,
  windowMs: number,
  targets: ProofTargets,
): { report: ProofReport; diagnosis: Diagnosis } {
  const now = app.clock.now();
  return {
    report: buildProofReport(app.store, { now, windowMs, targets }),
    diagnosis: diagnosisView(app, windowMs, targets),
  };
}

export function diagnosisView(app: AppHandle, windowMs: number, targets: ProofTargets): Diagnosis {
  return diagnose(app.store, {
    now: app.clock.now(),
    windowMs,
    paused: app.controls.isPaused(),
    lowWatermark: targets.queueSize,
    caps: { perHour: app.config.REPLYWRIGHT_CAP_PER_HOUR, perDay: app.config.REPLYWRIGHT_CAP_PER_DAY },
    dailyBudgetUsd: app.config.REPLYWRIGHT_DAILY_BUDGET_USD ?? null,
  });
}

export function statusView(app: AppHandle, windowMs: number, targets: ProofTargets) {
  const now = app.clock.now();
  const { config } = app;
  const health = app.health();
  return {
    now,
    window: formatDuration(windowMs),
    windowMs,
    account: config.REPLYWRIGHT_ACCOUNT,
    platform: config.REPLYWRIGHT_PLATFORM,
    mode: config.REPLYWRIGHT_APPROVAL,
    poster: config.REPLYWRIGHT_POSTER,
    paused: app.controls.isPaused(),
    supervisor: health.supervisor.health,
    funnel: funnel(app.store, { now, windowMs }),
    queueSize: queueSize(app.store, now),
    caps: capBudget(app.store, now, {
      perHour: config.REPLYWRIGHT_CAP_PER_HOUR,
      perDay: config.REPLYWRIGHT_CAP_PER_DAY,
    }),
    blocking: diagnosisView(app, windowMs, targets),
    /** What the platform calls cost: this window, the last 24 h, per reply, against the daily budget. */
    spend: spendSummary(app.store, {
      now,
      windowMs,
      dailyBudgetUsd: config.REPLYWRIGHT_DAILY_BUDGET_USD ?? null,
    }),
    config: publicConfig(config),
  };
}

export type StatusView = ReturnType<typeof statusView>;
