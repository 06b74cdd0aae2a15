import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** Where a failed post's Playwright trace and screenshot were written (absent when they could not be). */
export interface FailureEvidence {
  trace?: string;
  screenshot?: string;
}

/**
 * Every post is traced (screenshots + DOM snapshots); the trace is written to disk only when
 * the post fails, next to a screenshot. Both can show the logged-in page and the trace holds
 * its cookies, so the files are mode 600 in a mode-700 directory.
 */
export async function startTracing(context: BrowserContext): Promise<void> {
  await context.tracing.start({ screenshots: true, snapshots: true });
}

export async function discardTrace(context: BrowserContext): Promise<void> {
  await context.tracing.stop().catch(() => {});
}

export async function keepEvidence(
  context: BrowserContext | null,
  page: Page | null,
  dir: string,
  name: string,
): Promise<FailureEvidence> {
  const evidence: FailureEvidence = {};
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return evidence;
  }
  const base = join(resolve(dir), `${name.replace(/[^A-Za-z0-9_-]/g, '_')}-${Date.now()}`);
  if (page && !page.isClosed()) {
    const path = `${base}.png`;
    const shot = await page.screenshot({ path, fullPage: true, timeout: 3_000 }).catch(() => null);
    if (shot && secure(path)) evidence.screenshot = path;
  }
  if (context) {
    const path = `${base}.trace.zip`;
    await context.tracing.stop({ path }).catch(() => {});
    if (secure(path)) evidence.trace = path;
  }
  return evidence;
}

function secure(path: string): boolean {
  if (!existsSync(path)) return false;
  chmodSync(path, 0o600);
  return true;
}
