import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../http/app.ts';
import { type Served, serveHttp } from '../../http/serve.ts';
import { CHROMIUM_ARGS } from '../../src/platforms/browser/sharedBrowser.ts';
import { checkInvariants } from '../../src/proof/invariants.ts';
import {
  ADMIN_TOKEN,
  type BrowserStack,
  browserStack,
  CHROMIUM,
  HAS_CHROMIUM,
} from '../support/browserStack.ts';

/**
 * The dashboard in Chromium, over a real replywright in manual approval mode whose poster is
 * the browser channel: the operator enters the token, approves a permit, the poster posts it.
 * UPDATE_SCREENSHOTS=1 writes the README's docs/dashboard.png.
 */
const README_SHOT = join(dirname(fileURLToPath(import.meta.url)), '../../docs/dashboard.png');

describe.skipIf(!HAS_CHROMIUM)('dashboard in Chromium', () => {
  let stack: BrowserStack;
  let served: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // Caps at their defaults (the screenshot's risk banner shows only what the test needs).
    stack = await browserStack({
      REPLYWRIGHT_APPROVAL: 'manual',
      REPLYWRIGHT_CAP_PER_HOUR: '6',
      REPLYWRIGHT_CAP_PER_DAY: '40',
      REPLYWRIGHT_AUTHOR_COOLDOWN_MIN: '60',
    });
    served = await serveHttp(createHttpApp(stack.app), { port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await stack?.stop();
  });

  it('renders the funnel, the proof table and the settings', async () => {
    stack.roots(14);
    for (let i = 0; i < 3; i++) await stack.app.runOnce('fetch');
    await page.goto(served.url);
    await expect.poll(() => page.getByTestId('funnel-discovered').locator('b').textContent()).toBe('14');
    expect(await page.getByTestId('proof-table').locator('tbody tr').count()).toBeGreaterThan(3);
    expect(await page.getByTestId('mode').textContent()).toContain('manual');
    expect(await page.getByTestId('poster').textContent()).toContain('browser');
  });

  it('an operator approves a permit with the admin token; the browser poster posts it', async () => {
    for (let i = 0; i < 3; i++) {
      await stack.app.runOnce('scheduler');
      const waiting = stack.permits().find((p) => p.state === 'awaiting_approval');
      expect(waiting).toBeDefined();
      const permitId = waiting!.id;
      await page.reload();
      const approve = page.getByTestId(`approve-${permitId}`);
      await approve.waitFor();
      if (i === 0) {
        await page.getByTestId('token-input').fill(ADMIN_TOKEN);
        await page.getByTestId('token-input').press('Tab');
        await expect
          .poll(() => page.evaluate(() => sessionStorage.getItem('replywright.token')))
          .toBe(ADMIN_TOKEN);
      }
      await approve.click();
      await expect.poll(() => stateOf(page, permitId), { timeout: 5_000 }).toBe('approved');

      await stack.app.runOnce('poster');
      expect(stack.permits().find((p) => p.id === permitId)?.state).toBe('used');
      await page.reload();
      expect(await stateOf(page, permitId)).toBe('used');
    }
    await stack.app.runOnce('reconciler');
    const report = checkInvariants(stack.app.store, await stack.truth(), {
      account: stack.config.REPLYWRIGHT_ACCOUNT,
      now: Date.now(),
    });
    expect(report.violations).toEqual([]);
    expect(await stack.botReplies()).toHaveLength(3);

    await page.reload();
    await page.getByTestId('trace').waitFor();
    expect(await page.getByTestId('funnel-posted').locator('b').textContent()).toBe('3');
    const shot = process.env.UPDATE_SCREENSHOTS === '1' ? README_SHOT : join(stack.dir, 'dashboard.png');
    mkdirSync(dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  });
});

function stateOf(page: Page, permitId: string): Promise<string | null> {
  return page.getByTestId(`permit-${permitId}`).getAttribute('data-state');
}
