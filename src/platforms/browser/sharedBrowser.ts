import { type Browser, chromium } from 'playwright-core';

/** Flags for a headless Chromium in a container: no sandbox, no GPU, nothing phoning home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export interface SharedBrowserOptions {
  executablePath: string;
  launchTimeoutMs?: number;
}

/**
 * One Chromium for the whole process, launched on first use and launched again when it
 * crashed or was disconnected. Each post gets its own context on it.
 *
 * @example
 * const shared = new SharedBrowser({ executablePath: '/usr/bin/chromium' });
 * const context = await (await shared.get()).newContext();
 */
export class SharedBrowser {
  readonly #options: SharedBrowserOptions;
  #browser: Promise<Browser> | null = null;
  #launches = 0;
  #closed = false;

  constructor(options: SharedBrowserOptions) {
    this.#options = options;
  }

  /** How many times Chromium was launched (1 + restarts). */
  get launches(): number {
    return this.#launches;
  }

  /** The running browser; a crashed or disconnected one is replaced (callers are serialized). */
  async get(): Promise<Browser> {
    if (this.#closed) throw new Error('the shared browser was closed');
    const current = this.#browser ? await this.#browser.catch(() => null) : null;
    if (current?.isConnected()) return current;
    this.#browser = this.#launch();
    return this.#browser;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const current = this.#browser;
    this.#browser = null;
    const browser = current ? await current.catch(() => null) : null;
    await browser?.close().catch(() => {});
  }

  async #launch(): Promise<Browser> {
    this.#launches++;
    return chromium.launch({
      executablePath: this.#options.executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: this.#options.launchTimeoutMs ?? 30_000,
    });
  }
}
