import { X_ACCOUNT_REMINDERS } from '../../src/policy/xRules.ts';
import type { SpendSummary } from '../../src/spend/queries.ts';
import type { StatusView } from '../views.ts';
import { h, type Safe } from './html.ts';

/** What the platform calls cost (X): this window, the last 24 h, per reply, against the budget. */
export function spendCard(s: StatusView): Safe | '' {
  const spend: SpendSummary = s.spend;
  if (s.platform !== 'x' && spend.day.calls === 0) return '';
  const w = spend.window;
  const money = (usd: number | null) => (usd === null ? '—' : `$${usd.toFixed(3)}`);
  return h`<section class="card" data-testid="spend"><h2>Platform spend · last ${s.window}</h2>
    <div class="funnel">
      <div class="step" data-testid="spend-window"><b>${money(w.spendUsd)}</b><span>${w.calls} calls</span></div>
      <div class="step" data-testid="spend-per-reply"><b>${money(w.costPerReplyUsd)}</b><span>per reply (${w.replies} posted)</span></div>
      <div class="step" data-testid="spend-day"><b>${money(spend.day.spendUsd)}</b><span>last 24 h</span></div>
      <div class="step" data-testid="spend-budget"><b>${spend.dailyBudgetUsd === null ? 'no budget' : money(spend.budgetLeftUsd)}</b><span>${spend.dailyBudgetUsd === null ? 'REPLYWRIGHT_DAILY_BUDGET_USD unset' : `left of ${money(spend.dailyBudgetUsd)} / 24 h`}</span></div>
    </div>
    ${
      w.byOperation.length
        ? h`<table><thead><tr><th>Call</th><th>Count</th><th>Billed items</th><th>Spend</th></tr></thead><tbody>
      ${w.byOperation.map((o) => h`<tr><td class="mono">${o.operation}</td><td class="num">${o.calls}</td><td class="num">${o.billed}</td><td class="num">${money(o.spendUsd)}</td></tr>`)}
      </tbody></table>`
        : h`<p class="muted">No platform calls in the last ${s.window}.</p>`
    }
    <p class="muted">Reads are billed per item, once per item and UTC day; writes per request. Prices: REPLYWRIGHT_X_PRICES_USD.</p></section>`;
}

/** On X: what the account must carry under X's automation rules. */
export function xRulesReminder(s: StatusView): Safe | '' {
  if (s.platform !== 'x') return '';
  return h`<div class="risk" data-testid="x-rules"><strong>X’s rules for this account</strong><ul>
    ${X_ACCOUNT_REMINDERS.map((line) => h`<li>${line}</li>`)}</ul></div>`;
}
