import type { BrowserContext, Page } from 'playwright-core';
import type { PostAttempt, ReplyChannel } from '../../jobs/replyChannel.ts';
import type { Logger } from '../../logging.ts';
import { describeError, ReplywrightError } from '../../runtime/errors.ts';
import { OutcomeUnknown, PlatformRejected, PlatformUnavailable } from '../contract.ts';
import { readCreateResponse, waitForCreateCall } from './createCall.ts';
import { discardTrace, keepEvidence, startTracing } from './evidence.ts';
import { type BrowserProfile, isCreateCall, locate, profileUrl } from './profile.ts';
import type { BrowserSession } from './session.ts';
import type { SharedBrowser } from './sharedBrowser.ts';

export interface BrowserChannelOptions {
  profile: BrowserProfile;
  /** The site's origin; the profile's URL templates are relative to it. */
  baseUrl: string;
  browser: SharedBrowser;
  session: BrowserSession;
  /** Traces and screenshots of failed posts go here. */
  tracesDir: string;
  /**
   * Asked with the reply typed in, immediately before the click: is the permit still
   * `posting`, unexpired, and its target still a root post? false → nothing is clicked.
   */
  beforeClick: (permit: PostAttempt) => Promise<boolean>;
  log: Logger;
  now?: () => number;
}

type Phase = 'before_click' | 'after_click';

/**
 * The browser `ReplyChannel`: posts a permit's reply through the site's own compose UI in
 * Chromium. One shared browser, a fresh context and page per post, one post at a time.
 *
 * Before the click every failure means "not posted" (PlatformUnavailable; a missing page or
 * composer is PlatformRejected). The click happens at most once; after it, only the create
 * call's answer decides: 2xx with an id → posted, 429 → RateLimited, 4xx → PlatformRejected,
 * anything else (timeout, dropped connection, closed page, crashed browser) → OutcomeUnknown,
 * which the poster turns into an `unconfirmed` permit for the reconciler. A failure leaves a
 * Playwright trace and a screenshot, named in the error's `context`.
 */
export function createBrowserChannel(options: BrowserChannelOptions): ReplyChannel {
  const now = options.now ?? Date.now;
  let tail: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => {});
    return run;
  };

  async function post(permit: PostAttempt, signal: AbortSignal) {
    const { profile } = options;
    const startedAt = performance.now();
    let phase: Phase = 'before_click';
    let context: BrowserContext | null = null;
    let page: Page | null = null;
    let createRequests = 0;
    try {
      notAborted(signal);
      const browser = await options.browser.get();
      const storageState = await options.session.ensure(browser);
      context = await browser.newContext({ storageState });
      await startTracing(context);
      page = await context.newPage();
      page.setDefaultTimeout(profile.timeouts.navigationMs);
      page.on('request', (request) => {
        if (isCreateCall(profile, request.method(), request.url())) createRequests++;
      });

      const url = new URL(profileUrl(profile.postUrl, options.baseUrl, permit.targetPostId));
      if (profile.keyParam) url.searchParams.set(profile.keyParam, permit.idempotencyKey);
      const response = await page.goto(url.toString(), {
        waitUntil: 'domcontentloaded',
      });
      const status = response?.status() ?? 0;
      if (status === 404 || status === 410) throw new PlatformRejected(`target page answered ${status}`, 404);
      if (status < 200 || status >= 400) throw new PlatformUnavailable(`target page answered ${status}`);

      const composer = locate(page, profile.composer);
      const loggedOut = profile.loggedOut ? locate(page, profile.loggedOut) : null;
      const either = loggedOut ? composer.or(loggedOut).first() : composer;
      await either.waitFor({ state: 'visible', timeout: profile.timeouts.composerMs }).catch(() => {});
      if (!(await composer.isVisible())) {
        if (loggedOut && (await loggedOut.isVisible())) {
          options.session.invalidate();
          throw new PlatformUnavailable('the browser session is logged out; it will log in again');
        }
        throw new PlatformRejected('the target page has no composer', 403);
      }
      await composer.fill(permit.text);
      // The reconciler recognises the reply by its content hash: post exactly the permit's text.
      if (normalized(await composer.inputValue()) !== normalized(permit.text)) {
        throw withContext(new PlatformRejected('the composer did not keep the reply text as typed', 422), {
          reasonCode: 'composer_changed_text',
        });
      }
      const submit = locate(page, profile.submit);
      await submit.click({ trial: true, timeout: profile.timeouts.composerMs });
      notAborted(signal);
      if (!(await options.beforeClick(permit))) {
        throw withContext(new PlatformRejected('the permit or its target changed before the click', 409), {
          reasonCode: 'pre_click_check_failed',
        });
      }

      const answer = waitForCreateCall(page, profile, profile.timeouts.responseMs);
      phase = 'after_click';
      await submit.click({ timeout: profile.timeouts.composerMs });
      const outcome = await answer;
      if (outcome.kind === 'failed') throw new OutcomeUnknown(`create call failed: ${outcome.reason}`);
      if (outcome.response.status() === 401) {
        options.session.invalidate();
        throw new PlatformUnavailable('the create call answered 401: the session expired; not posted');
      }
      const { postId } = await readCreateResponse(profile, outcome.response, now());
      await discardTrace(context);
      const elapsedMs = Math.round(performance.now() - startedAt);
      options.log.info({ permitId: permit.permitId, postId, elapsedMs }, 'browser posted a reply');
      return { postId, detail: { elapsedMs } };
    } catch (error) {
      const failure = classify(error, phase);
      const evidence = await keepEvidence(context, page, options.tracesDir, permit.permitId);
      withContext(failure, { phase, createRequests, ...evidence });
      options.log.warn(
        { permitId: permit.permitId, phase, err: describeError(failure), ...evidence },
        'browser post failed',
      );
      throw failure;
    } finally {
      await context?.close().catch(() => {});
    }
  }

  return {
    name: 'browser',
    // After the pre-click check (at the latest, the posting deadline) come the click and the
    // wait for the create call's response; the reply may land until both have run out.
    responseTimeoutMs: options.profile.timeouts.composerMs + options.profile.timeouts.responseMs,
    carriesKey: options.profile.keyParam !== undefined,
    send: (permit, signal) => serialized(() => post(permit, signal)),
    async close() {
      await tail;
      await options.browser.close();
    },
  };
}

function notAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new PlatformUnavailable('the poster run was aborted before the click');
}

function normalized(text: string): string {
  return text.normalize('NFC').trim();
}

/** Classified errors pass through; anything else is "not posted" before the click and "unknown" after it. */
function classify(error: unknown, phase: Phase): ReplywrightError {
  if (error instanceof ReplywrightError) return error;
  const message = `browser ${phase.replace('_', ' ')}: ${describeError(error).split('\n')[0]}`;
  return phase === 'before_click'
    ? new PlatformUnavailable(message, error)
    : new OutcomeUnknown(message, error);
}

/** The contract's error classes take no context of their own; the poster copies `context` into the event. */
function withContext<E extends ReplywrightError>(error: E, extra: Record<string, unknown>): E {
  Object.assign(error.context, extra);
  return error;
}
