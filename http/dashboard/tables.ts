import type { DashboardData } from './data.ts';
import { truncate } from './format.ts';
import { h, type Safe } from './html.ts';
import { relativeTime } from './sections.ts';

/** The dashboard's lists: the queue head, recent permits (with approval buttons), ghosts. */
export function queueCard(d: DashboardData): Safe {
  return h`<section class="card" data-testid="queue"><h2>Queue head</h2>
    ${
      d.queueHead.length === 0
        ? h`<p class="muted">The queue is empty.</p>`
        : h`<table><thead><tr><th>Tier</th><th>Score</th><th>Author</th><th>Post</th><th>Expires</th></tr></thead><tbody>
      ${d.queueHead.map(
        (
          q,
        ) => h`<tr data-testid="queue-${q.id}"><td class="num">${q.tier}</td><td class="num">${q.score.toFixed(1)}</td>
        <td>@${q.author}</td><td>${truncate(q.text)}</td><td>${relativeTime(q.expiresAt, d.now)}</td></tr>`,
      )}</tbody></table>`
    }</section>`;
}

const STATE_BADGE: Record<string, string> = {
  used: 'ok',
  rejected: 'bad',
  failed: 'bad',
  expired: 'warn',
  unconfirmed: 'warn',
  awaiting_approval: 'info',
};

export function permitsCard(d: DashboardData): Safe {
  const disabled = d.adminTokenConfigured ? '' : 'disabled';
  return h`<section class="card" data-testid="permits"><h2>Recent permits</h2>
    ${
      d.permits.length === 0
        ? h`<p class="muted">No permits yet.</p>`
        : h`<table><thead><tr><th>State</th><th>Target</th><th>Reply</th><th>Updated</th><th></th></tr></thead><tbody>
      ${d.permits.map(
        (p) => h`<tr data-testid="permit-${p.id}" data-state="${p.state}">
        <td><span class="badge ${STATE_BADGE[p.state] ?? ''}">${p.state}</span>${p.reasonCode ? h`<div class="muted mono">${p.reasonCode}</div>` : ''}</td>
        <td>@${p.targetAuthor}<div class="muted mono">${p.targetPostId}</div></td>
        <td>${truncate(p.text, 120)}${p.actualPostId ? h`<div><a class="mono" href="/api/trace/${p.id}">trace → ${p.actualPostId}</a></div>` : ''}</td>
        <td>${relativeTime(p.updatedAt, d.now)}</td>
        <td>${
          p.state === 'awaiting_approval'
            ? h`<button class="primary" data-action="approve" data-permit="${p.id}" data-testid="approve-${p.id}" ${disabled}>Approve</button>
               <button class="danger" data-action="reject" data-permit="${p.id}" data-testid="reject-${p.id}" ${disabled}>Reject</button>`
            : ''
        }</td></tr>`,
      )}</tbody></table>`
    }</section>`;
}

export function ghostsCard(d: DashboardData): Safe {
  return h`<section class="card" data-testid="ghosts"><h2>Ghosts <span class="badge ${d.ghosts.length ? 'bad' : 'ok'}">${d.ghosts.length ? `${d.ghosts.length} recent` : 'none'}</span></h2>
    ${
      d.ghosts.length === 0
        ? h`<p class="muted">Every post by the account is explained by a used permit.</p>`
        : h`<table><thead><tr><th>Post</th><th>Kind</th><th>Text</th><th>Detected</th></tr></thead><tbody>
      ${d.ghosts.map(
        (
          g,
        ) => h`<tr data-testid="ghost-${g.id}"><td class="mono">${g.postId}</td><td>${g.kind}</td><td>${truncate(g.text)}</td>
        <td>${relativeTime(g.detectedAt, d.now)}</td></tr>`,
      )}</tbody></table>`
    }</section>`;
}
