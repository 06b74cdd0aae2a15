import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Browser } from 'playwright-core';
import { type BrowserProfile, locate, profileUrl } from './profile.ts';

export interface BrowserSessionOptions {
  /** Playwright storage-state file (cookies, local storage): a secret, kept with mode 600. */
  statePath: string;
  profile: BrowserProfile;
  baseUrl: string;
  /** Used only when the profile has a login form (the sandbox) and no state file exists yet. */
  credentials?: { handle: string; password: string };
}

/**
 * The logged-in session the browser poster posts with. It lives only in the storage-state
 * file: never logged, never in a snapshot or an event. Without the file, a profile with a
 * login form (the sandbox) logs in once and saves it; any other profile needs the operator
 * to provide it.
 */
export class BrowserSession {
  readonly #options: BrowserSessionOptions;

  constructor(options: BrowserSessionOptions) {
    this.#options = options;
  }

  /** The storage-state file, created by logging in when missing and possible. */
  async ensure(browser: Browser): Promise<string> {
    const { statePath, profile, credentials } = this.#options;
    if (existsSync(statePath)) return statePath;
    if (!profile.login || !credentials) {
      throw new Error(`no browser session: the storage-state file is missing (profile ${profile.name})`);
    }
    await this.#logIn(browser, profile.login, credentials);
    return statePath;
  }

  /** Forgets a session the site no longer accepts, so the next post logs in again. */
  invalidate(): void {
    rmSync(this.#options.statePath, { force: true });
  }

  async #logIn(
    browser: Browser,
    login: NonNullable<BrowserProfile['login']>,
    credentials: { handle: string; password: string },
  ): Promise<void> {
    const { profile, baseUrl, statePath } = this.#options;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(profile.timeouts.navigationMs);
      const loginUrl = profileUrl(login.url, baseUrl);
      await page.goto(loginUrl, { waitUntil: 'domcontentloaded' });
      await locate(page, login.handle).fill(credentials.handle);
      await locate(page, login.password).fill(credentials.password);
      await locate(page, login.submit).click();
      // Logged in once the form is gone; a refused login renders the form again.
      const gone = await locate(page, login.password)
        .waitFor({ state: 'hidden' })
        .then(() => true)
        .catch(() => false);
      if (!gone) throw new Error('login was refused');
      writeSecret(statePath, JSON.stringify(await context.storageState()));
    } finally {
      await context.close().catch(() => {});
    }
  }
}

/** Written under a temporary name with mode 600, then renamed: never readable by others, never half-written. */
function writeSecret(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}
