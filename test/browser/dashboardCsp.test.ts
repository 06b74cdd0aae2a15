import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from '../../src/platforms/browser/sharedBrowser.ts';
import { CHROMIUM, HAS_CHROMIUM } from '../support/browserStack.ts';
import { ADMIN_TOKEN } from '../support/httpHarness.ts';
import { seedHealthyState } from '../support/proofFixtures.ts';
import { type ServedHarness, servedHarness } from '../support/servedHarness.ts';

/**
 * The dashboard works under its Content-Security-Policy (issue #11, finding 4): its own script
 * runs (the live stream connects; the unlock page loads the dashboard with the token), the
 * browser reports no violation, and another origin cannot frame it.
 */
describe.skipIf(!HAS_CHROMIUM)('dashboard under its CSP, in Chromium', () => {
  let browser: Browser;
  let s: ServedHarness | undefined;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => browser?.close());
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  /** A page that records CSP violations as the browser reports them. */
  async function watchedPage(): Promise<{ page: Page; violations: string[] }> {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportViolation(t: string): void }).reportViolation(
          `${e.violatedDirective} ${e.blockedURI}`,
        ),
      );
    });
    return { page, violations };
  }

  it('runs the dashboard script (live stream on) without a violation', async () => {
    s = await servedHarness(undefined, { stream: { pollMs: 50 } });
    seedHealthyState(s.h.fixture);
    const { page, violations } = await watchedPage();
    await page.goto(s.url);
    await expect.poll(() => page.locator('#live-dot').getAttribute('class')).toContain('on');
    await page.goto(`${s.url}/proof`);
    await page.getByTestId('proof-table').waitFor();
    expect(violations).toEqual([]);
    await page.close();
  });

  it('unlocks with the token: the unlock page writes the dashboard in, and its script runs', async () => {
    s = await servedHarness({ REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN, REPLYWRIGHT_READ_TOKEN_REQUIRED: '1' });
    seedHealthyState(s.h.fixture);
    const { page, violations } = await watchedPage();
    await page.goto(s.url);
    await page.getByTestId('unlock-token').fill(ADMIN_TOKEN);
    await page.getByTestId('unlock-token').press('Enter');
    await page.getByTestId('funnel').waitFor();
    // Read-protected dashboards poll instead of streaming; the script marks the dot live.
    await expect.poll(() => page.locator('#live-dot').getAttribute('class')).toContain('on');
    expect(await page.getByTestId('token-input').inputValue()).toBe(ADMIN_TOKEN);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('cannot be framed by another origin', async () => {
    s = await servedHarness();
    const { page, violations } = await watchedPage();
    await page.setContent(`<iframe src="${s.url}/" width="800" height="600"></iframe>`);
    await expect.poll(() => violations.some((v) => /frame-ancestors/.test(v))).toBe(true);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(await frame?.locator('[data-testid="funnel"]').count()).toBe(0);
    await page.close();
  });
});
