import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { candidates, ghosts, permits, queueEntries } from '../../db/schema.ts';
import { PERMIT } from '../../machines/stateGroups.ts';
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

const PERMIT_FIELDS = {
  id: permits.id,
  state: permits.state,
  targetAuthor: permits.targetAuthor,
  targetPostId: permits.targetPostId,
  text: permits.text,
  reasonCode: permits.reasonCode,
  actualPostId: permits.actualPostId,
  createdAt: permits.createdAt,
  updatedAt: permits.updatedAt,
};

export function dashboardData(app: AppHandle, windowMs: number, targets: ProofTargets) {
  const now = app.clock.now();
  const { store } = app;
  const status = statusView(app, windowMs, targets);
  const report = buildProofReport(store, { now, windowMs, targets });
  const queueHead: QueueHeadRow[] = store.db
    .select({
      id: queueEntries.id,
      candidateId: queueEntries.candidateId,
      tier: queueEntries.tier,
      score: queueEntries.score,
      expiresAt: queueEntries.expiresAt,
      author: candidates.author,
      text: candidates.text,
      postId: candidates.postId,
    })
    .from(queueEntries)
    .innerJoin(candidates, eq(candidates.id, queueEntries.candidateId))
    .where(and(eq(queueEntries.status, 'queued'), gt(queueEntries.expiresAt, now)))
    .orderBy(asc(queueEntries.tier), desc(queueEntries.score))
    .limit(10)
    .all();
  const awaiting: PermitRowView[] = store.db
    .select(PERMIT_FIELDS)
    .from(permits)
    .where(eq(permits.state, PERMIT.awaiting_approval))
    .orderBy(asc(permits.createdAt))
    .limit(50)
    .all();
  const recent: PermitRowView[] = store.db
    .select(PERMIT_FIELDS)
    .from(permits)
    .orderBy(desc(permits.updatedAt), desc(permits.id))
    .limit(20)
    .all();
  const seen = new Set(awaiting.map((p) => p.id));
  const permitRows = [...awaiting, ...recent.filter((p) => !seen.has(p.id))];
  const ghostRows: GhostRowView[] = store.db
    .select({
      id: ghosts.id,
      platform: ghosts.platform,
      postId: ghosts.postId,
      kind: ghosts.kind,
      text: ghosts.text,
      postedAt: ghosts.postedAt,
      detectedAt: ghosts.detectedAt,
    })
    .from(ghosts)
    .orderBy(desc(ghosts.detectedAt))
    .limit(10)
    .all();
  return {
    now,
    status,
    report,
    diagnosis: status.blocking,
    queueHead,
    permits: permitRows,
    ghosts: ghostRows,
    machines: machineGraphs(app),
    risks: riskySettings(app.config),
    adminTokenConfigured: app.config.REPLYWRIGHT_ADMIN_TOKEN !== undefined,
  };
}

export type DashboardData = ReturnType<typeof dashboardData>;
