import type { AppHandle } from '../../src/app/types.ts';
import { riskySettings } from '../../src/config/risks.ts';
import { buildProofReport } from '../../src/proof/report.ts';
import type { ProofTargets } from '../../src/proof/targets.ts';
import { machineGraphs } from '../machines/catalog.ts';
import { statusView } from '../views.ts';

/** Everything the dashboard's live section shows, read in one pass. */
export interface QueueHeadRow {
  id: string;
  candidateId: string;
  tier: number;
  score: number;
  expiresAt: number;
  author: string;
  text: string;
  postId: string;
}

export interface PermitRowView {
  id: string;
  state: string;
  targetAuthor: string;
  targetPostId: string;
  text: string;
  reasonCode: string | null;
  actualPostId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface GhostRowView {
  id: string;
  platform: string;
  postId: string;
  kind: string;
  text: string;
  postedAt: number;
  detectedAt: number;
}

const PERMIT_COLUMNS = `id, state, target_author as targetAuthor, target_post_id as targetPostId, text,
  reason_code as reasonCode, actual_post_id as actualPostId, created_at as createdAt, updated_at as updatedAt`;

export function dashboardData(app: AppHandle, windowMs: number, targets: ProofTargets) {
  const now = app.clock.now();
  const { store } = app;
  const status = statusView(app, windowMs, targets);
  const report = buildProofReport(store, { now, windowMs, targets });
  const queueHead = store
    .statement(
      `select q.id, q.candidate_id as candidateId, q.tier, q.score, q.expires_at as expiresAt,
         c.author, c.text, c.post_id as postId
       from queue_entries q join candidates c on c.id = q.candidate_id
       where q.status = 'queued' and q.expires_at > ? order by q.tier, q.score desc limit 10`,
    )
    .all(now) as QueueHeadRow[];
  const awaiting = store
    .statement(`select ${PERMIT_COLUMNS} from permits where state = 'awaiting_approval' order by created_at limit 50`)
    .all() as PermitRowView[];
  const recent = store
    .statement(`select ${PERMIT_COLUMNS} from permits order by updated_at desc, id desc limit 20`)
    .all() as PermitRowView[];
  const seen = new Set(awaiting.map((p) => p.id));
  const permits = [...awaiting, ...recent.filter((p) => !seen.has(p.id))];
  const ghosts = store
    .statement(
      `select id, platform, post_id as postId, kind, text, posted_at as postedAt, detected_at as detectedAt
       from ghosts order by detected_at desc limit 10`,
    )
    .all() as GhostRowView[];
  return {
    now,
    status,
    report,
    diagnosis: status.blocking,
    queueHead,
    permits,
    ghosts,
    machines: machineGraphs(app),
    risks: riskySettings(app.config),
    adminTokenConfigured: app.config.REPLYWRIGHT_ADMIN_TOKEN !== undefined,
  };
}

export type DashboardData = ReturnType<typeof dashboardData>;
