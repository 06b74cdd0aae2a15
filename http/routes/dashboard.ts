import { Hono } from 'hono';
import { z } from 'zod';
import type { AppHandle } from '../../src/app/types.ts';
import type { ProofTargets } from '../../src/proof/targets.ts';
import { isAuthorized, requireReader } from '../auth.ts';
import { dashboardData } from '../dashboard/data.ts';
import { dashboardPage, liveSection, proofPage, unlockPage } from '../dashboard/page.ts';
import type { HttpEnv } from '../env.ts';
import { query, windowSchema } from '../validate.ts';
import { proofView } from '../views.ts';

/**
 * `GET /` (dashboard), `GET /proof` (the report as a page) and `GET /fragments/live` (the
 * dashboard's live section, re-fetched on every stream update). When read routes need the
 * token, the pages answer with an unlock page that loads them again with it.
 */
const windowQuery = z.object({ window: windowSchema });

export function dashboardRoutes(app: AppHandle, targets: ProofTargets): Hono<HttpEnv> {
  const token = app.config.REPLYWRIGHT_ADMIN_TOKEN;
  const readProtected = app.config.REPLYWRIGHT_READ_TOKEN_REQUIRED;
  const locked = (header: string | undefined) => readProtected && !isAuthorized(header, token);
  const noStore = { 'cache-control': 'no-store' };

  return new Hono<HttpEnv>()
    .get('/', (c) => {
      if (locked(c.req.header('authorization'))) return c.html(unlockPage(), 200, noStore);
      const { window } = query(c, windowQuery);
      return c.html(
        dashboardPage(app.config, dashboardData(app, window, targets), readProtected),
        200,
        noStore,
      );
    })
    .get('/proof', (c) => {
      if (locked(c.req.header('authorization'))) return c.html(unlockPage(), 200, noStore);
      const { window } = query(c, windowQuery);
      const { report, diagnosis } = proofView(app, window, targets);
      return c.html(proofPage(app.config, report, diagnosis, readProtected), 200, noStore);
    })
    .get('/fragments/live', requireReader(token, readProtected), (c) => {
      const { window } = query(c, windowQuery);
      return c.html(liveSection(dashboardData(app, window, targets)).html, 200, noStore);
    });
}
